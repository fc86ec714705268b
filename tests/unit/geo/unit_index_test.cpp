#include "geo/unit_index.hpp"

#include "common/error.hpp"
#include "workspace/workspace.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::geo;

namespace {

UnitIndex two_level_index()
{
    std::vector<UnitInfo> units = {
        {"TCY", "Tinyland", "", 1},
        {"TCY-1", "West", "TCY", 2},
        {"TCY-2", "East", "TCY", 2},
    };
    return UnitIndex::from_wkt(units, {"POLYGON((-70 0,-68 0,-68 2,-70 2,-70 0))",
                                          "POLYGON((-70 0,-69 0,-69 2,-70 2,-70 0))",
                                          "POLYGON((-69 0,-68 0,-68 2,-69 2,-69 0))"});
}

} // namespace

TEST(UnitIndex, LocatesPointInsideTheUnitOfTheRequestedLevel)
{
    const UnitIndex index = two_level_index();
    const auto country = index.locate(-68.5, 1.0, 1);
    ASSERT_TRUE(country);
    EXPECT_EQ(index.units()[country->unit].code, "TCY");
    EXPECT_EQ(country->distance_km, 0.0);
    const auto region = index.locate(-68.5, 1.0, 2);
    ASSERT_TRUE(region);
    EXPECT_EQ(index.units()[region->unit].code, "TCY-2");
}

TEST(UnitIndex, PointOutsideEveryUnitIsNotFoundWithoutTolerance)
{
    const UnitIndex index = two_level_index();
    EXPECT_FALSE(index.locate(-67.99, 1.0, 2));
    EXPECT_FALSE(index.locate(-69.5, 1.0, 3));  // no unit of that level
}

TEST(UnitIndex, PointJustOutsideSnapsToTheNearestUnitWithinTolerance)
{
    const UnitIndex index = two_level_index();
    // 0.003 degrees east of the border at the equator is about 0.33 km, like the Cucuta bridges.
    const auto snapped = index.locate(-67.997, 1.0, 2, 2.0);
    ASSERT_TRUE(snapped);
    EXPECT_EQ(index.units()[snapped->unit].code, "TCY-2");
    EXPECT_NEAR(snapped->distance_km, 0.334, 0.01);
    EXPECT_FALSE(index.locate(-67.997, 1.0, 2, 0.2));
}

TEST(UnitIndex, FindCodeReturnsTheUnitOrNothing)
{
    const UnitIndex index = two_level_index();
    ASSERT_TRUE(index.find_code("TCY-1"));
    EXPECT_EQ(index.units()[*index.find_code("TCY-1")].name, "West");
    EXPECT_FALSE(index.find_code("TCY-9"));
}

TEST(UnitIndex, MismatchedSizesOrBadWktAreInputErrors)
{
    EXPECT_THROW(UnitIndex::from_wkt({{"A", "a", "", 1}}, {}), InputError);
    EXPECT_THROW(UnitIndex::from_wkt({{"A", "a", "", 1}}, {"POLYGON((0 0,1 0"}), InputError);
}

TEST(UnitIndex, WorkspaceWithoutUnitsLayerIsAnInputError)
{
    test::TempDir dir;
    const auto path = dir.path() / "empty.gpkg";
    {
        workspace::Workspace workspace(path);
        Table table{"notes", {{"text", ColumnType::text}}, {{std::string("nothing")}}, {}};
        workspace.write_table(table);
        workspace.commit();
    }
    EXPECT_THROW(UnitIndex::from_workspace(path), InputError);
    EXPECT_THROW(UnitIndex::from_workspace(dir.path() / "missing.gpkg"), InputError);
}

TEST(UnitIndex, LocateCanBeRestrictedToTheUnitsOfOneCountry)
{
    std::vector<UnitInfo> units = {
        {"AAA", "A", "", 1}, {"BBB", "B", "", 1}, {"AAA-1", "A one", "AAA", 2}, {"BBB-1", "B one", "BBB", 2}};
    const UnitIndex index = UnitIndex::from_wkt(units, {"POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((1 0,2 0,2 1,1 1,1 0))",
                                                           "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((1 0,2 0,2 1,1 1,1 0))"});
    EXPECT_EQ(index.country_of(*index.find_code("BBB-1")), "BBB");
    EXPECT_EQ(index.country_of(*index.find_code("AAA")), "AAA");
    // A bridge listed for country AAA, 0.2 km inside BBB: attributed to AAA's nearest unit.
    const auto own = index.locate(1.0018, 0.5, 2, 1.0, [&](std::size_t u) { return index.units()[u].parent_code == "AAA"; });
    ASSERT_TRUE(own);
    EXPECT_EQ(index.units()[own->unit].code, "AAA-1");
    EXPECT_NEAR(own->distance_km, 0.2, 0.01);
    const auto any = index.locate(1.0018, 0.5, 2, 1.0);
    ASSERT_TRUE(any);
    EXPECT_EQ(index.units()[any->unit].code, "BBB-1");
}
