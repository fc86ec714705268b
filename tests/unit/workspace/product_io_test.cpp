// Typed product I/O: a product is written and read through its declaration, and anything that does
// not match the declaration is refused.
#include "common/error.hpp"
#include "common/products/geo.hpp"
#include "common/products/run_log.hpp"
#include "common/products/survey.hpp"
#include "workspace/product_io.hpp"
#include "test_files.hpp"
#include "workspace_test_support.hpp"

#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

namespace migratlas {
namespace {

// A line product declared only for this test, as a stage would declare corridors.
constexpr ColumnSpec test_line_columns[] = {
    {"route", ColumnType::text, ColumnRole::key, "", "route code"},
    {"persons", ColumnType::integer, ColumnRole::count, "persons", "persons on it"},
    {"length_km", ColumnType::real, ColumnRole::attribute, "km", "length"},
};
constexpr ProductSpec test_lines{"test_lines", Visibility::internal, GeometryKind::line, test_line_columns,
    "lines for the product I/O test", "product_io_test"};

std::string wkb_of(const char* wkt)
{
    OGRGeometry* geometry = nullptr;
    EXPECT_EQ(OGRGeometryFactory::createFromWkt(wkt, nullptr, &geometry), OGRERR_NONE);
    std::string wkb(geometry->WkbSize(), '\0');
    geometry->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
    OGRGeometryFactory::destroyGeometry(geometry);
    return wkb;
}

std::string wkt_of(const std::string& wkb)
{
    OGRGeometry* geometry = nullptr;
    EXPECT_EQ(OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &geometry, wkb.size()), OGRERR_NONE);
    char* text = nullptr;
    geometry->exportToWkt(&text, wkbVariantIso);
    std::string wkt(text);
    CPLFree(text);
    OGRGeometryFactory::destroyGeometry(geometry);
    return wkt;
}

Table two_lines()
{
    Table table = test_lines.make_table();
    table.rows.push_back({std::string("A-B"), std::int64_t{12}, 3.5});
    table.rows.push_back({std::string("B-C"), TableValue{}, 1.25});
    table.geometry_wkb = {wkb_of("LINESTRING (-70 4, -69 5)"), std::string()};
    return table;
}

TEST(ProductIo, LineProductRoundTripsAsMultiLineStringWithItsColumns)
{
    test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    {
        workspace::Workspace ws(path);
        workspace::write_product(ws, test_lines, two_lines());
        ws.commit();
    }
    auto dataset = workspace::open_readonly(path);
    ASSERT_TRUE(workspace::has_product(*dataset, test_lines));
    const Table back = workspace::read_product(*dataset, test_lines);
    ASSERT_EQ(back.rows.size(), 2U);
    EXPECT_EQ(back.columns.size(), 3U);
    EXPECT_EQ(back.rows[0][0], TableValue{std::string("A-B")});
    EXPECT_EQ(back.rows[0][1], TableValue{std::int64_t{12}});
    EXPECT_TRUE(std::holds_alternative<std::monostate>(back.rows[1][1]));
    ASSERT_EQ(back.geometry_wkb.size(), 2U);
    EXPECT_EQ(wkt_of(back.geometry_wkb[0]), "MULTILINESTRING ((-70 4,-69 5))");
    EXPECT_TRUE(back.geometry_wkb[1].empty());
}

TEST(ProductIo, TableWithOtherColumnsThanDeclaredIsAProgrammingError)
{
    test::TempDir dir;
    workspace::Workspace ws(dir.path() / "ws.gpkg");
    Table table = two_lines();
    table.columns[2].name = "length_m";
    EXPECT_THROW(workspace::write_product(ws, test_lines, table), std::logic_error);
    Table no_geometry = two_lines();
    no_geometry.geometry_wkb.clear();
    EXPECT_THROW(workspace::write_product(ws, test_lines, no_geometry), std::logic_error);
}

TEST(ProductIo, MissingProductNamesTheCommandThatMakesIt)
{
    test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    {
        workspace::Workspace ws(path);
        workspace::write_product(ws, test_lines, two_lines());
        ws.commit();
    }
    auto dataset = workspace::open_readonly(path);
    EXPECT_FALSE(workspace::has_product(*dataset, products::estimates));
    try {
        (void)workspace::read_product(*dataset, products::estimates);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("has no 'estimates' table; make it with 'migratlas calibrate"),
            std::string::npos) << e.what();
    }
}

TEST(ProductIo, StoredColumnOfAnotherTypeIsAnInputError)
{
    test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    {
        workspace::Workspace ws(path);
        Table table;
        table.name = std::string(test_lines.name);
        table.columns = {{"route", ColumnType::text}, {"persons", ColumnType::text}, {"length_km", ColumnType::real}};
        ws.write_table(table);
        ws.commit();
    }
    auto dataset = workspace::open_readonly(path);
    EXPECT_THROW((void)workspace::read_product(*dataset, test_lines), InputError);
}

