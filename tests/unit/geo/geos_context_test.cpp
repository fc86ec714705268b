// The checked GEOS wrappers: the value GEOS computes, and an Error carrying GEOS's message (or
// naming the index) where GEOS reports an exception or would read out of range.
#include "common/error.hpp"
#include "geo/geos_context.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace migratlas::geo {
namespace {

/// The message of the Error that `call` throws; fails the test when it throws none.
template <typename Call>
std::string error_of(Call call)
{
    try {
        call();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected an Error";
    return {};
}

class GeosContextTest : public ::testing::Test {
protected:
    GeosContext geos;
    const GeosGeometryPtr box = geos.from_wkt("POLYGON ((0 0, 3 0, 3 2, 0 2, 0 0), (1 1, 2 1, 2 1.5, 1 1))");
    const GeosGeometryPtr line = geos.from_wkt("LINESTRING (0 0, 3 4, 3 5)");
    const GeosGeometryPtr parts = geos.from_wkt("MULTIPOINT ((0 0), (5 5))");
    const GeosGeometryPtr empty = geos.from_wkt("POLYGON EMPTY");
};

TEST_F(GeosContextTest, AccessorsReturnWhatGeosReports)
{
    EXPECT_FALSE(geos.is_empty(box.get()));
    EXPECT_TRUE(geos.is_empty(empty.get()));
    EXPECT_EQ(geos.type_id(box.get()), GEOS_POLYGON);
    EXPECT_EQ(geos.type_id(parts.get()), GEOS_MULTIPOINT);
    EXPECT_EQ(geos.num_geometries(parts.get()), 2);
    EXPECT_EQ(geos.num_geometries(line.get()), 1);
    EXPECT_EQ(geos.to_wkt(geos.geometry_n(parts.get(), 1), 0), "POINT (5 5)");
    EXPECT_EQ(geos.geometry_n(line.get(), 0), line.get());
    EXPECT_EQ(geos.to_wkt(geos.exterior_ring(box.get()), 0), "LINEARRING (0 0, 3 0, 3 2, 0 2, 0 0)");
    EXPECT_EQ(geos.num_interior_rings(box.get()), 1);
    EXPECT_EQ(geos.type_id(geos.interior_ring_n(box.get(), 0)), GEOS_LINEARRING);
}

TEST_F(GeosContextTest, MeasuresAreThoseOfGeos)
{
    EXPECT_DOUBLE_EQ(geos.area(box.get()), 6.0 - 0.25);
    EXPECT_DOUBLE_EQ(geos.length(line.get()), 6.0);
    const GeosGeometryPtr far = geos.point({6.0, 9.0});
    EXPECT_DOUBLE_EQ(geos.distance(line.get(), far.get()), 5.0);
    const Envelope extent = geos.extent(line.get());
    EXPECT_EQ(extent.xmin, 0.0);
    EXPECT_EQ(extent.ymin, 0.0);
    EXPECT_EQ(extent.xmax, 3.0);
    EXPECT_EQ(extent.ymax, 5.0);
}

TEST_F(GeosContextTest, CoordinatesComeBackInOrder)
{
    const std::vector<XY> vertices = geos.coordinates(line.get());
    ASSERT_EQ(vertices.size(), 3U);
    EXPECT_EQ(vertices[1].x, 3.0);
    EXPECT_EQ(vertices[1].y, 4.0);
    EXPECT_EQ(vertices[2].y, 5.0);
    const XY xy = geos.point_xy(geos.geometry_n(parts.get(), 1));
    EXPECT_EQ(xy.x, 5.0);
    EXPECT_EQ(xy.y, 5.0);
}

TEST_F(GeosContextTest, ValidityAndItsReason)
{
    EXPECT_TRUE(geos.is_valid(box.get()));
    EXPECT_EQ(geos.is_valid_reason(box.get()), "Valid Geometry");
    const GeosGeometryPtr bowtie = geos.from_wkt("POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))");
    EXPECT_FALSE(geos.is_valid(bowtie.get()));
    EXPECT_NE(geos.is_valid_reason(bowtie.get()).find("Self-intersection"), std::string::npos);
}

TEST_F(GeosContextTest, ConstructorsBuildWhatTheyAreGiven)
{
    EXPECT_EQ(geos.to_wkt(geos.point({1.5, -2.0}).get(), 1), "POINT (1.5 -2)");
    EXPECT_EQ(geos.to_wkt(geos.line_string({{0, 0}, {1, 1}}).get(), 0), "LINESTRING (0 0, 1 1)");
    // An open shell is closed; a closed one is taken as it is.
    EXPECT_EQ(geos.to_wkt(geos.polygon({{0, 0}, {1, 0}, {1, 1}}).get(), 0), "POLYGON ((0 0, 1 0, 1 1, 0 0))");
    EXPECT_EQ(geos.to_wkt(geos.polygon({{0, 0}, {1, 0}, {1, 1}, {0, 0}}).get(), 0), "POLYGON ((0 0, 1 0, 1 1, 0 0))");
    EXPECT_EQ(geos.to_wkt(geos.clone(line.get()).get(), 0), geos.to_wkt(line.get(), 0));
    std::vector<GeosGeometryPtr> points;
    points.push_back(geos.point({0, 0}));
    points.push_back(geos.point({2, 3}));
    EXPECT_EQ(geos.to_wkt(geos.collection(GEOS_MULTIPOINT, std::move(points)).get(), 0), "MULTIPOINT (0 0, 2 3)");
    const GeosPreparedPtr prepared = geos.prepare(box.get());
    const GeosGeometryPtr inside = geos.point({0.5, 0.5});
    EXPECT_TRUE(geos.predicate(GEOSPreparedContains_r(geos.handle(), prepared.get(), inside.get()), "contains"));
}

TEST_F(GeosContextTest, WkbRoundTripsAndGarbageIsAnError)
{
    const std::vector<unsigned char> wkb = geos.to_wkb(box.get());
    EXPECT_EQ(wkb.front(), 1);  // little-endian
    EXPECT_EQ(geos.to_wkt(geos.from_wkb(wkb.data(), wkb.size()).get(), 2), geos.to_wkt(box.get(), 2));
    const std::vector<unsigned char> garbage = {1, 3, 0, 0};
    EXPECT_NE(error_of([&] { (void)geos.from_wkb(garbage.data(), garbage.size()); }).find("GEOS WKB read failed: "),
        std::string::npos);
}

TEST_F(GeosContextTest, GeosExceptionsThrowWithGeosMessage)
{
    EXPECT_EQ(error_of([&] { (void)geos.num_interior_rings(line.get()); }),
        "GEOS number of interior rings failed: IllegalArgumentException: Argument is not a Polygon");
    EXPECT_NE(error_of([&] { (void)geos.exterior_ring(line.get()); }).find("GEOS exterior ring failed: "),
        std::string::npos);
    EXPECT_EQ(error_of([&] { (void)geos.point_xy(line.get()); }),
        "GEOS point coordinates failed: IllegalArgumentException: Argument is not a Point");
    const GeosGeometryPtr empty_point = geos.from_wkt("POINT EMPTY");
    EXPECT_NE(error_of([&] { (void)geos.point_xy(empty_point.get()); }).find("empty Point"), std::string::npos);
    EXPECT_NE(error_of([&] { (void)geos.coordinates(box.get()); }).find("GEOS coordinate sequence failed: "),
        std::string::npos);
    EXPECT_NE(error_of([&] { (void)geos.line_string({{0, 0}}); }).find("GEOS line construction failed: "),
        std::string::npos);
    EXPECT_NE(error_of([&] { (void)geos.polygon({{2, 2}, {2, 2}}); }).find("GEOS ring construction failed: "),
        std::string::npos);
}

TEST_F(GeosContextTest, IndicesOutOfRangeAndEmptyExtentsThrowInsteadOfReadingPastTheEnd)
{
    EXPECT_EQ(error_of([&] { (void)geos.geometry_n(parts.get(), 2); }), "GEOS geometry part 2 requested of 2");
    EXPECT_EQ(error_of([&] { (void)geos.geometry_n(parts.get(), -1); }), "GEOS geometry part -1 requested of 2");
    EXPECT_EQ(error_of([&] { (void)geos.interior_ring_n(box.get(), 1); }), "GEOS interior ring 1 requested of 1");
    EXPECT_EQ(error_of([&] { (void)geos.extent(empty.get()); }), "GEOS extent failed: the geometry is empty");
}

} // namespace
} // namespace migratlas::geo
