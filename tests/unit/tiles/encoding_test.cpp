// Normative formats compared byte for byte: MVT 2.1 layers (the specification's own geometry
// examples), PMTiles v3 tile ids and directories, gzip round trips, UTF-8 handling.
#include "tiles/gzip.hpp"
#include "tiles/layer_builder.hpp"
#include "tiles/mvt_encoder.hpp"
#include "tiles/pmtiles_writer.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::tiles;

namespace {

std::string bytes(std::initializer_list<int> values)
{
    std::string out;
    for (const int v : values) {
        out.push_back(static_cast<char>(v));
    }
    return out;
}

std::string layer_with(const std::function<void(MvtLayerEncoder&)>& fill)
{
    MvtLayerEncoder encoder("pts", {"kind", "n"});
    fill(encoder);
    std::string tile;
    encoder.append_to(tile);
    return tile;
}

} // namespace

TEST(MvtEncoder, PointLayerMatchesTheSpecificationByteForByte)
{
    const std::string tile = layer_with([](MvtLayerEncoder& e) {
        e.begin_feature(1);
        e.add_tag(0, MvtValue::string(0, "a"));
        e.set_points({Point{25, 17}});
        e.end_feature();
    });
    const std::string feature = bytes({0x08, 0x01, 0x12, 0x02, 0x00, 0x00, 0x18, 0x01, 0x22, 0x03, 0x09, 0x32, 0x22});
    const std::string layer = bytes({0x78, 0x02, 0x0A, 0x03, 'p', 't', 's', 0x12, static_cast<int>(feature.size())}) + feature +
        bytes({0x1A, 0x04, 'k', 'i', 'n', 'd', 0x22, 0x03, 0x0A, 0x01, 'a', 0x28, 0x80, 0x20});
    EXPECT_EQ(tile, bytes({0x1A, static_cast<int>(layer.size())}) + layer);
}

TEST(MvtEncoder, LineAndPolygonCommandsAreThoseOfTheSpecification)
{
    // MVT 2.1 section 4.3.5 examples: the geometry field (tag 0x22) carries exactly these integers.
    const std::string line = layer_with([](MvtLayerEncoder& e) {
        e.begin_feature(7);
        e.set_lines({Line{{2, 2}, {2, 10}, {10, 10}}});
        e.end_feature();
    });
    EXPECT_NE(line.find(bytes({0x18, 0x02, 0x22, 0x08, 9, 4, 4, 18, 0, 16, 16, 0})), std::string::npos);
    const std::string polygon = layer_with([](MvtLayerEncoder& e) {
        e.begin_feature(8);
        e.set_polygons({Polygon{{Ring{{3, 6}, {8, 12}, {20, 34}}}}});
        e.end_feature();
    });
    EXPECT_NE(polygon.find(bytes({0x18, 0x03, 0x22, 0x09, 9, 6, 12, 18, 10, 12, 24, 44, 15})), std::string::npos);
}

TEST(MvtEncoder, EqualValuesAndKeysAreSharedByFeatures)
{
    const std::string tile = layer_with([](MvtLayerEncoder& e) {
        for (int i = 0; i < 3; ++i) {
            e.begin_feature(static_cast<std::uint64_t>(i));
            e.add_tag(1, MvtValue::integer(5));
            e.add_tag(0, MvtValue::string(3, "same"));
            e.set_points({Point{i, i}});
            e.end_feature();
        }
    });
    auto count = [&](const std::string& needle) {
        std::size_t n = 0;
        for (auto at = tile.find(needle); at != std::string::npos; at = tile.find(needle, at + 1)) {
            ++n;
        }
        return n;
    };
    EXPECT_EQ(count("same"), 1U);
    EXPECT_EQ(count(bytes({0x1A, 0x01, 'n'})), 1U);
    // uint_value 5 (field 5), stored once; negative integers use sint_value.
    EXPECT_EQ(count(bytes({0x22, 0x02, 0x28, 0x05})), 1U);
    const std::string negative = layer_with([](MvtLayerEncoder& e) {
        e.begin_feature(1);
        e.add_tag(1, MvtValue::integer(-3));
        e.set_points({Point{0, 0}});
        e.end_feature();
    });
    EXPECT_NE(negative.find(bytes({0x22, 0x02, 0x30, 0x05})), std::string::npos);
}

TEST(Pmtiles, TileIdsFollowTheHilbertCurveOfTheSpecification)
{
    // Reference values from the pmtiles npm package's zxyToTileId.
    EXPECT_EQ(pmtiles_tile_id(0, 0, 0), 0U);
    EXPECT_EQ(pmtiles_tile_id(1, 0, 0), 1U);
    EXPECT_EQ(pmtiles_tile_id(1, 0, 1), 2U);
    EXPECT_EQ(pmtiles_tile_id(1, 1, 1), 3U);
    EXPECT_EQ(pmtiles_tile_id(1, 1, 0), 4U);
    EXPECT_EQ(pmtiles_tile_id(2, 0, 0), 5U);
    EXPECT_EQ(pmtiles_tile_id(2, 3, 0), 20U);
    EXPECT_EQ(pmtiles_tile_id(12, 1171, 2186), 13598496U);
    EXPECT_EQ(pmtiles_tile_id(20, 1000000, 555555), 1189254892538ULL);
}

TEST(Pmtiles, DirectoryIsColumnarWithContiguousOffsetsAsZero)
{
    const std::vector<PmtilesEntry> entries{{5, 0, 100, 1}, {6, 100, 50, 3}, {20, 0, 100, 1}};
    // count; delta ids 5,1,14; run lengths 1,3,1; lengths 100,50,100; offsets 0+1, contiguous 0, 0+1.
    EXPECT_EQ(serialize_directory(entries), bytes({3, 5, 1, 14, 1, 3, 1, 100, 50, 100, 1, 0, 1}));
}

TEST(Gzip, RoundTripsAndCarriesNoTimestamp)
{
    const std::string text(10000, 'x');
    const std::string packed = gzip(text);
    EXPECT_EQ(gunzip(packed), text);
    EXPECT_EQ(packed.substr(0, 2), bytes({0x1f, 0x8b}));
    EXPECT_EQ(packed.substr(4, 4), bytes({0, 0, 0, 0})); // MTIME
    EXPECT_EQ(gzip(text), packed);
}

TEST(Utf8, ValidatesRecodesLatin1AndCutsAtCharacterBoundaries)
{
    EXPECT_TRUE(is_utf8("Bogotá, Perú"));
    EXPECT_FALSE(is_utf8("Bogot\xe1"));
    EXPECT_FALSE(is_utf8("\xc0\x80")); // overlong NUL
    EXPECT_EQ(latin1_to_utf8("Bogot\xe1"), "Bogotá");
    EXPECT_EQ(utf8_prefix("ñañaña", 3), "ña");
    EXPECT_EQ(utf8_prefix("ññ", 3), "ñ");
}
