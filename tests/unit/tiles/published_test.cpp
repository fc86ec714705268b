// The workspace path of the tiles stage: products reach the tiles only through the disclosure gate.
// The test writes its workspace with the workspace target (a test may; the tiles target may not) and
// reads the tiles back with GDAL's MVT driver.
#include "common/error.hpp"
#include "common/products/geo.hpp"
#include "common/products/records.hpp"
#include "common/products/run_log.hpp"
#include "test_files.hpp"
#include "test_geometry.hpp"
#include "tiles/tiles_run.hpp"
#include "tiles_test_support.hpp"
#include "workspace/product_io.hpp"

#include <ogr_geometry.h>

#include <gtest/gtest.h>

#include <set>

using namespace migratlas;

namespace {

/// A country (level 1) of two level-2 units side by side, and one crossing point (internal: counts).
std::filesystem::path small_workspace(const test::TempDir& dir)
{
    const auto path = dir.path() / "ws.gpkg";
    workspace::Workspace ws(path);
    Table units = products::units.make_table();
    units.rows.push_back({std::string("XNA"), std::string("Norte"), std::int64_t{1}, std::string(), 24000.0, -70.0, 4.5,
        std::string("level1")});
    units.rows.push_back({std::string("XNA-01"), std::string("Oeste"), std::int64_t{2}, std::string("XNA"), 12000.0,
        -70.5, 4.5, std::string("level2")});
    units.rows.push_back({std::string("XNA-02"), std::string("Este"), std::int64_t{2}, std::string("XNA"), 12000.0,
        -69.5, 4.5, std::string("level2")});
    OGRLinearRing ring;
    for (const auto& [x, y] : {std::pair{-71.0, 4.0}, {-69.0, 4.0}, {-69.0, 5.0}, {-71.0, 5.0}, {-71.0, 4.0}}) {
        ring.addPoint(x, y);
    }
    OGRPolygon country;
    country.addRing(&ring);
    std::string country_wkb(country.WkbSize(), '\0');
    country.exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(country_wkb.data()), wkbVariantIso);
    units.geometry_wkb = {country_wkb, test::box_wkb(-71, 4, -70, 5), test::box_wkb(-70, 4, -69, 5)};
    workspace::write_product(ws, products::units, units);
    Table points = products::crossing_points.make_table();
    points.rows.push_back({std::string("P1"), std::string("Puente"), -70.0, 4.2, std::string("XNA"), std::string("XSU"),
        std::string("XNA-01"), 0.0, std::string("unknown"), 0.0, std::int64_t{1}, std::int64_t{3}});
    points.geometry_wkb = {test::point_wkb(-70.0, 4.2)};
    workspace::write_product(ws, products::crossing_points, points);
    ws.commit();
    return path;
}

tiles::Outcome tile_workspace(const std::filesystem::path& workspace, std::vector<std::string> layers,
    const std::filesystem::path& out, Diagnostics& diagnostics)
{
    tiles::Request request;
    request.workspace = workspace;
    request.layers = std::move(layers);
    request.outputs = {out};
    request.maxzoom = 6;
    Progress quiet;
    return tiles::run(request, diagnostics, quiet);
}

TEST(TilesPublished, UnitsAreTiledThroughTheGateWithEveryPublishedColumn)
{
    const test::TempDir dir;
    const auto out = dir.path() / "units.mbtiles";
    Diagnostics diagnostics;
    const tiles::Outcome outcome =
        tile_workspace(small_workspace(dir), {std::string(products::units.name)}, out, diagnostics);
    ASSERT_EQ(outcome.layers.size(), 1U);
    EXPECT_EQ(outcome.layers[0].name, products::units.name);
    EXPECT_EQ(outcome.layers[0].features_read, 3U);
    EXPECT_EQ(outcome.layers[0].accepted, 3U);
    EXPECT_NE(outcome.layers[0].source.find("disclosure gate"), std::string::npos) << outcome.layers[0].source;
    // The two level-2 units and the country share borders: the topology has shared arcs.
    EXPECT_GT(outcome.layers[0].shared_arcs, 0U);

    const geo::GeosContext geos;
    std::set<std::string> codes;
    for (const test::StoredTile& tile : test::read_mbtiles(out)) {
        if (tile.z != 6) {
            continue;
        }
        for (const test::DecodedFeature& feature : test::decode_with_gdal(tile, geos)) {
            EXPECT_EQ(feature.layer, products::units.name);
            for (const ColumnSpec& column : products::units.columns) {
                EXPECT_EQ(feature.attributes.count(std::string(column.name)), 1U) << column.name;
            }
            EXPECT_EQ(GEOSisValid_r(geos.handle(), feature.geometry.get()), 1);
            codes.insert(feature.attributes.at("code"));
        }
    }
    EXPECT_EQ(codes, (std::set<std::string>{"XNA", "XNA-01", "XNA-02"}));
    // The metadata lists the layer's fields with their types, as read from the published columns.
    const std::string json = test::sql_value(out, "SELECT value FROM metadata WHERE name = 'json'");
    EXPECT_NE(json.find("\"area_km2\":\"Number\""), std::string::npos) << json;
}

TEST(TilesPublished, AProductTheGateNeverPublishesIsRefusedAndNothingIsWritten)
{
    const test::TempDir dir;
    const auto out = dir.path() / "log.mbtiles";
    Diagnostics diagnostics;
    EXPECT_ANY_THROW(tile_workspace(small_workspace(dir), {std::string(products::run_log.name)}, out, diagnostics));
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(TilesPublished, SettingErrorsNameTheLayersAndTheChoiceOfInput)
{
    const test::TempDir dir;
    const auto workspace = small_workspace(dir);
    Diagnostics diagnostics;
    try {
        (void)tile_workspace(workspace, {"no_such_product"}, dir.path() / "x.mbtiles", diagnostics);
        FAIL() << "expected a SettingError";
    } catch (const SettingError& e) {
        EXPECT_EQ(e.setting(), "layers");
    }
    try {
        (void)tile_workspace(workspace, {}, dir.path() / "x.mbtiles", diagnostics);
        FAIL() << "expected a SettingError";
    } catch (const SettingError& e) {
        EXPECT_EQ(e.setting(), "layers");
    }
    tiles::Request both;
    both.workspace = workspace;
    both.layers = {std::string(products::units.name)};
    both.inputs = {workspace.string()};
    both.outputs = {dir.path() / "x.mbtiles"};
    Progress quiet;
    try {
        (void)tiles::run(both, diagnostics, quiet);
        FAIL() << "expected a SettingError";
    } catch (const SettingError& e) {
        EXPECT_EQ(e.setting(), "inputs");
    }
}

} // namespace
