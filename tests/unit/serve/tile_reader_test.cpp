#include "serve/gzip.hpp"
#include "serve/mbtiles_reader.hpp"
#include "serve/pmtiles_reader.hpp"
#include "serve/tile_source.hpp"

#include "common/error.hpp"
#include "serve_test_support.hpp"
#include "test_files.hpp"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace migratlas::serve {
namespace {

/// Every tile address of an MBTiles file, read with SQLite directly (not through the reader under test).
std::vector<TileAddress> addresses_in(const std::filesystem::path& mbtiles)
{
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(mbtiles.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "SELECT zoom_level, tile_column, tile_row FROM tiles", -1, &statement, nullptr);
    std::vector<TileAddress> addresses;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        const int z = sqlite3_column_int(statement, 0);
        const auto x = static_cast<std::uint32_t>(sqlite3_column_int64(statement, 1));
        const auto tms = static_cast<std::uint32_t>(sqlite3_column_int64(statement, 2));
        addresses.push_back({z, x, ((1U << z) - 1U) - tms});
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return addresses;
}

void check_metadata(const TileSource& source)
{
    const auto& info = source.info();
    EXPECT_EQ(info.container, "mbtiles");
    EXPECT_EQ(info.format, TileFormat::mvt);
    EXPECT_EQ(info.compression, TileCompression::gzip);
    EXPECT_EQ(info.minzoom, 0);
    EXPECT_EQ(info.maxzoom, 9);
    ASSERT_TRUE(info.bounds);
    EXPECT_NEAR((*info.bounds)[0], -70.0, 1e-6);
    EXPECT_NEAR((*info.bounds)[3], 2.0, 1e-6);
    ASSERT_TRUE(info.metadata.contains("vector_layers"));
    std::set<std::string> layers;
    for (const auto& layer : info.metadata["vector_layers"]) {
        layers.insert(layer["id"].get<std::string>());
    }
    EXPECT_EQ(layers, (std::set<std::string>{"units", "corridors", "crossing_points"}));
}

TEST(ServeTileReaders, MbtilesMetadataIsNormalised)
{
    // The tiler's MBTiles and GDAL's (an independent writer) read alike.
    for (const char* name : {"atlas.mbtiles", "gdal.mbtiles"}) {
        SCOPED_TRACE(name);
        check_metadata(*open_tile_source(test::tiles_dir() / name));
    }
}

TEST(ServeTileReaders, GdalAndPmtilesArchivesAgreeOnTheTileGrid)
{
    // Different writers cut different bytes, but where GDAL has a tile of the fixture, so does
    // the archive the server is tested with.
    const auto gdal = addresses_in(test::tiles_dir() / "gdal.mbtiles");
    const auto pmtiles = open_tile_source(test::tiles_dir() / "atlas.pmtiles");
    ASSERT_GT(gdal.size(), 20U);
    for (const auto& address : gdal) {
        EXPECT_TRUE(pmtiles->read(address)) << address.z << "/" << address.x << "/" << address.y;
    }
}

TEST(ServeTileReaders, EveryPmtilesVariantHoldsTheSameTilesAsTheMbtiles)
{
    const auto mbtiles = open_tile_source(test::tiles_dir() / "atlas.mbtiles");
    const auto addresses = addresses_in(test::tiles_dir() / "atlas.mbtiles");
    ASSERT_GT(addresses.size(), 20U);
    for (const char* name : {"atlas.pmtiles", "atlas_leaves.pmtiles", "atlas_plain.pmtiles"}) {
        const auto pmtiles = open_tile_source(test::tiles_dir() / name);
        EXPECT_EQ(pmtiles->info().container, "pmtiles");
        EXPECT_EQ(pmtiles->info().minzoom, 0);
        EXPECT_EQ(pmtiles->info().maxzoom, 9);
        EXPECT_EQ(pmtiles->info().metadata["vector_layers"].size(), 3U) << name;
        for (const auto& address : addresses) {
            const auto expected = mbtiles->read(address);
            const auto got = pmtiles->read(address);
            ASSERT_TRUE(expected && got) << name << " " << address.z << "/" << address.x << "/" << address.y;
            EXPECT_EQ(*got, *expected) << name << " " << address.z << "/" << address.x << "/" << address.y;
        }
        EXPECT_FALSE(pmtiles->read({9, 0, 0})) << name;       // inside the zooms, no tile
        EXPECT_FALSE(pmtiles->read({12, 1000, 2000})) << name; // beyond maxzoom
    }
}

TEST(ServeTileReaders, LeafDirectoriesAreUsedWhenTheArchiveHasThem)
{
    PmtilesReader with_leaves(test::tiles_dir() / "atlas_leaves.pmtiles");
    EXPECT_GT(with_leaves.header().leaf_length, 0U);
    PmtilesReader without(test::tiles_dir() / "atlas.pmtiles");
    EXPECT_EQ(without.header().leaf_length, 0U);
}

TEST(ServeTileReaders, RunLengthEntriesServeEveryRepeatedTile)
{
    PmtilesReader reader(test::tiles_dir() / "repeated.pmtiles");
    EXPECT_EQ(reader.header().tile_entries, 3U);   // run, the odd tile, run
    EXPECT_EQ(reader.header().tile_contents, 2U);  // stored once each
    for (std::uint32_t x = 0; x < 4; ++x) {
        for (std::uint32_t y = 0; y < 4; ++y) {
            const auto tile = reader.read({2, x, y});
            ASSERT_TRUE(tile);
            const auto text = gzip_decompress(*tile, "test tile", 1000);
            EXPECT_EQ(text, x == 1 && y == 1 ? "tile 2/1/1" : "the same tile") << x << "/" << y;
        }
    }
}

TEST(ServeTileReaders, RefusesFilesThatAreNotArchives)
{
    migratlas::test::TempDir dir;
    EXPECT_THROW((void)open_tile_source(dir.path() / "absent.mbtiles"), InputError);
    EXPECT_THROW((void)open_tile_source(dir.file("text.pmtiles", "hello, world")), InputError);
    EXPECT_THROW((void)open_tile_source(dir.path()), InputError);
    // An SQLite database without the MBTiles tables.
    const auto empty_db = dir.path() / "empty.mbtiles";
    sqlite3* db = nullptr;
    sqlite3_open(empty_db.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE other (a INTEGER)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    EXPECT_THROW((void)open_tile_source(empty_db), InputError);
}

TEST(ServeTileReaders, RefusesTruncatedPmtilesAndUnsupportedCompression)
{
    migratlas::test::TempDir dir;
    const std::string bytes = migratlas::test::read_file(test::tiles_dir() / "atlas.pmtiles");
    EXPECT_THROW((void)open_tile_source(dir.file("short.pmtiles", bytes.substr(0, 200))), InputError);
    std::string brotli = bytes;
    brotli[97] = 3;  // internal compression: brotli
    try {
        (void)open_tile_source(dir.file("brotli.pmtiles", brotli));
        FAIL() << "brotli directories were accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("brotli"), std::string::npos) << error.what();
    }
    // A tile entry pointing beyond the data section is an error on that tile, not a crash.
    std::string cut = bytes.substr(0, bytes.size() - 2000);
    const auto reader = open_tile_source(dir.file("cut.pmtiles", cut));
    int failures = 0;
    for (const auto& address : addresses_in(test::tiles_dir() / "atlas.mbtiles")) {
        try {
            (void)reader->read(address);
        } catch (const DataError&) {
            ++failures;
        }
    }
    EXPECT_GT(failures, 0);
}

TEST(ServeGzip, RoundTripsAndBoundsInflation)
{
    const std::string text(100000, 'a');
    const auto packed = gzip_compress(text);
    EXPECT_TRUE(is_gzip(packed));
    EXPECT_LT(packed.size(), 1000U);
    EXPECT_EQ(gzip_decompress(packed, "test", text.size()), text);
    EXPECT_THROW((void)gzip_decompress(packed, "test", text.size() - 1), DataError);  // a gzip bomb stops at the cap
    EXPECT_THROW((void)gzip_decompress(packed.substr(0, packed.size() / 2), "test", 1 << 20), DataError);
    EXPECT_THROW((void)gzip_decompress("not gzip at all", "test", 1 << 20), DataError);
}

} // namespace
} // namespace migratlas::serve
