#include "serve/tile_cache.hpp"

#include <mutex>

namespace migratlas::serve {

TileCache::TileCache(std::size_t max_bytes) : m_shard_budget(max_bytes / shard_count) {}

std::shared_ptr<const PreparedTile> TileCache::find(const TileKey& key)
{
    Shard& s = shard(key);
    const std::shared_lock lock(s.mutex);
    if (const auto it = s.index.find(key); it != s.index.end()) {
        Slot& slot = *it->second;
        if (!slot.used.load(std::memory_order_relaxed)) {
            slot.used.store(true, std::memory_order_relaxed);
        }
        s.hits.fetch_add(1, std::memory_order_relaxed);
        return slot.tile;
    }
    s.misses.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
}

void TileCache::evict_one(Shard& s)
{
    // Passes over used slots (clearing the mark) until one unused since the last turn.
    while (true) {
        if (s.hand >= s.clock.size()) {
            s.hand = 0;
        }
        Slot* slot = s.clock[s.hand];
        if (slot->used.exchange(false, std::memory_order_relaxed)) {
            ++s.hand;
            continue;
        }
        s.bytes -= slot->tile->footprint();
        s.clock[s.hand] = s.clock.back();
        s.clock.pop_back();
        s.index.erase(slot->key);  // destroys the slot
        return;
    }
}

void TileCache::insert(const TileKey& key, std::shared_ptr<const PreparedTile> tile)
{
    const std::size_t size = tile->footprint();
    if (size > m_shard_budget) {
        return;  // larger than a shard's share: never cached, always read
    }
    Shard& s = shard(key);
    const std::unique_lock lock(s.mutex);
    if (const auto it = s.index.find(key); it != s.index.end()) {
        // Another worker prepared the same tile meanwhile: keep one.
        return;
    }
    while (s.bytes + size > m_shard_budget && !s.clock.empty()) {
        evict_one(s);
    }
    auto slot = std::make_unique<Slot>();
    slot->key = key;
    slot->tile = std::move(tile);
    s.clock.push_back(slot.get());
    s.index.emplace(key, std::move(slot));
    s.bytes += size;
}

TileCacheStats TileCache::stats() const
{
    TileCacheStats stats;
    for (const auto& s : m_shards) {
        const std::shared_lock lock(s.mutex);
        stats.hits += s.hits.load(std::memory_order_relaxed);
        stats.misses += s.misses.load(std::memory_order_relaxed);
        stats.entries += s.index.size();
        stats.bytes += s.bytes;
    }
    return stats;
}

} // namespace migratlas::serve
