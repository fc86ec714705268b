// Every finished tile of a run, each distinct content stored once: blobs go to a scratch file beside
// the output (so a large tileset does not sit in memory) and tiles point at them. The MBTiles and
// PMTiles writers read from here once all zooms are done.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace migratlas::tiles {

class TileStore {
public:
    struct Entry {
        std::uint8_t zoom = 0;
        std::uint32_t x = 0;
        std::uint32_t y = 0;
        std::uint32_t blob = 0;
    };

    /// Opens the scratch file `scratch` (removed when the store is destroyed).
    explicit TileStore(std::filesystem::path scratch);
    ~TileStore();
    TileStore(const TileStore&) = delete;
    TileStore& operator=(const TileStore&) = delete;

    /// Adds a tile (gzipped MVT); content equal to an earlier tile's is not stored again.
    void add(int zoom, std::uint32_t x, std::uint32_t y, const std::string& data);

    [[nodiscard]] const std::vector<Entry>& entries() const { return m_entries; }
    [[nodiscard]] std::size_t blob_count() const { return m_blob_length.size(); }
    [[nodiscard]] std::uint32_t blob_length(std::uint32_t blob) const { return m_blob_length[blob]; }
    [[nodiscard]] std::string read_blob(std::uint32_t blob) const;
    [[nodiscard]] std::uint64_t blob_bytes() const { return m_end; }
    /// Flushes writes so read_blob sees them.
    void finish_writing();

private:
    std::filesystem::path m_path;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> m_file;
    std::vector<Entry> m_entries;
    std::vector<std::uint64_t> m_blob_offset;
    std::vector<std::uint32_t> m_blob_length;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> m_by_hash;
    std::uint64_t m_end = 0;
};

} // namespace migratlas::tiles