TEST(ProductIo, MetadataRoundTripsAndIsReplacedPerProduct)
{
    test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    ProductMetadata first;
    first.product = "test_lines";
    first.sources = {{"crossings", "in/crossings.csv", "abc123"}};
    first.method = "test method";
    first.parameters = {{"level", "3"}, {"period", "2024-01:2024-12"}};
    first.period = "2024-01/2024-12";
    first.created_utc = "2026-12-01T10:00:00Z";
    first.version = "0.1.0";
    ProductMetadata other = first;
    other.product = "estimates";
    other.method = "raking";
    {
        workspace::Workspace ws(path);
        workspace::write_metadata(ws, first);
        workspace::write_metadata(ws, other);
        ProductMetadata second = first;
        second.method = "second run";
        second.parameters = {{"level", "2"}};
        workspace::write_metadata(ws, second);
        ws.commit();
    }
    auto dataset = workspace::open_readonly(path);
    const auto lines = workspace::read_metadata(*dataset, test_lines);
    ASSERT_TRUE(lines.has_value());
    EXPECT_EQ(lines->method, "second run");
    ASSERT_EQ(lines->parameters.size(), 1U);
    EXPECT_EQ(lines->parameters[0].second, "2");
    ASSERT_EQ(lines->sources.size(), 1U);
    EXPECT_EQ(lines->sources[0].sha256, "abc123");
    EXPECT_EQ(lines->period, "2024-01/2024-12");
    const auto estimates = workspace::read_metadata(*dataset, products::estimates);
    ASSERT_TRUE(estimates.has_value());
    EXPECT_EQ(estimates->method, "raking");
    EXPECT_FALSE(workspace::read_metadata(*dataset, products::units).has_value());
}

// A table declared only for this test, as a stage declares events_monthly.
constexpr ColumnSpec test_month_columns[] = {
    {"month", ColumnType::text, ColumnRole::key, "", "month"},
    {"persons", ColumnType::integer, ColumnRole::count, "persons", "persons"},
    {"share", ColumnType::real, ColumnRole::measure, "", "a real"},
    {"events", ColumnType::integer, ColumnRole::count, "events", "events"},
};
constexpr ProductSpec test_months{"test_months", Visibility::internal, GeometryKind::none, test_month_columns,
    "months for the product I/O test", "product_io_test"};

TEST(ProductIo, FilteredScanAndTotalsOfTheRestSplitATableExactly)
{
    test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    Table table = test_months.make_table();
    table.rows.push_back({std::string("2021-01"), std::int64_t{3}, 0.5, std::int64_t{4}});
    table.rows.push_back({std::string("2021-02"), TableValue{}, TableValue{}, std::int64_t{1}});
    table.rows.push_back({std::string("2021-03"), std::int64_t{5'000'000'000'000}, -1.25, std::int64_t{7}});
    {
        workspace::Workspace ws(path);
        workspace::write_product(ws, test_months, table);
        ws.commit();
    }
    auto dataset = workspace::open_readonly(path);
    std::vector<std::vector<TableValue>> scanned;
    workspace::for_each_row(*dataset, test_months, [&](const std::vector<TableValue>& row) { scanned.push_back(row); });
    EXPECT_EQ(scanned, workspace::read_product(*dataset, test_months).rows);
    EXPECT_EQ(scanned, table.rows);

    const std::string in = "month >= '2021-02'";
    std::vector<std::string> months;
    workspace::for_each_row(*dataset, test_months, in,
        [&](const std::vector<TableValue>& row) { months.push_back(std::get<std::string>(row[0])); });
    EXPECT_EQ(months, (std::vector<std::string>{"2021-02", "2021-03"}));
    const workspace::RowTotals rest = workspace::totals_where(path, test_months, "NOT (" + in + ")");
    EXPECT_EQ(rest.rows, 1);
    EXPECT_EQ(rest.counts, (std::vector<std::int64_t>{3, 4}));
    const workspace::RowTotals all = workspace::totals_where(path, test_months, "");
    EXPECT_EQ(all.counts, (std::vector<std::int64_t>{5'000'000'000'003, 12}));  // exact, not through a double
    EXPECT_EQ(workspace::text_range(*dataset, test_months, "month"),
        (std::optional<std::pair<std::string, std::string>>{{"2021-01", "2021-03"}}));
}

} // namespace
} // namespace migratlas

