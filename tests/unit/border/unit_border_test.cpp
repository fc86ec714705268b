#include "border/unit_border.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::border;

TEST(BufferShare, HalfOfASquareNextToTheBorder)
{
    // A 1° x 1° unit on the equator whose west side is the border; a buffer of half its width
    // (0.5° of longitude at the equator) covers half of it, within the projection's fraction of a percent.
    const geo::GeosContext geos;
    const auto unit = geos.from_wkt("POLYGON((0 -0.5, 1 -0.5, 1 0.5, 0 0.5, 0 -0.5))");
    const auto border = geos.from_wkt("LINESTRING(0 -3, 0 3)");
    const double half_width_km = 0.5 * 40075.016686 / 360.0;
    EXPECT_NEAR(buffer_share(geos, unit.get(), border.get(), half_width_km), 0.5, 0.002);
    EXPECT_NEAR(buffer_share(geos, unit.get(), border.get(), 3 * half_width_km), 1.0, 1e-9);
    const auto far = geos.from_wkt("LINESTRING(5 -3, 5 3)");
    EXPECT_EQ(buffer_share(geos, unit.get(), far.get(), 50), 0.0);
}

TEST(UnitBorderFigures, DistancesAreGeodesicKilometres)
{
    const geo::GeosContext geos;
    const auto unit = geos.from_wkt("POLYGON((0 -0.5, 1 -0.5, 1 0.5, 0 0.5, 0 -0.5))");
    std::vector<BorderGeometry> borders;
    borders.push_back({"XNA-XOE", geos.own(GEOSDensify_r(geos.handle(), geos.from_wkt("MULTILINESTRING((0 -3, 0 3))").get(), 0.1), "densify")});
    const std::vector<NamedPoint> points = {{"P1", {0, 0.3}}, {"P2", {0, -0.1}}};
    const UnitBorderFigures f =
        unit_border_figures(geos, unit.get(), {0.5, 0.0}, borders, borders[0].lines.get(), points, 20);
    const double degree_km = 40075.016686 / 360.0;
    EXPECT_NEAR(*f.border_distance_km, 0.5 * degree_km, 0.05);  // along the equator to lon 0
    EXPECT_EQ(f.nearest_border, "XNA-XOE");
    EXPECT_TRUE(f.touches_border);
    EXPECT_EQ(f.nearest_point, "P2");
    EXPECT_NEAR(*f.crossing_distance_km, geo::geodesic_distance_km({0.5, 0}, {0, -0.1}), 1e-9);
    EXPECT_NEAR(f.buffer_share, 20.0 / degree_km, 0.002);
}
