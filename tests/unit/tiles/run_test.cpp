// The tiles stage end to end on small generated inputs, checked through independent readers: GDAL's
// MVT driver decodes every tile, GEOS checks every polygon, SQLite reads the MBTiles schema.
#include "tiles/tiles_run.hpp"

#include "common/error.hpp"
#include "test_files.hpp"
#include "tiles/web_mercator.hpp"
#include "tiles_test_support.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <random>

using namespace migratlas;
using namespace migratlas::tiles;

namespace {

Outcome tile(const std::vector<std::string>& inputs, const std::vector<std::filesystem::path>& outputs, int maxzoom,
    Diagnostics& diagnostics, const std::function<void(Request&)>& adjust = {})
{
    Request request;
    request.inputs = inputs;
    request.outputs = outputs;
    request.maxzoom = maxzoom;
    if (adjust) {
        adjust(request);
    }
    Progress quiet;
    return run(request, diagnostics, quiet);
}

std::size_t count_code(const Diagnostics& diagnostics, const std::string& code)
{
    return static_cast<std::size_t>(std::count_if(diagnostics.entries().begin(), diagnostics.entries().end(),
        [&](const Diagnostic& d) { return d.code == code; }));
}

/// The tile-unit rectangle of a lon/lat box at one tile (Web Mercator maps it to a rectangle).
geo::GeosGeometryPtr lonlat_box_in_tile(const geo::GeosContext& geos, double west, double south, double east,
    double north, const test::StoredTile& tile)
{
    const WebMercator mercator;
    std::vector<double> x{west, east};
    std::vector<double> y{north, south};
    mercator.forward(x, y);
    const double scale = std::ldexp(1.0, -(32 - tile.z - 12));
    auto local_x = [&](double w) { return w * scale - tile.x * 4096.0; };
    auto local_y = [&](double w) { return w * scale - tile.y * 4096.0; };
    return geos.own(GEOSGeom_createRectangle_r(geos.handle(), local_x(x[0]), local_y(y[0]), local_x(x[1]), local_y(y[1])),
        "rectangle");
}

double area(const geo::GeosContext& geos, const GEOSGeometry* g)
{
    double a = 0;
    GEOSArea_r(geos.handle(), g, &a);
    return a;
}

/// Whether anything of `g` is wider than one tile unit: what survives shrinking it by half a unit.
bool wider_than_a_pixel(const geo::GeosContext& geos, const GEOSGeometry* g)
{
    geo::GeosGeometryPtr shrunk = geos.own(GEOSBuffer_r(geos.handle(), g, -0.5, 4), "buffer");
    return GEOSisEmpty_r(geos.handle(), shrunk.get()) == 0;
}

} // namespace