namespace migratlas {
namespace {

Table two_lines_again()
{
    Table table = test_lines.make_table();
    table.rows.push_back({std::string("C-D"), std::int64_t{7}, 2.0});
    table.geometry_wkb = {wkb_of("LINESTRING (-71 3, -70 2)")};
    return table;
}

using workspace_test::count_rows;

} // namespace

// An existing workspace is updated in place inside one transaction: a run that fails after it has
// replaced a layer, added a table and logged leaves the file byte for byte as it was, and no journal.
TEST(ProductIo, RunFailingMidWriteLeavesTheWorkspaceByteForByte)
{
    test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    {
        workspace::Workspace ws(path);
        workspace::write_product(ws, test_lines, two_lines());
        ws.commit();
    }
    const std::string before = test::read_file(path);
    const auto failing_run = [&] {
        workspace::Workspace ws(path);
        workspace::write_product(ws, test_lines, two_lines_again());  // replaces the layer
        Table extra;
        extra.name = "extra";
        extra.columns = {{"n", ColumnType::integer}};
        extra.rows.push_back({std::int64_t{1}});
        ws.write_table(extra);
        RunLog log;
        log.command = "test";
        ws.append_run_log(log);
        throw DataError("the run fails half-way");  // before commit()
    };
    EXPECT_THROW(failing_run(), DataError);
    EXPECT_EQ(test::read_file(path), before);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename(), "ws.gpkg") << "left behind: " << entry.path();
    }
    auto dataset = workspace::open_readonly(path);
    const Table back = workspace::read_product(*dataset, test_lines);
    ASSERT_EQ(back.rows.size(), 2U);
    EXPECT_EQ(std::get<std::string>(back.rows[0][0]), "A-B");
    EXPECT_FALSE(workspace::has_product(*dataset, products::run_log));
}

// A committed in-place update keeps the GeoPackage consistent: the replaced layer's R-tree holds
// exactly its features, gpkg_contents lists it once, and a spatial filter finds its line.
TEST(ProductIo, InPlaceUpdateKeepsRtreeAndContentsConsistent)
{
    test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    for (const Table& table : {two_lines(), two_lines_again()}) {
        workspace::Workspace ws(path);
        workspace::write_product(ws, test_lines, table);
        ws.commit();
    }
    auto dataset = workspace::open_readonly(path);
    EXPECT_EQ(count_rows(*dataset, "SELECT COUNT(*) FROM rtree_test_lines_geom"), 1);
    EXPECT_EQ(count_rows(*dataset, "SELECT COUNT(*) FROM gpkg_contents WHERE table_name = 'test_lines'"), 1);
    EXPECT_EQ(count_rows(*dataset, "SELECT COUNT(*) FROM gpkg_geometry_columns WHERE table_name = 'test_lines'"), 1);
    OGRLayer* layer = dataset->GetLayerByName("test_lines");
    ASSERT_NE(layer, nullptr);
    layer->SetSpatialFilterRect(-70.9, 2.1, -70.1, 2.9);
    EXPECT_EQ(layer->GetFeatureCount(), 1);
    layer->SetSpatialFilterRect(-69.9, 4.1, -69.1, 4.9);  // where the replaced A-B line was
    EXPECT_EQ(layer->GetFeatureCount(), 0);
}

} // namespace migratlas

namespace migratlas {
namespace {

TEST(ProductIo, ReplacedLayersAreDroppedAtCommitWithNothingLeftBehind)
{
    test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    {
        workspace::Workspace ws(path);
        workspace::write_product(ws, test_lines, two_lines());
        ws.commit();
    }
    {
        // The old layer is set aside until commit(); replacing it twice in one run sets two aside.
        workspace::Workspace ws(path);
        workspace::write_product(ws, test_lines, two_lines());
        workspace::write_product(ws, test_lines, two_lines_again());
        EXPECT_EQ(ws.dataset().GetLayerByName("test_lines")->GetFeatureCount(), 1);
        ws.commit();
    }
    auto dataset = workspace::open_readonly(path);
    EXPECT_EQ(count_rows(*dataset, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%retired%'"), 0);
    EXPECT_EQ(count_rows(*dataset, "SELECT COUNT(*) FROM gpkg_contents"), 1);
    EXPECT_EQ(count_rows(*dataset, "SELECT COUNT(*) FROM gpkg_geometry_columns"), 1);
    for (const char* table : {"gpkg_extensions", "gpkg_ogr_contents", "gpkg_metadata_reference"}) {
        EXPECT_EQ(count_rows(*dataset, std::string("SELECT COUNT(*) FROM ") + table + " WHERE table_name LIKE '%retired%'"), 0)
            << table;
    }
    EXPECT_EQ(count_rows(*dataset, "SELECT COUNT(*) FROM rtree_test_lines_geom"), 1);
    EXPECT_EQ(dataset->GetLayerCount(), 1);
}

} // namespace
} // namespace migratlas
