// Reads tiles and metadata from an MBTiles 1.3 file (SQLite), read-only, from many threads:
// each concurrent reader borrows its own SQLite connection from a small pool.
#pragma once

#include "serve/tile_source.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace migratlas::serve {

class MbtilesReader final : public TileSource {
public:
    /// Opens the file and reads its metadata. Throws InputError when it is not an MBTiles file
    /// (no `tiles` or `metadata` table) or cannot be opened.
    explicit MbtilesReader(const std::filesystem::path& path);
    ~MbtilesReader() override;

    [[nodiscard]] const TilesetInfo& info() const override { return m_info; }
    [[nodiscard]] std::optional<std::string> read(const TileAddress& address) override;

    /// One read-only SQLite connection with its prepared tile query.
    class Connection;

private:
    std::unique_ptr<Connection> acquire();
    void release(std::unique_ptr<Connection> connection);
    void read_metadata(Connection& connection);

    TilesetInfo m_info;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<Connection>> m_idle;
};

} // namespace migratlas::serve
