// The gate's entry point: publishable products pass through with their metadata, settings are
// checked by name, and only the gate can make a PublishedLayer.
#include "common/error.hpp"
#include "common/products/geo.hpp"
#include "common/products/records.hpp"
#include "disclose/gate.hpp"
#include "workspace/product_io.hpp"
#include "test_files.hpp"
#include "test_geometry.hpp"

#include <ogr_geometry.h>

#include <gtest/gtest.h>

#include <type_traits>

namespace migratlas {
namespace {

static_assert(!std::is_default_constructible_v<disclose::PublishedLayer>,
    "only src/disclose (LayerFactory) may construct a PublishedLayer");

std::filesystem::path workspace_with_units(const test::TempDir& dir)
{
    const auto path = dir.path() / "ws.gpkg";
    workspace::Workspace ws(path);
    Table units = products::units.make_table();
    units.rows.push_back({std::string("XNA"), std::string("Norte"), std::int64_t{1}, std::string(), 12000.0, -70.5, 4.5,
        std::string("level1")});
    units.rows.push_back({std::string("XNA-01"), std::string("Uno"), std::int64_t{2}, std::string("XNA"), 6000.0, -70.5,
        4.5, std::string("level2")});
    units.geometry_wkb = {test::box_wkb(-71, 4, -70, 5), test::box_wkb(-71, 4, -70, 5)};
    workspace::write_product(ws, products::units, units);
    ProductMetadata metadata;
    metadata.product = std::string(products::units.name);
    metadata.sources = {{"geographies", "in/geographies.gpkg", "00ff"}};
    metadata.method = "MEGA import";
    metadata.created_utc = "2026-01-01T00:00:00Z";
    metadata.version = "0.1.0";
    workspace::write_metadata(ws, metadata);
    ws.commit();
    return path;
}

TEST(Gate, PublishableProductPassesThroughWithItsMetadata)
{
    test::TempDir dir;
    disclose::Request request;
    request.workspace = workspace_with_units(dir);
    request.products = {std::string(products::units.name)};
    Diagnostics diagnostics;
    Progress progress;
    const disclose::Outcome outcome = disclose::run(request, diagnostics, progress);
    ASSERT_EQ(outcome.layers.size(), 1U);
    const disclose::PublishedLayer& layer = outcome.layers[0];
    EXPECT_EQ(layer.name(), products::units.name);
    EXPECT_EQ(layer.geometry(), GeometryKind::polygon);
    ASSERT_EQ(layer.table().rows.size(), 2U);
    EXPECT_EQ(layer.table().geometry_wkb.size(), 2U);
    EXPECT_EQ(layer.columns().size(), products::units.columns.size());
    EXPECT_EQ(layer.columns()[layer.column_index("area_km2")].unit, "km2");
    EXPECT_EQ(layer.metadata().sources.size(), 1U);
    EXPECT_EQ(layer.metadata().sources[0].sha256, "00ff");
    EXPECT_EQ(layer.metadata().created_utc, "2026-01-01T00:00:00Z");
    EXPECT_NE(layer.metadata().disclosure.find("publishable"), std::string::npos);
    ASSERT_EQ(outcome.reports.size(), 1U);
    EXPECT_EQ(outcome.reports[0].summary.primary, 0);
}

TEST(Gate, UnknownProductIsASettingErrorListingTheKnownOnes)
{
    test::TempDir dir;
    disclose::Request request;
    request.workspace = workspace_with_units(dir);
    request.products = {"flowz"};
    Diagnostics diagnostics;
    Progress progress;
    try {
        (void)disclose::run(request, diagnostics, progress);
        FAIL() << "expected SettingError";
    } catch (const SettingError& e) {
        EXPECT_EQ(e.setting(), "products");
        EXPECT_NE(e.message().find("unknown product 'flowz'"), std::string::npos) << e.what();
        EXPECT_NE(e.message().find("units"), std::string::npos) << e.what();
    }
}

TEST(Gate, RulesAreCheckedByTheirSettingNames)
{
    const std::string events_monthly(products::events_monthly.name);
    disclose::Request request;
    request.threshold = 0;
    EXPECT_THROW((void)disclose::effective_rules(request, "units"), SettingError);
    request.threshold = 10;
    EXPECT_EQ(disclose::effective_rules(request, "units").protection_level, 10);
    request.per_product[events_monthly].threshold = 20;
    EXPECT_EQ(disclose::effective_rules(request, events_monthly).threshold, 20);
    EXPECT_EQ(disclose::effective_rules(request, events_monthly).protection_level, 20);
    request.per_product[events_monthly].protection_level = -1;
    try {
        (void)disclose::effective_rules(request, events_monthly);
        FAIL() << "expected SettingError";
    } catch (const SettingError& e) {
        EXPECT_EQ(e.setting(), "products.events_monthly.protection_level");
    }
}

TEST(Gate, StatusNamesRoundTrip)
{
    for (const auto status : {disclose::CellStatus::published, disclose::CellStatus::primary,
             disclose::CellStatus::primary_dominance, disclose::CellStatus::secondary,
             disclose::CellStatus::withheld_quality, disclose::CellStatus::derived_hidden}) {
        disclose::CellStatus back = disclose::CellStatus::published;
        ASSERT_TRUE(disclose::parse_cell_status(disclose::to_string(status), back));
        EXPECT_EQ(back, status);
    }
    disclose::CellStatus unused = disclose::CellStatus::published;
    EXPECT_FALSE(disclose::parse_cell_status("hidden", unused));
}

} // namespace
} // namespace migratlas
