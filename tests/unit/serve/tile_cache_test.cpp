#include "serve/tile_cache.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace migratlas::serve {
namespace {

std::shared_ptr<const PreparedTile> tile_of(std::size_t bytes)
{
    auto tile = std::make_shared<PreparedTile>();
    tile->present = true;
    tile->body.assign(bytes, 'x');
    return tile;
}

TEST(ServeTileCache, HitsReturnTheStoredTileAndMissesNothing)
{
    TileCache cache(16 << 20);
    const auto tile = tile_of(100);
    cache.insert({0, 7, true}, tile);
    EXPECT_EQ(cache.find({0, 7, true}), tile);
    EXPECT_EQ(cache.find({0, 7, false}), nullptr);  // the other encoding is another entry
    EXPECT_EQ(cache.find({1, 7, true}), nullptr);   // another tileset
    const auto stats = cache.stats();
    EXPECT_EQ(stats.hits, 1U);
    EXPECT_EQ(stats.misses, 2U);
    EXPECT_EQ(stats.entries, 1U);
}

TEST(ServeTileCache, StaysWithinItsBudgetAndKeepsTilesInUse)
{
    // 16 shards of 64 KiB; tiles of about 1 KiB.
    TileCache cache(16 * 65536);
    const TileKey hot{0, 0, true};
    cache.insert(hot, tile_of(1000));
    for (std::uint64_t id = 1; id < 20000; ++id) {
        cache.insert({0, id, true}, tile_of(1000));
        (void)cache.find(hot);  // used between every insertion: CLOCK keeps it
    }
    const auto stats = cache.stats();
    EXPECT_LE(stats.bytes, 16U * 65536U);
    EXPECT_GT(stats.entries, 500U);
    EXPECT_LT(stats.entries, 20000U);
    EXPECT_NE(cache.find(hot), nullptr);
    EXPECT_EQ(cache.find({0, 1, true}), nullptr);  // an early tile never used again is gone
}

TEST(ServeTileCache, ZeroBudgetCachesNothingAndHugeTilesAreNotCached)
{
    TileCache none(0);
    none.insert({0, 1, true}, tile_of(10));
    EXPECT_EQ(none.find({0, 1, true}), nullptr);
    TileCache small(16 * 1024);
    small.insert({0, 1, true}, tile_of(5000));  // larger than a shard's share
    EXPECT_EQ(small.find({0, 1, true}), nullptr);
}

TEST(ServeTileCache, ConcurrentReadersAndWritersAgree)
{
    TileCache cache(16 * 65536);
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (std::uint64_t i = 0; i < 20000; ++i) {
                const std::uint64_t id = (i * 7 + static_cast<std::uint64_t>(t)) % 3000;
                if (auto found = cache.find({0, id, true})) {
                    if (found->body.size() != 100 + id % 50) {
                        ++wrong;
                    }
                } else {
                    cache.insert({0, id, true}, tile_of(100 + id % 50));
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_LE(cache.stats().bytes, 16U * 65536U);
}

} // namespace
} // namespace migratlas::serve