TEST(TilesRun, GridCoverageDecodesValidInGdalWithNoGapOrOverlapBetweenNeighbours)
{
    const test::TempDir dir;
    const auto source = dir.file("grid.geojson", test::grid_coverage(6, -75.0, -3.0, 1.0, 40));
    Diagnostics diagnostics;
    const Outcome outcome = tile({source.string() + "=units"}, {dir.path() / "grid.mbtiles"}, 8, diagnostics);
    ASSERT_EQ(outcome.layers.size(), 1U);
    EXPECT_EQ(outcome.layers[0].accepted, 36U);
    EXPECT_GT(outcome.layers[0].shared_arcs, 50U); // 60 inner borders, each stored once
    const geo::GeosContext geos;
    const auto tiles = test::read_mbtiles(dir.path() / "grid.mbtiles");
    ASSERT_EQ(tiles.size(), outcome.tiles);
    for (const auto& t : tiles) {
        const auto features = test::decode_with_gdal(t, geos);
        ASSERT_FALSE(features.empty());
        std::vector<GEOSGeometry*> parts;
        for (const auto& f : features) {
            ASSERT_EQ(f.type, f.geometry && GEOSGeomTypeId_r(geos.handle(), f.geometry.get()) == GEOS_POLYGON ? wkbPolygon : wkbMultiPolygon);
            ASSERT_TRUE(geos.predicate(GEOSisValid_r(geos.handle(), f.geometry.get()), "valid"))
                << t.z << "/" << t.x << "/" << t.y << " unit " << f.attributes.at("code") << ": "
                << geos.to_wkt(f.geometry.get(), 0).substr(0, 300);
            parts.push_back(f.geometry.get());
        }
        for (std::size_t i = 0; i < features.size(); ++i) {
            for (std::size_t j = i + 1; j < features.size(); ++j) {
                geo::GeosGeometryPtr overlap = geos.own(GEOSIntersection_r(geos.handle(), parts[i], parts[j]), "intersection");
                EXPECT_FALSE(wider_than_a_pixel(geos, overlap.get()))
                    << "overlap of " << features[i].attributes.at("code") << " and " << features[j].attributes.at("code")
                    << " in " << t.z << "/" << t.x << "/" << t.y;
            }
        }
        // Inside the coverage's outline (2 units in from it, where simplification moves nothing
        // shared), the decoded units leave no hole.
        geo::GeosGeometryPtr tile_box = geos.own(GEOSGeom_createRectangle_r(geos.handle(), 0, 0, 4096, 4096), "box");
        geo::GeosGeometryPtr outline = lonlat_box_in_tile(geos, -75.0, -3.0, -69.0, 3.0, t);
        geo::GeosGeometryPtr inner = geos.own(GEOSBuffer_r(geos.handle(), outline.get(), -2.0, 4), "buffer");
        geo::GeosGeometryPtr expected = geos.own(GEOSIntersection_r(geos.handle(), inner.get(), tile_box.get()), "clip");
        std::vector<GEOSGeometry*> clones;
        for (GEOSGeometry* p : parts) {
            clones.push_back(GEOSGeom_clone_r(geos.handle(), p));
        }
        geo::GeosGeometryPtr collection = geos.own(GEOSGeom_createCollection_r(geos.handle(), GEOS_GEOMETRYCOLLECTION,
            clones.data(), static_cast<unsigned>(clones.size())), "collection");
        geo::GeosGeometryPtr covered = geos.own(GEOSUnaryUnion_r(geos.handle(), collection.get()), "union");
        geo::GeosGeometryPtr gap = geos.own(GEOSDifference_r(geos.handle(), expected.get(), covered.get()), "difference");
        EXPECT_FALSE(wider_than_a_pixel(geos, gap.get())) << "gap in " << t.z << "/" << t.x << "/" << t.y << ": "
                                                          << area(geos, gap.get()) << " units";
    }
}

TEST(TilesRun, SameBytesWhateverTheThreadCount)
{
    const test::TempDir dir;
    const auto source = dir.file("grid.geojson", test::grid_coverage(5, 10.0, 40.0, 0.5, 30));
    Diagnostics d1;
    Diagnostics d2;
    std::filesystem::create_directories(dir.path() / "one");
    std::filesystem::create_directories(dir.path() / "two");
    tile({source.string()}, {dir.path() / "one" / "t.mbtiles", dir.path() / "one" / "t.pmtiles"}, 8, d1, [](Request& r) { r.threads = 1; });
    tile({source.string()}, {dir.path() / "two" / "t.mbtiles", dir.path() / "two" / "t.pmtiles"}, 8, d2, [](Request& r) { r.threads = 2; });
    for (const char* file : {"t.mbtiles", "t.pmtiles", "t.json"}) {
        const std::string one = test::read_file(dir.path() / "one" / file);
        EXPECT_FALSE(one.empty());
        EXPECT_TRUE(one == test::read_file(dir.path() / "two" / file)) << file << " differs between 1 and 2 threads";
    }
}

TEST(TilesRun, IdenticalTilesAreStoredOnceInTheMapImagesSchema)
{
    const test::TempDir dir;
    const auto source = dir.file("grid.geojson", test::grid_coverage(2, -70.0, -10.0, 4.0, 10));
    Diagnostics diagnostics;
    const Outcome outcome = tile({source.string()}, {dir.path() / "t.mbtiles"}, 9, diagnostics);
    const auto mb = dir.path() / "t.mbtiles";
    const auto map_rows = std::stoul(test::sql_value(mb, "SELECT count(*) FROM map"));
    const auto images = std::stoul(test::sql_value(mb, "SELECT count(*) FROM images"));
    EXPECT_EQ(map_rows, outcome.tiles);
    EXPECT_EQ(images, outcome.unique_tiles);
    EXPECT_LT(images * 2, map_rows); // interior tiles of a unit are all alike
    EXPECT_EQ(test::sql_value(mb, "SELECT count(*) FROM images WHERE tile_id NOT IN (SELECT tile_id FROM map)"), "0");
    EXPECT_EQ(test::sql_value(mb, "SELECT value FROM metadata WHERE name = 'format'"), "pbf");
    const std::string json = test::sql_value(mb, "SELECT value FROM metadata WHERE name = 'json'");
    EXPECT_NE(json.find(R"("fields":{"code":"String","name":"String","population":"Number"})"), std::string::npos) << json;
    EXPECT_EQ(test::sql_value(mb, "SELECT value FROM metadata WHERE name = 'maxzoom'"), "9");
    EXPECT_NE(test::read_file(dir.path() / "t.json").find(R"("tilejson": "3.0.0")"), std::string::npos);
}

