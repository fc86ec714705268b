#include "common/pmtiles_directory.hpp"

#include "common/error.hpp"
#include "serve_test_support.hpp"

#include <gtest/gtest.h>

namespace migratlas::serve {
namespace {

using namespace ::migratlas::pmtiles;

using test::encode_directory;
using test::RawEntry;

TEST(ServePmtilesDirectory, DecodesDeltaIdsRunLengthsAndContiguousOffsets)
{
    const auto bytes = encode_directory({{0, 0, 100, 1}, {1, 100, 50, 3}, {7, 10, 20, 1}, {9, 30, 5, 0}});
    const auto entries = decode_directory(bytes);
    ASSERT_EQ(entries.size(), 4U);
    EXPECT_EQ(entries[0], (Entry{0, 0, 100, 1}));
    EXPECT_EQ(entries[1], (Entry{1, 100, 50, 3}));  // offset 0 in the encoding: follows entry 0
    EXPECT_EQ(entries[2], (Entry{7, 10, 20, 1}));   // offset+1 in the encoding: points back (deduplicated)
    EXPECT_EQ(entries[3], (Entry{9, 30, 5, 0}));    // a leaf directory
}

TEST(ServePmtilesDirectory, FindsTilesInsideRunsAndTheLeafCoveringAnId)
{
    const std::vector<Entry> entries{{0, 0, 10, 1}, {5, 10, 10, 3}, {20, 0, 99, 0}};
    EXPECT_EQ(find_entry(entries, 0)->offset, 0U);
    EXPECT_FALSE(find_entry(entries, 1));           // between entries
    EXPECT_EQ(find_entry(entries, 7)->tile_id, 5U); // inside the run 5..7
    EXPECT_FALSE(find_entry(entries, 8));           // just after the run
    EXPECT_EQ(find_entry(entries, 20)->run_length, 0U);
    EXPECT_EQ(find_entry(entries, 1000000)->tile_id, 20U);  // a leaf covers everything after its first id
    EXPECT_FALSE(find_entry({{3, 0, 1, 1}}, 2));
}

TEST(ServePmtilesDirectory, RejectsCorruptDirectories)
{
    EXPECT_THROW((void)decode_directory(""), DataError);
    std::string zero;
    test::append_varint(zero, 0);
    EXPECT_THROW((void)decode_directory(zero), DataError);  // the spec forbids empty directories
    auto good = encode_directory({{0, 0, 100, 1}, {1, 100, 50, 1}});
    EXPECT_THROW((void)decode_directory(good.substr(0, good.size() - 1)), DataError);  // truncated
    EXPECT_THROW((void)decode_directory(good + "x"), DataError);                       // trailing bytes
    std::string huge;
    test::append_varint(huge, 1ULL << 40);  // a count no file this size can hold: no giant allocation
    huge += std::string(16, '\1');
    EXPECT_THROW((void)decode_directory(huge), DataError);
    EXPECT_THROW((void)decode_directory(encode_directory({{0, 0, 0, 1}})), DataError);  // zero length
    EXPECT_THROW((void)decode_directory(encode_directory({{4, 0, 1, 1}, {4, 1, 1, 1}})), DataError);  // not ascending
    EXPECT_THROW((void)decode_directory(std::string(12, '\xff')), DataError);  // endless varint
}

TEST(ServePmtilesDirectory, FirstEntryMustCarryAnOffset)
{
    std::string bytes;
    for (const std::uint64_t v : {1, 0, 1, 5, 0}) {  // 1 entry: id 0, run 1, length 5, offset "follows previous"
        test::append_varint(bytes, v);
    }
    EXPECT_THROW((void)decode_directory(bytes), DataError);
}

TEST(ServePmtilesHeader, ParsesTheFixedLayoutAndRefusesOtherVersions)
{
    std::string header(header_bytes, '\0');
    header.replace(0, 7, "PMTiles");
    header[7] = 3;
    header[8] = 127;              // root offset
    header[16] = 42;              // root length
    header[97] = 2;               // internal gzip
    header[98] = 2;               // tile gzip
    header[99] = 1;               // mvt
    header[100] = 3;
    header[101] = 14;
    const std::int32_t west = -725000000;  // -72.5 degrees
    for (int i = 0; i < 4; ++i) {
        header[102 + i] = static_cast<char>((static_cast<std::uint32_t>(west) >> (8 * i)) & 0xff);
    }
    const auto parsed = parse_header(header);
    EXPECT_EQ(parsed.root_offset, 127U);
    EXPECT_EQ(parsed.root_length, 42U);
    EXPECT_EQ(parsed.internal_compression, Compression::gzip);
    EXPECT_EQ(parsed.tile_type, TileType::mvt);
    EXPECT_EQ(parsed.min_zoom, 3);
    EXPECT_EQ(parsed.max_zoom, 14);
    EXPECT_DOUBLE_EQ(parsed.min_lon, -72.5);

    header[7] = 2;
    EXPECT_THROW((void)parse_header(header), DataError);
    EXPECT_THROW((void)parse_header("PMTiles\3"), DataError);  // short
    EXPECT_THROW((void)parse_header(std::string(127, 'x')), DataError);
}

} // namespace
} // namespace migratlas::serve
