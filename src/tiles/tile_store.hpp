// Every finished tile of a run, each distinct content stored once: blobs go to a scratch file beside
// the output as soon as they are made (so a large tileset does not sit in memory) and tiles point at
// them. The MBTiles and PMTiles writers read from here once all zooms are done.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
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

    /// Stores a tile's content (gzipped MVT) unless equal content is stored already, and returns its
    /// blob. Safe to call from several threads; blob numbers then depend on timing, which is why the
    /// writers renumber them (canonical_blobs).
    [[nodiscard]] std::uint32_t intern(const std::string& data);
    /// Addresses tile zoom/x/y to a blob (one thread at a time).
    void add(int zoom, std::uint32_t x, std::uint32_t y, std::uint32_t blob);

    [[nodiscard]] const std::vector<Entry>& entries() const { return m_entries; }
    /// Entries sorted by zoom, x, y with blobs numbered in order of first use there, and for each such
    /// number the stored blob: the same for any thread count.
    void canonical_blobs(std::vector<Entry>& entries, std::vector<std::uint32_t>& blob_of_number) const;
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
    /// Content key: two independent 64-bit hashes (a false match has odds of about 2^-128).
    struct Key {
        std::uint64_t a = 0;
        std::uint64_t b = 0;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const { return k.a; }
    };
    std::unordered_map<Key, std::uint32_t, KeyHash> m_by_content;
    std::mutex m_mutex;
    std::uint64_t m_end = 0;
};

} // namespace migratlas::tiles