TEST(TilesRun, FailureLeavesThePreviousFileIntactAndNoPartialFiles)
{
    const test::TempDir dir;
    const auto grid = dir.file("grid.geojson", test::grid_coverage(3, 0.0, 0.0, 1.0, 20));
    const auto out = dir.path() / "keep.mbtiles";
    Diagnostics first;
    tile({grid.string()}, {out}, 6, first);
    const std::string before = test::read_file(out);
    // A point whose attribute is 4,000 random characters cannot fit 1 KiB however it is simplified:
    // the run fails after tiling has begun.
    std::mt19937 rng(3);
    std::string noise;
    for (int i = 0; i < 4000; ++i) {
        noise.push_back("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[rng() % 62]);
    }
    const auto heavy = dir.file("heavy.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"noise":")" +
        noise + R"("},"geometry":{"type":"Point","coordinates":[1,1]}}]})");
    Diagnostics second;
    try {
        tile({heavy.string()}, {out}, 3, second, [](Request& r) { r.max_tile_bytes = 1024; });
        FAIL() << "expected the run to fail";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("tile 3/4/3"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::read_file(out), before);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().string().find(".partial-"), std::string::npos) << entry.path();
    }
    Diagnostics third;
    EXPECT_THROW(tile({grid.string()}, {dir.path() / "no" / "such" / "folder" / "t.mbtiles"}, 4, third), InputError);
    EXPECT_THROW(tile({grid.string()}, {grid.string() + "/inside-a-file.pmtiles"}, 4, third), InputError);
}

TEST(TilesRun, EmptyLayerIsReportedAndAloneItIsAnError)
{
    const test::TempDir dir;
    const auto empty = dir.file("empty.geojson", R"({"type":"FeatureCollection","features":[]})");
    const auto grid = dir.file("grid.geojson", test::grid_coverage(2, 0.0, 0.0, 1.0, 5));
    Diagnostics alone;
    try {
        tile({empty.string()}, {dir.path() / "e.mbtiles"}, 4, alone);
        FAIL() << "expected an error";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos);
    }
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "e.mbtiles"));
    Diagnostics together;
    const Outcome outcome = tile({empty.string() + "=nothing", grid.string() + "=units"}, {dir.path() / "t.mbtiles"}, 4, together);
    EXPECT_EQ(count_code(together, "empty_layer"), 1U);
    const std::string json = test::sql_value(dir.path() / "t.mbtiles", "SELECT value FROM metadata WHERE name = 'json'");
    EXPECT_NE(json.find(R"("id":"nothing")"), std::string::npos);
    EXPECT_GT(outcome.tiles, 0U);
}

TEST(TilesRun, GeometryAcrossTheAntimeridianIsSplitIntoBothEdgesOfTheWorld)
{
    const test::TempDir dir;
    const auto source = dir.file("fiji.geojson", R"({"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"across"},"geometry":{"type":"Polygon","coordinates":[[[178,-16],[-178,-16],[-178,-19],[178,-19],[178,-16]]]}},
      {"type":"Feature","properties":{"name":"route"},"geometry":{"type":"LineString","coordinates":[[170,-10],[-170,-12]]}}]})");
    Diagnostics diagnostics;
    const Outcome outcome = tile({source.string()}, {dir.path() / "f.mbtiles"}, 3, diagnostics);
    EXPECT_EQ(outcome.layers[0].antimeridian_split, 2U);
    EXPECT_EQ(count_code(diagnostics, "antimeridian_split"), 2U);
    const geo::GeosContext geos;
    bool west_edge = false;
    bool east_edge = false;
    for (const auto& t : test::read_mbtiles(dir.path() / "f.mbtiles")) {
        if (t.z != 3) {
            continue;
        }
        west_edge = west_edge || t.x == 0;
        east_edge = east_edge || t.x == 7;
        for (const auto& f : test::decode_with_gdal(t, geos)) {
            EXPECT_TRUE(geos.predicate(GEOSisValid_r(geos.handle(), f.geometry.get()), "valid"));
            double min_x = 0;
            double max_x = 0;
            GEOSGeom_getXMin_r(geos.handle(), f.geometry.get(), &min_x);
            GEOSGeom_getXMax_r(geos.handle(), f.geometry.get(), &max_x);
            EXPECT_LT(max_x - min_x, 2048.0) << "a feature spans the world instead of being split";
        }
    }
    EXPECT_TRUE(west_edge);
    EXPECT_TRUE(east_edge);
}

