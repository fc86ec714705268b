#include "geo/neighbours.hpp"

#include <gtest/gtest.h>

using namespace migratlas::geo;

namespace {

Unit make_unit(const GeosContext& geos, const std::string& code, int level, const std::string& wkt)
{
    Unit unit;
    unit.info.code = code;
    unit.info.level = level;
    unit.geometry = geos.from_wkt(wkt);
    return unit;
}

} // namespace

TEST(Neighbours, UnitsSharingALineAreNeighboursAndCornerContactIsNot)
{
    GeosContext geos;
    std::vector<Unit> units;
    units.push_back(make_unit(geos, "SW", 2, "POLYGON((-70 0,-69 0,-69 1,-70 1,-70 0))"));
    units.push_back(make_unit(geos, "SE", 2, "POLYGON((-69 0,-68 0,-68 1,-69 1,-69 0))"));
    units.push_back(make_unit(geos, "NW", 2, "POLYGON((-70 1,-69 1,-69 2,-70 2,-70 1))"));
    units.push_back(make_unit(geos, "NE", 2, "POLYGON((-69 1,-68 1,-68 2,-69 2,-69 1))"));
    std::vector<const Unit*> pointers;
    for (const auto& u : units) pointers.push_back(&u);
    const auto pairs = compute_neighbours(geos, pointers);
    ASSERT_EQ(pairs.size(), 4u);  // SW-NE and SE-NW only touch at (-69, 1)
    for (const auto& n : pairs) {
        EXPECT_LT(n.code_a, n.code_b);
        EXPECT_EQ(n.level, 2);
        EXPECT_NEAR(n.shared_border_km, 111.0, 1.0) << n.code_a << "-" << n.code_b;
    }
    EXPECT_EQ(pairs[0].code_a, "NE");
    EXPECT_EQ(pairs[0].code_b, "NW");
    // The vertical border (a meridian, 1 degree of latitude) is 110.57 km.
    const auto it = std::find_if(pairs.begin(), pairs.end(), [](const Neighbour& n) { return n.code_a == "SE" && n.code_b == "SW"; });
    ASSERT_NE(it, pairs.end());
    EXPECT_NEAR(it->shared_border_km, 110.574, 0.01);
}

TEST(Neighbours, UnitsOfDifferentLevelsAreNeverPaired)
{
    GeosContext geos;
    std::vector<Unit> units;
    units.push_back(make_unit(geos, "A", 1, "POLYGON((0 0,1 0,1 1,0 1,0 0))"));
    units.push_back(make_unit(geos, "B", 2, "POLYGON((1 0,2 0,2 1,1 1,1 0))"));
    const auto pairs = compute_neighbours(geos, {&units[0], &units[1]});
    EXPECT_TRUE(pairs.empty());
}
