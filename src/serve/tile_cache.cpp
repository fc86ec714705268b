#include "serve/tile_cache.hpp"

namespace migratlas::serve {

TileCache::TileCache(std::size_t max_bytes) : m_shard_budget(max_bytes / shard_count) {}

std::shared_ptr<const PreparedTile> TileCache::find(const TileKey& key)
{
    Shard& s = shard(key);
    const std::lock_guard lock(s.mutex);
    if (const auto it = s.index.find(key); it != s.index.end()) {
        if (it->second != s.order.begin()) {
            s.order.splice(s.order.begin(), s.order, it->second);
        }
        ++s.hits;
        return it->second->second;
    }
    ++s.misses;
    return nullptr;
}

void TileCache::insert(const TileKey& key, std::shared_ptr<const PreparedTile> tile)
{
    const std::size_t size = tile->footprint();
    if (size > m_shard_budget) {
        return;  // larger than a shard's share: never cached, always read
    }
    Shard& s = shard(key);
    const std::lock_guard lock(s.mutex);
    if (const auto it = s.index.find(key); it != s.index.end()) {
        s.bytes -= it->second->second->footprint();
        s.order.erase(it->second);
        s.index.erase(it);
    }
    s.order.emplace_front(key, std::move(tile));
    s.index.emplace(key, s.order.begin());
    s.bytes += size;
    while (s.bytes > m_shard_budget && !s.order.empty()) {
        auto& [old_key, old_tile] = s.order.back();
        s.bytes -= old_tile->footprint();
        s.index.erase(old_key);
        s.order.pop_back();
    }
}

TileCacheStats TileCache::stats() const
{
    TileCacheStats stats;
    for (const auto& s : m_shards) {
        const std::lock_guard lock(s.mutex);
        stats.hits += s.hits;
        stats.misses += s.misses;
        stats.entries += s.index.size();
        stats.bytes += s.bytes;
    }
    return stats;
}

} // namespace migratlas::serve