TEST(TilesRun, LatitudesBeyondWebMercatorAreClampedAndReported)
{
    const test::TempDir dir;
    const auto source = dir.file("polar.geojson", R"({"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"north"},"geometry":{"type":"Polygon","coordinates":[[[-20,80],[20,80],[20,89.5],[-20,89.5],[-20,80]]]}},
      {"type":"Feature","properties":{"name":"pole"},"geometry":{"type":"Point","coordinates":[0,-90]}},
      {"type":"Feature","properties":{"name":"bad"},"geometry":{"type":"Point","coordinates":[0,95]}}]})");
    Diagnostics diagnostics;
    const Outcome outcome = tile({source.string()}, {dir.path() / "p.mbtiles"}, 2, diagnostics);
    EXPECT_EQ(outcome.layers[0].latitude_clamped, 2U);
    EXPECT_EQ(count_code(diagnostics, "latitude_clamped"), 2U);
    EXPECT_EQ(outcome.layers[0].rejected, 1U); // latitude 95 is not a latitude
    EXPECT_EQ(diagnostics.reject_counts().at("bad_coordinates"), 1U);
    const geo::GeosContext geos;
    for (const auto& t : test::read_mbtiles(dir.path() / "p.mbtiles")) {
        for (const auto& f : test::decode_with_gdal(t, geos)) {
            EXPECT_TRUE(geos.predicate(GEOSisValid_r(geos.handle(), f.geometry.get()), "valid"));
        }
    }
}

TEST(TilesRun, HugeAndNonUtf8AttributeTextIsTruncatedOrRecodedAndReported)
{
    const test::TempDir dir;
    const std::string huge(100000, 'z');
    // CSV keeps bytes as they are: "Bogot\xe1" is Latin-1, not UTF-8.
    const auto source = dir.file("places.csv", "WKT,name,note\n\"POINT (-74.08 4.6)\",Bogot\xe1,short\n\"POINT (-77.04 -12.05)\",Lima," + huge + "\n");
    Diagnostics diagnostics;
    const Outcome outcome = tile({source.string() + "=places"}, {dir.path() / "a.mbtiles"}, 3, diagnostics);
    EXPECT_EQ(outcome.layers[0].text_recoded, 1U);
    EXPECT_EQ(outcome.layers[0].text_truncated, 1U);
    EXPECT_EQ(count_code(diagnostics, "non_utf8_recoded"), 1U);
    EXPECT_EQ(count_code(diagnostics, "attribute_truncated"), 1U);
    const geo::GeosContext geos;
    bool seen_bogota = false;
    for (const auto& t : test::read_mbtiles(dir.path() / "a.mbtiles")) {
        for (const auto& f : test::decode_with_gdal(t, geos)) {
            if (f.attributes.at("name") == "Bogotá") {
                seen_bogota = true;
            }
            if (f.attributes.at("name") == "Lima") {
                EXPECT_EQ(f.attributes.at("note").size(), 4096U);
            }
        }
    }
    EXPECT_TRUE(seen_bogota);
}

TEST(TilesRun, PointsClusterBelowMaxzoomWithCountsAndSums)
{
    const test::TempDir dir;
    std::string json = R"({"type":"FeatureCollection","features":[)";
    for (int i = 0; i < 50; ++i) {
        json += std::string(i == 0 ? "" : ",") + R"({"type":"Feature","properties":{"persons":2},"geometry":{"type":"Point","coordinates":[)" +
            std::to_string(-60.0 + i * 1e-4) + "," + std::to_string(-20.0 + i * 1e-4) + "]}}";
    }
    const auto source = dir.file("pts.geojson", json + "]}");
    Diagnostics diagnostics;
    const Outcome outcome = tile({source.string() + "=pts"}, {dir.path() / "c.mbtiles"}, 10, diagnostics,
        [](Request& r) { r.layer_zooms["pts"] = ZoomRange{0, 10}; });
    const geo::GeosContext geos;
    for (const auto& t : test::read_mbtiles(dir.path() / "c.mbtiles")) {
        const auto features = test::decode_with_gdal(t, geos);
        if (t.z == 0) {
            ASSERT_EQ(features.size(), 1U);
            EXPECT_EQ(features[0].attributes.at("point_count"), "50");
            EXPECT_EQ(features[0].attributes.at("persons"), "100");
        }
        if (t.z == 10) {
            EXPECT_EQ(features.size(), 50U); // every point itself at the layer's maxzoom
        }
    }
    EXPECT_EQ(outcome.zooms.front().layers.front().clusters, 1U);
    EXPECT_EQ(outcome.zooms.front().layers.front().clustered_points, 50U);
}

