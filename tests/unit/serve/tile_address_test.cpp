#include "serve/tile_address.hpp"

#include <gtest/gtest.h>

namespace migratlas::serve {
namespace {

TEST(ServeTileAddress, TileIdsFollowTheHilbertCurveOfEachZoom)
{
    // Vectors of the PMTiles v3 reference implementation's tests.
    EXPECT_EQ(tile_id({0, 0, 0}), 0U);
    EXPECT_EQ(tile_id({1, 0, 0}), 1U);
    EXPECT_EQ(tile_id({1, 0, 1}), 2U);
    EXPECT_EQ(tile_id({1, 1, 1}), 3U);
    EXPECT_EQ(tile_id({1, 1, 0}), 4U);
    EXPECT_EQ(tile_id({2, 0, 0}), 5U);
    EXPECT_EQ(tile_id({12, 3423, 1763}), 19078479U);
}

TEST(ServeTileAddress, TileIdRoundTripsAtEveryZoom)
{
    for (int z = 0; z <= 12; ++z) {
        const std::uint32_t side = 1U << z;
        for (std::uint32_t x = 0; x < side; x += std::max(1U, side / 7)) {
            for (std::uint32_t y = 0; y < side; y += std::max(1U, side / 5)) {
                const TileAddress address{z, x, y};
                const auto back = tile_address(tile_id(address));
                ASSERT_TRUE(back);
                EXPECT_EQ(*back, address) << z << "/" << x << "/" << y;
            }
        }
    }
    const TileAddress deepest{max_tile_zoom, (1U << max_tile_zoom) - 1, 12345};
    EXPECT_EQ(tile_address(tile_id(deepest)), deepest);
}

TEST(ServeTileAddress, ParsesOnlyDigitsInsideTheGrid)
{
    EXPECT_EQ(parse_tile_address("3", "7", "0"), (TileAddress{3, 7, 0}));
    EXPECT_FALSE(parse_tile_address("3", "8", "0"));   // x = 2^z
    EXPECT_FALSE(parse_tile_address("3", "0", "8"));
    EXPECT_FALSE(parse_tile_address("31", "0", "0"));  // beyond max_tile_zoom
    EXPECT_FALSE(parse_tile_address("-1", "0", "0"));
    EXPECT_FALSE(parse_tile_address("+1", "0", "0"));
    EXPECT_FALSE(parse_tile_address("1", "0x1", "0"));
    EXPECT_FALSE(parse_tile_address("1", "", "0"));
    EXPECT_FALSE(parse_tile_address("1", " 0", "0"));
    EXPECT_FALSE(parse_tile_address("1", "0", "99999999999999999999"));
    EXPECT_FALSE(parse_tile_address("a", "0", "0"));
}

TEST(ServeTileAddress, TmsRowFlipsTheRow)
{
    EXPECT_EQ(tms_row({0, 0, 0}), 0U);
    EXPECT_EQ(tms_row({3, 1, 0}), 7U);
    EXPECT_EQ(tms_row({3, 1, 7}), 0U);
}

} // namespace
} // namespace migratlas::serve
