// Typed product I/O: a product is written and read through its declaration, and anything that does
// not match the declaration is refused.
#include "common/error.hpp"
#include "common/products/geo.hpp"
#include "common/products/survey.hpp"
#include "workspace/product_io.hpp"
#include "test_files.hpp"

#include <ogr_geometry.h>

#include <gtest/gtest.h>

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

} // namespace
} // namespace migratlas
