#include "geo/measure.hpp"

#include <geodesic.h>
#include <gtest/gtest.h>

using namespace migratlas::geo;

namespace {

/// Independent reference: the geodesic polygon area (Karney) of a lon/lat ring, in km².
double geodesic_polygon_km2(const std::vector<std::pair<double, double>>& ring)
{
    geod_geodesic g{};
    geod_init(&g, 6378137.0, 1.0 / 298.257223563);
    std::vector<double> lats, lons;
    for (const auto& [lon, lat] : ring) {
        lons.push_back(lon);
        lats.push_back(lat);
    }
    double area = 0, perimeter = 0;
    geod_polygonarea(&g, lats.data(), lons.data(), static_cast<int>(ring.size()), &area, &perimeter);
    return std::abs(area) / 1e6;
}

} // namespace

TEST(Measure, AreaOfOneDegreeCellMatchesGeodesicPolygonArea)
{
    GeosContext geos;
    const auto cell = geos.from_wkt("POLYGON((-70 0,-69 0,-69 1,-70 1,-70 0))");
    // Densified ring so that geodesic edges follow the parallels closely.
    std::vector<std::pair<double, double>> ring;
    for (int i = 0; i < 100; ++i) ring.emplace_back(-70 + i / 100.0, 0);
    for (int i = 0; i < 100; ++i) ring.emplace_back(-69, i / 100.0);
    for (int i = 0; i < 100; ++i) ring.emplace_back(-69 - i / 100.0, 1);
    for (int i = 0; i < 100; ++i) ring.emplace_back(-70, 1 - i / 100.0);
    const double expected = geodesic_polygon_km2(ring);
    EXPECT_NEAR(area_km2(geos, cell.get()), expected, expected * 1e-6);
}

TEST(Measure, AreaMatchesHandComputedEllipsoidalZones)
{
    GeosContext geos;
    // By hand, with a = 6378137 m, e² = f(2 - f), f = 1/298.257223563 and Snyder's (1987, eq. 3-12)
    // q(φ) = (1 - e²)[sin φ / (1 - e² sin² φ) + atanh(e sin φ) / e]: a cell of 1° × 1° from the
    // equator is (π/180) a² q(1°) / 2 = 12308.4639 km²; a hemisphere is π a² q(90°) = 255032810.862 km²,
    // half of WGS84's 510065621.724 km².
    const auto cell = geos.from_wkt("POLYGON((-70 0,-69 0,-69 1,-70 1,-70 0))");
    EXPECT_NEAR(area_km2(geos, cell.get()), 12308.4639, 0.0001);
    const auto north = geos.from_wkt("POLYGON((-180 0,180 0,180 90,-180 90,-180 0))");
    EXPECT_NEAR(area_km2(geos, north.get()), 255032810.862, 0.001);
    // Orientation does not matter; holes are taken out; lines and points have no area.
    const auto clockwise = geos.from_wkt("POLYGON((-70 0,-70 1,-69 1,-69 0,-70 0))");
    EXPECT_DOUBLE_EQ(area_km2(geos, clockwise.get()), area_km2(geos, cell.get()));
    const auto holed = geos.from_wkt("POLYGON((-71 -1,-68 -1,-68 2,-71 2,-71 -1),(-70 0,-69 0,-69 1,-70 1,-70 0))");
    const auto shell = geos.from_wkt("POLYGON((-71 -1,-68 -1,-68 2,-71 2,-71 -1))");
    EXPECT_NEAR(area_km2(geos, holed.get()), area_km2(geos, shell.get()) - area_km2(geos, cell.get()), 1e-6);
    EXPECT_EQ(area_km2(geos, geos.from_wkt("LINESTRING(0 0,1 1)").get()), 0.0);
}

TEST(Measure, AreaUnderALongSlantedEdgeFollowsTheEdgeInLonLat)
{
    GeosContext geos;
    // One edge crosses 40° of latitude; the reference densifies it to 0.001° so that its geodesic
    // pieces follow the straight lon/lat line.
    const auto triangle = geos.from_wkt("POLYGON((-70 -30,-60 10,-70 10,-70 -30))");
    std::vector<std::pair<double, double>> ring;
    for (int i = 0; i < 40000; ++i) ring.emplace_back(-70 + i / 4000.0, -30 + i / 1000.0);
    for (int i = 0; i < 10000; ++i) ring.emplace_back(-60 - i / 1000.0, 10);
    for (int i = 0; i < 40000; ++i) ring.emplace_back(-70, 10 - i / 1000.0);
    const double expected = geodesic_polygon_km2(ring);
    EXPECT_NEAR(area_km2(geos, triangle.get()), expected, expected * 1e-7);
}

TEST(Measure, AreaDoesNotDependOnLongitudeAndShrinksTowardsThePoles)
{
    GeosContext geos;
    const auto a = geos.from_wkt("POLYGON((-70 10,-69 10,-69 11,-70 11,-70 10))");
    const auto b = geos.from_wkt("POLYGON((100 10,101 10,101 11,100 11,100 10))");
    const auto c = geos.from_wkt("POLYGON((100 60,101 60,101 61,100 61,100 60))");
    EXPECT_NEAR(area_km2(geos, a.get()), area_km2(geos, b.get()), 1e-6 * area_km2(geos, a.get()));
    EXPECT_LT(area_km2(geos, c.get()), 0.55 * area_km2(geos, a.get()));
}

TEST(Measure, LengthOfOneDegreeOfEquatorIsGeodesic)
{
    GeosContext geos;
    const auto line = geos.from_wkt("LINESTRING(0 0,1 0)");
    EXPECT_NEAR(length_km(geos, line.get()), 111.319, 0.001);
    const auto point = geos.from_wkt("POINT(0 0)");
    EXPECT_EQ(length_km(geos, point.get()), 0.0);
}

TEST(Measure, DistanceFromOutsidePointIsGeodesicDistanceToNearestEdge)
{
    GeosContext geos;
    const auto square = geos.from_wkt("POLYGON((-70 0,-68 0,-68 2,-70 2,-70 0))");
    const double d = distance_km(geos, square.get(), {-67.9, 1.0});
    EXPECT_NEAR(d, geodesic_distance_km({-67.9, 1.0}, {-68.0, 1.0}), 0.01);
    EXPECT_NEAR(d, 11.13, 0.05);
    EXPECT_EQ(distance_km(geos, square.get(), {-69.0, 1.0}), 0.0);
}

TEST(Measure, RepresentativePointLiesInsideConcavePolygon)
{
    GeosContext geos;
    // A U shape whose envelope centre (1.5, 1.5) lies outside it.
    const auto u = geos.from_wkt("POLYGON((0 0,3 0,3 3,2 3,2 1,1 1,1 3,0 3,0 0))");
    const LonLat p = representative_point(geos, u.get());
    const auto point = geos.own(GEOSGeom_createPointFromXY_r(geos.handle(), p.lon, p.lat), "point");
    EXPECT_TRUE(geos.predicate(GEOSContains_r(geos.handle(), u.get(), point.get()), "contains"));
}