TEST(TilesRun, OversizeTilesAreReducedReportedAndNeverOverTheLimit)
{
    const test::TempDir dir;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> lon(-70.0, -60.0);
    std::uniform_real_distribution<double> lat(-20.0, -10.0);
    std::string csv = "WKT,persons\n";
    for (int i = 0; i < 20000; ++i) {
        csv += "\"POINT (" + std::to_string(lon(rng)) + " " + std::to_string(lat(rng)) + ")\"," + std::to_string(i % 17) + "\n";
    }
    const auto source = dir.file("many.csv", csv);
    Diagnostics diagnostics;
    const Outcome outcome = tile({source.string() + "=many"}, {dir.path() / "r.mbtiles"}, 6, diagnostics,
        [](Request& r) { r.max_tile_bytes = 8192; });
    EXPECT_FALSE(outcome.reduced.empty());
    EXPECT_EQ(count_code(diagnostics, "tile_reduced"), outcome.reduced.size());
    for (const auto& t : test::read_mbtiles(dir.path() / "r.mbtiles")) {
        EXPECT_LE(t.data.size(), 8192U) << t.z << "/" << t.x << "/" << t.y;
    }
    EXPECT_LE(outcome.largest_tile_bytes, 8192U);
}

TEST(TilesRun, SettingErrorsNameTheSetting)
{
    const test::TempDir dir;
    const auto grid = dir.file("grid.geojson", test::grid_coverage(2, 0.0, 0.0, 1.0, 5));
    Diagnostics diagnostics;
    auto setting_of = [&](const std::function<void(Request&)>& adjust) {
        try {
            tile({grid.string()}, {dir.path() / "s.mbtiles"}, 4, diagnostics, adjust);
        } catch (const SettingError& e) {
            return e.setting();
        }
        return std::string("none");
    };
    EXPECT_EQ(setting_of([](Request& r) { r.maxzoom = 25; }), "maxzoom");
    EXPECT_EQ(setting_of([](Request& r) { r.minzoom = 5; }), "maxzoom");
    EXPECT_EQ(setting_of([](Request& r) { r.max_tile_bytes = 10; }), "max_tile_bytes");
    EXPECT_EQ(setting_of([](Request& r) { r.layer_zooms["units"] = ZoomRange{0, 3}; }), "layer_zooms");
    EXPECT_EQ(setting_of([](Request& r) { r.outputs = {"x.zip"}; }), "outputs");
    EXPECT_EQ(setting_of([](Request& r) { r.include_attributes = {"nope"}; }), "include_attributes");
    EXPECT_EQ(setting_of([](Request& r) { r.rank_attributes["grid"] = "name"; }), "rank_attributes");
    EXPECT_EQ(setting_of([](Request& r) { r.cluster_cell = 24; }), "cluster_cell");
}

namespace {

TEST(TilesRun, CsvOfPointsIsReadFromItsLonLatColumnsWithNumbersAsNumbers)
{
    const test::TempDir dir;
    const auto csv = dir.file("posts.csv", "point_id,name,lon,lat,persons\nA,Puente,-70.5,4.5,12\nB,Rio,-69.5,5.5,7\n");
    const auto out = dir.path() / "posts.mbtiles";
    Diagnostics diagnostics;
    const Outcome outcome = tile({csv.string()}, {out}, 4, diagnostics);
    ASSERT_EQ(outcome.layers.size(), 1U);
    EXPECT_EQ(outcome.layers[0].accepted, 2U);
    const std::string json = test::sql_value(out, "SELECT value FROM metadata WHERE name = 'json'");
    EXPECT_NE(json.find("\"persons\":\"Number\""), std::string::npos) << json;
    EXPECT_EQ(json.find("\"lon\""), std::string::npos) << "coordinates are the geometry, not attributes: " << json;
    const geo::GeosContext geos;
    std::size_t points = 0;
    for (const test::StoredTile& tile : test::read_mbtiles(out)) {
        if (tile.z == 4) {
            for (const test::DecodedFeature& feature : test::decode_with_gdal(tile, geos)) {
                points += feature.type == wkbPoint ? 1 : 0;
            }
        }
    }
    EXPECT_EQ(points, 2U);
}

} // namespace
