#include "common/error.hpp"
#include "flows/corridor_geometry.hpp"
#include "flows/geodesic_line.hpp"

#include <geodesic.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace migratlas;
using namespace migratlas::flows;

namespace {

MultiPolyline great_circle(geo::LonLat from, geo::LonLat to, double tolerance_km = default_geodesic_tolerance_km)
{
    ShapeOptions options;
    options.shape = CorridorShape::great_circle;
    options.great_circle_tolerance_km = tolerance_km;
    return corridor_line(from, to, options);
}

std::size_t vertex_count(const MultiPolyline& line)
{
    std::size_t n = 0;
    for (const Polyline& part : line) {
        n += part.size();
    }
    return n;
}

/// The corridors' drawing before adaptive densification: a vertex every 50 km of the geodesic.
Polyline every_50_km(geo::LonLat from, geo::LonLat to)
{
    geod_geodesic wgs84{};
    geod_init(&wgs84, 6378137.0, 1.0 / 298.257223563);
    geod_geodesicline line{};
    geod_inverseline(&line, &wgs84, from.lat, from.lon, to.lat, to.lon, GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
    const int steps = static_cast<int>(std::ceil(line.s13 / 50'000));
    Polyline points;
    for (int i = 0; i <= steps; ++i) {
        geo::LonLat p;
        geod_genposition(&line, GEOD_LONG_UNROLL, line.s13 * i / steps, &p.lat, &p.lon, nullptr, nullptr, nullptr,
            nullptr, nullptr, nullptr);
        points.push_back(p);
    }
    return points;
}

// The representative points of China and Panama in world-countries.json (rounded), a corridor of
// the UNHCR table, and two points either side of the Bering Strait.
constexpr geo::LonLat china{98.77, 36.80}, panama{-81.48, 8.41};
constexpr geo::LonLat kamchatka{160, 60}, alaska{-150, 62};

} // namespace

TEST(GeodesicDistance, IsTheMeridianArcForAPointNorthOfTheEquator)
{
    // The equator is a geodesic; the closest point of it to (5°E, 1°N) is (5°E, 0), 1° of meridian
    // away: 110.574 km on WGS84 (the textbook length of the first degree of latitude).
    EXPECT_NEAR(distance_to_geodesic_km({5, 1}, {0, 0}, {10, 0}), 110.574, 0.001);
}

TEST(GeodesicDistance, MatchesTheHandComputedBulgeOfAGeodesicAlongAParallel)
{
    // The geodesic from (0°, 60°N) to (10°E, 60°N) bulges poleward; the parallel's midpoint
    // (5°E, 60°N) lies under its vertex at 5°E. By hand, on the auxiliary sphere of reduced
    // latitude β (tan β = (1 − f) tan φ): tan β0 = 1.7262436, β0 = 59.9423°; the great circle's
    // vertex has tan β_max = tan β0 / cos 5° = 1.7328377, so Δβ = 0.0016521 rad; along the meridian
    // ds = a √(1 − e² cos² β) dβ = 6378.137 · 0.999160 · 0.0016521 = 10.53 km. The sphere's longitude
    // differs from the ellipsoid's by ~0.2 % here, hence the tolerance.
    EXPECT_NEAR(distance_to_geodesic_km({5, 60}, {0, 60}, {10, 60}), 10.53, 0.05);
}

TEST(GeodesicLine, PolarRouteStaysWithinTheTolerance)
{
    // China → Panama passes over 85°N, where 50 km of geodesic spans degrees of longitude.
    const MultiPolyline line = great_circle(china, panama);
    const double top = std::max_element(line[0].begin(), line[0].end(),
        [](geo::LonLat a, geo::LonLat b) { return a.lat < b.lat; })->lat;
    EXPECT_GT(top, 85.0);
    EXPECT_LE(geodesic_deviation_km(line, china, panama), default_geodesic_tolerance_km);
    EXPECT_GT(geodesic_deviation_km(line, china, panama), 0.9 * default_geodesic_tolerance_km);
    EXPECT_EQ(vertex_count(line), 253U);
    // A vertex every 50 km (301 vertices, the drawing before) strayed kilometres from it.
    EXPECT_GT(geodesic_deviation_km({every_50_km(china, panama)}, china, panama), 5.0);
}

TEST(GeodesicLine, TighterToleranceGivesMoreVerticesAndStaysWithinIt)
{
    std::size_t previous = 0;
    for (const double tolerance_km : {0.1, 0.05, 0.025}) {
        const MultiPolyline line = great_circle(china, panama, tolerance_km);
        EXPECT_LE(geodesic_deviation_km(line, china, panama), tolerance_km) << tolerance_km;
        EXPECT_GT(vertex_count(line), previous) << tolerance_km;
        previous = vertex_count(line);
    }
    EXPECT_EQ(previous, 358U);
}

TEST(GeodesicLine, AntimeridianRouteIsCutWhereItCrossesAndStaysWithinTheTolerance)
{
    const MultiPolyline line = great_circle(kamchatka, alaska);
    ASSERT_EQ(line.size(), 2U);
    EXPECT_EQ(line[0].front().lon, kamchatka.lon);
    EXPECT_EQ(line[0].front().lat, kamchatka.lat);
    EXPECT_EQ(line[1].back().lon, alaska.lon);
    EXPECT_EQ(line[1].back().lat, alaska.lat);
    EXPECT_EQ(line[0].back().lon, 180);
    EXPECT_EQ(line[1].front().lon, -180);
    EXPECT_EQ(line[0].back().lat, line[1].front().lat);
    for (const Polyline& part : line) {
        for (const geo::LonLat& p : part) {
            EXPECT_LE(std::abs(p.lon), 180.0);
        }
    }
    EXPECT_LE(geodesic_deviation_km(line, kamchatka, alaska), default_geodesic_tolerance_km);
    EXPECT_EQ(vertex_count(line), 78U);  // both parts hold the cut point
}

TEST(GeodesicLine, ShortRouteNeedsNoVertexBetweenItsEnds)
{
    // 19 km across the Colombia–Venezuela border: its chord is a metre from the geodesic.
    const geo::LonLat cucuta{-72.45, 7.82}, san_antonio{-72.3, 7.9};
    const MultiPolyline line = great_circle(cucuta, san_antonio);
    ASSERT_EQ(line.size(), 1U);
    EXPECT_EQ(line[0].size(), 2U);
    EXPECT_LT(geodesic_deviation_km(line, cucuta, san_antonio), 0.002);
}

TEST(GeodesicLine, MeridianNeedsOnlyItsInitialPieces)
{
    // Straight in lon/lat and in Web Mercator, a meridian is its own geodesic: 6,654 km in
    // pieces of at most 1,000 km, 7 pieces.
    const MultiPolyline line = great_circle({10, 0}, {10, 60});
    EXPECT_EQ(vertex_count(line), 8U);
    EXPECT_LT(geodesic_deviation_km(line, {10, 0}, {10, 60}), 1e-6);
}

TEST(GeodesicLine, NonPositiveToleranceIsASettingError)
{
    EXPECT_THROW((void)densify_geodesic(china, panama, 0), SettingError);
    EXPECT_THROW((void)densify_geodesic(china, panama, -1), SettingError);
}
