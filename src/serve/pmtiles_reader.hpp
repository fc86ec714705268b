// Reads tiles and metadata from a PMTiles v3 archive on disk: header, root and leaf directories
// (decoded once and kept, leaves in a bounded cache), run-length entries, internal compression.
#pragma once

#include "common/pmtiles_directory.hpp"
#include "serve/tile_source.hpp"

#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace migratlas::serve {

class PmtilesReader final : public TileSource {
public:
    /// Opens the archive and reads its header, root directory and metadata. Throws InputError
    /// naming the file when it is not a valid PMTiles v3 archive or uses a compression this
    /// build cannot decode (brotli, zstd).
    explicit PmtilesReader(const std::filesystem::path& path, std::size_t leaf_cache_entries = 512);
    ~PmtilesReader() override;

    [[nodiscard]] const TilesetInfo& info() const override { return m_info; }
    [[nodiscard]] std::optional<std::string> read(const TileAddress& address) override;

    [[nodiscard]] const pmtiles::Header& header() const { return m_header; }

private:
    using Directory = std::vector<pmtiles::Entry>;

    [[nodiscard]] std::string read_range(std::uint64_t offset, std::uint64_t length, const char* what) const;
    [[nodiscard]] std::string decompress(std::string bytes, const char* what) const;
    [[nodiscard]] std::shared_ptr<const Directory> leaf(std::uint64_t offset, std::uint32_t length);
    void read_metadata();

    TilesetInfo m_info;
    pmtiles::Header m_header;
    int m_fd = -1;
    std::uint64_t m_file_size = 0;
    std::shared_ptr<const Directory> m_root;

    // Leaf directories by offset, least recently used last.
    std::mutex m_leaf_mutex;
    std::size_t m_leaf_capacity;
    std::list<std::uint64_t> m_leaf_order;
    std::unordered_map<std::uint64_t, std::pair<std::shared_ptr<const Directory>, std::list<std::uint64_t>::iterator>> m_leaves;
};

} // namespace migratlas::serve
