#include "common/error.hpp"
#include "flows/corridor_geometry.hpp"
#include "geo/geos_context.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace migratlas;
using namespace migratlas::flows;

namespace {

std::string wkt_of(const Polyline& line)
{
    std::string text = "LINESTRING(";
    for (std::size_t i = 0; i < line.size(); ++i) {
        text += (i ? "," : "") + std::to_string(line[i].lon) + " " + std::to_string(line[i].lat);
    }
    return text + ")";
}

/// Side of p relative to the chord a→b in the local plane the arcs are drawn in (> 0 left, < 0 right).
double side(geo::LonLat a, geo::LonLat b, geo::LonLat p)
{
    const double k = std::cos((a.lat + b.lat) / 2 * M_PI / 180);
    return ((b.lon - a.lon) * k) * (p.lat - a.lat) - (b.lat - a.lat) * ((p.lon - a.lon) * k);
}

} // namespace

TEST(CorridorShape, StraightIsTheChord)
{
    const MultiPolyline line = corridor_line({-72, 7}, {-70, 5}, {});
    ASSERT_EQ(line.size(), 1U);
    ASSERT_EQ(line[0].size(), 2U);
    EXPECT_EQ(line[0][1].lon, -70);
    EXPECT_EQ(parse_corridor_shape("great-circle"), CorridorShape::great_circle);
    EXPECT_THROW((void)parse_corridor_shape("curved"), SettingError);
}

TEST(CorridorShape, ArcBendsToTheRightOfTravel)
{
    ShapeOptions options;
    options.shape = CorridorShape::arc;
    // Eastward along the equator: the right is south; the apex is bend · chord = 2° off the chord,
    // and the Bézier curve passes half of it: (5, -1).
    const MultiPolyline line = corridor_line({0, 0}, {10, 0}, options);
    ASSERT_EQ(line[0].size(), 33U);
    EXPECT_NEAR(line[0][16].lon, 5.0, 1e-9);
    EXPECT_NEAR(line[0][16].lat, -1.0, 1e-9);
    EXPECT_EQ(line[0].front().lon, 0);
    EXPECT_EQ(line[0].back().lon, 10);
}

TEST(CorridorShape, ArcsOfOppositeDirectionsNeverOverlap)
{
    ShapeOptions options;
    options.shape = CorridorShape::arc;
    const geo::GeosContext geos;
    const std::pair<geo::LonLat, geo::LonLat> pairs[] = {
        {{-72.45, 7.82}, {-69.9, 5.17}}, {{-106.48, 31.75}, {-97.5, 25.9}}, {{-70.0, 4.0}, {-70.0, 8.0}}};
    for (const auto& [a, b] : pairs) {
        const Polyline ab = corridor_line(a, b, options)[0];
        const Polyline ba = corridor_line(b, a, options)[0];
        for (std::size_t i = 1; i + 1 < ab.size(); ++i) {
            EXPECT_LT(side(a, b, ab[i]), 0) << i;  // A→B on the right of A→B
            EXPECT_GT(side(a, b, ba[i]), 0) << i;  // B→A on the right of B→A, i.e. the left of A→B
        }
        const auto g1 = geos.from_wkt(wkt_of(ab));
        const auto g2 = geos.from_wkt(wkt_of(ba));
        const auto shared = geos.own(GEOSIntersection_r(geos.handle(), g1.get(), g2.get()), "intersection");
        // They meet at their two ends only.
        EXPECT_EQ(GEOSGetNumGeometries_r(geos.handle(), shared.get()), 2) << geos.to_wkt(shared.get());
        EXPECT_EQ(GEOSGeomTypeId_r(geos.handle(), shared.get()), GEOS_MULTIPOINT);
    }
}

TEST(CorridorShape, GreatCircleIsSplitAtTheAntimeridian)
{
    ShapeOptions options;
    options.shape = CorridorShape::great_circle;
    const MultiPolyline line = corridor_line({170, 0}, {-170, 0}, options);
    ASSERT_EQ(line.size(), 2U);
    EXPECT_DOUBLE_EQ(line[0].back().lon, 180);
    EXPECT_DOUBLE_EQ(line[1].front().lon, -180);
    EXPECT_EQ(line[1].back().lon, -170);
    for (const Polyline& part : line) {
        for (const geo::LonLat& p : part) {
            EXPECT_LE(std::abs(p.lon), 180.0);
            EXPECT_NEAR(p.lat, 0, 1e-9);
        }
    }
    // 20 degrees of the WGS84 equator: 2 pi a / 18 = 2226.39 km.
    EXPECT_NEAR(polyline_length_km(line), 2226.389816, 1e-3);
}

TEST(CorridorShape, ViaCrossingPassesThePoint)
{
    const MultiPolyline line = via_line({-73, 4}, {-72.45, 7.82}, {-66.9, 10.5}, {});
    ASSERT_EQ(line.size(), 1U);
    ASSERT_EQ(line[0].size(), 3U);
    EXPECT_EQ(line[0][1].lon, -72.45);
    EXPECT_EQ(line[0][1].lat, 7.82);
    EXPECT_EQ(to_wkb(line).size(), 1U + 4 + 4 + 1 + 4 + 4 + 3 * 16);
}
