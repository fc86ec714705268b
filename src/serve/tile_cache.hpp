// The hot-tile cache of `serve`: ready-to-send tile responses (body and header lines) keyed by
// tileset, tile id and encoding, bounded in bytes, sharded by key.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace migratlas::serve {

/// A tile as it goes on the wire in one encoding, or the fact that there is no tile there.
struct PreparedTile {
    bool present = false;
    bool gzip = false;         ///< body is gzip (sent with Content-Encoding: gzip)
    std::string body;
    std::string etag;          ///< quoted strong validator, e.g. "\"5f0c...-gz\""
    std::string headers;       ///< header lines of a 200 (or of the missing-tile answer), each ending in CRLF

    [[nodiscard]] std::size_t footprint() const { return sizeof(*this) + body.size() + etag.size() + headers.size() + 64; }
};

struct TileKey {
    std::uint32_t tileset = 0;
    std::uint64_t tile_id = 0;
    bool gzip = false;

    friend bool operator==(const TileKey&, const TileKey&) = default;
};

struct TileKeyHash {
    std::size_t operator()(const TileKey& key) const noexcept
    {
        // splitmix64 finaliser: tile ids of neighbours differ in few bits.
        std::uint64_t h = key.tile_id * 0x9e3779b97f4a7c15ULL ^ (std::uint64_t{key.tileset} << 1 | (key.gzip ? 1U : 0U));
        h ^= h >> 30;
        h *= 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 27;
        h *= 0x94d049bb133111ebULL;
        h ^= h >> 31;
        return static_cast<std::size_t>(h);
    }
};

struct TileCacheStats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t entries = 0;
    std::uint64_t bytes = 0;
};

/// Reads never wait for each other: a hit takes a shared lock and marks its entry as used; only
/// misses (inserting, evicting) take the exclusive lock. Eviction is CLOCK (an entry used since
/// the hand last passed survives one more turn), an approximation of least recently used that
/// needs no write on a hit. (An exclusive lock per hit let a worker that was preempted while
/// holding it stall the other workers: a latency tail under load.)
class TileCache {
public:
    /// `max_bytes` 0 disables caching (every request reads the archive).
    explicit TileCache(std::size_t max_bytes);

    [[nodiscard]] std::shared_ptr<const PreparedTile> find(const TileKey& key);
    void insert(const TileKey& key, std::shared_ptr<const PreparedTile> tile);
    [[nodiscard]] TileCacheStats stats() const;

private:
    static constexpr std::size_t shard_count = 16;
    struct Slot {
        TileKey key;
        std::shared_ptr<const PreparedTile> tile;
        std::atomic<bool> used{false};
    };
    struct alignas(64) Shard {
        mutable std::shared_mutex mutex;
        std::unordered_map<TileKey, std::unique_ptr<Slot>, TileKeyHash> index;
        std::vector<Slot*> clock;  // every slot once; the hand walks it when room is needed
        std::size_t hand = 0;
        std::size_t bytes = 0;
        std::atomic<std::uint64_t> hits{0};
        std::atomic<std::uint64_t> misses{0};
    };
    Shard& shard(const TileKey& key) { return m_shards[TileKeyHash{}(key) % shard_count]; }
    static void evict_one(Shard& shard);

    std::size_t m_shard_budget;
    std::array<Shard, shard_count> m_shards;
};

} // namespace migratlas::serve
