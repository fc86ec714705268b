#include "geo/measure.hpp"
#include "geo/repair.hpp"

#include <gtest/gtest.h>

using namespace migratlas::geo;

TEST(Repair, BowTieIsRepairedIntoTwoTrianglesAndReported)
{
    GeosContext geos;
    const auto bowtie = geos.from_wkt("POLYGON((0 0,2 2,2 0,0 2,0 0))");
    const RepairResult result = make_valid_multipolygon(geos, bowtie.get());
    EXPECT_TRUE(result.repaired);
    EXPECT_NE(result.reason.find("Self-intersection"), std::string::npos) << result.reason;
    EXPECT_TRUE(geos.predicate(GEOSisValid_r(geos.handle(), result.geometry.get()), "valid"));
    EXPECT_EQ(GEOSGeomTypeId_r(geos.handle(), result.geometry.get()), GEOS_MULTIPOLYGON);
    EXPECT_EQ(GEOSGetNumGeometries_r(geos.handle(), result.geometry.get()), 2);
    double area = 0;
    GEOSArea_r(geos.handle(), result.geometry.get(), &area);
    EXPECT_NEAR(area, 2.0, 1e-9);  // two triangles of 1 square unit: nothing dropped
}

TEST(Repair, ValidPolygonIsReturnedAsMultiPolygonUnchanged)
{
    GeosContext geos;
    const auto square = geos.from_wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
    const RepairResult result = make_valid_multipolygon(geos, square.get());
    EXPECT_FALSE(result.repaired);
    EXPECT_EQ(geos.to_wkt(result.geometry.get()), "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)))");
}

TEST(Repair, LinesInACollectionAreDroppedBecauseUnitsAreAreas)
{
    GeosContext geos;
    const auto mixed = geos.from_wkt("GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 1,0 0)),LINESTRING(5 5,6 6))");
    EXPECT_TRUE(has_polygonal_part(geos, mixed.get()));
    const RepairResult result = make_valid_multipolygon(geos, mixed.get());
    EXPECT_EQ(GEOSGetNumGeometries_r(geos.handle(), result.geometry.get()), 1);
    const auto line = geos.from_wkt("LINESTRING(5 5,6 6)");
    EXPECT_FALSE(has_polygonal_part(geos, line.get()));
}

TEST(Repair, OverlappingPartsOfACollectionAreDissolved)
{
    GeosContext geos;
    const auto parts = geos.from_wkt("GEOMETRYCOLLECTION(POLYGON((0 0,2 0,2 2,0 2,0 0)),POLYGON((1 1,3 1,3 3,1 3,1 1)))");
    const RepairResult result = make_valid_multipolygon(geos, parts.get());
    EXPECT_TRUE(geos.predicate(GEOSisValid_r(geos.handle(), result.geometry.get()), "valid"));
    double area = 0;
    GEOSArea_r(geos.handle(), result.geometry.get(), &area);
    EXPECT_NEAR(area, 7.0, 1e-9);
}
