// Clipping to a tile box: polygons stay valid (Weiler-Atherton joins), concave shapes split into
// separate polygons, holes and full covers are handled, lines are cut into parts.
#include "tiles/clip.hpp"
#include "tiles/polygon_validity.hpp"
#include "tiles/simplify.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::tiles;

namespace {

Polygon square(std::int64_t x0, std::int64_t y0, std::int64_t x1, std::int64_t y1)
{
    return Polygon{{Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}}};
}

double area(const MultiPolygon& polygons)
{
    double total = 0;
    for (const Polygon& p : polygons) {
        for (const Ring& r : p.rings) {
            total += static_cast<double>(twice_area(r)) / 2.0;
        }
    }
    return total;
}

bool geos_valid(const MultiPolygon& polygons)
{
    const geo::GeosContext geos;
    return geos.predicate(GEOSisValid_r(geos.handle(), to_geos(geos, polygons).get()), "valid");
}

} // namespace

TEST(ClipPolygon, InsideBoxIsUnchanged)
{
    const PolygonClip clip = clip_polygon(square(10, 10, 20, 20), ClipBox{0, 0, 100, 100});
    EXPECT_TRUE(clip.unchanged);
    ASSERT_EQ(clip.polygons.size(), 1U);
    EXPECT_EQ(area(clip.polygons), 100.0);
}

TEST(ClipPolygon, BoxInsidePolygonIsFull)
{
    const PolygonClip clip = clip_polygon(square(-50, -50, 150, 150), ClipBox{0, 0, 100, 100});
    EXPECT_TRUE(clip.full);
    EXPECT_EQ(area(clip.polygons), 10000.0);
}

TEST(ClipPolygon, DisjointGivesNothing)
{
    EXPECT_TRUE(clip_polygon(square(200, 200, 300, 300), ClipBox{0, 0, 100, 100}).polygons.empty());
}

TEST(ClipPolygon, OverlapKeepsTheIntersection)
{
    const PolygonClip clip = clip_polygon(square(50, 50, 150, 150), ClipBox{0, 0, 100, 100});
    ASSERT_EQ(clip.polygons.size(), 1U);
    EXPECT_EQ(area(clip.polygons), 2500.0);
    EXPECT_TRUE(certainly_valid(clip.polygons));
}

TEST(ClipPolygon, ConcaveShapeSplitsIntoValidPolygonsWithoutZeroWidthEdges)
{
    // A U opening upwards whose two arms leave the box's top: two separate arms and the base.
    Polygon u{{Ring{{10, 10}, {90, 10}, {90, 200}, {70, 200}, {70, 30}, {30, 30}, {30, 200}, {10, 200}}}};
    orient(u);
    const PolygonClip clip = clip_polygon(u, ClipBox{0, 0, 100, 100});
    ASSERT_TRUE(clip.consistent);
    ASSERT_EQ(clip.polygons.size(), 1U); // arms joined by the base inside the box
    EXPECT_EQ(area(clip.polygons), 80.0 * 20 + 2 * 20.0 * 70);
    EXPECT_TRUE(geos_valid(clip.polygons));

    // Cut above the base, the arms are two polygons, not one ring along the box edge.
    const PolygonClip arms = clip_polygon(u, ClipBox{0, 50, 100, 150});
    ASSERT_EQ(arms.polygons.size(), 2U);
    EXPECT_EQ(area(arms.polygons), 2 * 20.0 * 100);
    EXPECT_TRUE(geos_valid(arms.polygons));
}

TEST(ClipPolygon, HoleCutByTheBoxBecomesPartOfTheShell)
{
    Polygon ring_shape{{Ring{{0, 0}, {100, 0}, {100, 100}, {0, 100}}, Ring{{30, 30}, {30, 70}, {70, 70}, {70, 30}}}};
    orient(ring_shape);
    const PolygonClip clip = clip_polygon(ring_shape, ClipBox{50, -10, 150, 110});
    ASSERT_TRUE(clip.consistent);
    EXPECT_EQ(area(clip.polygons), 50.0 * 100 - 20.0 * 40);
    EXPECT_TRUE(geos_valid(clip.polygons));
}

TEST(ClipPolygon, WholeHoleInsideTheBoxIsKept)
{
    Polygon ring_shape{{Ring{{-100, -100}, {200, -100}, {200, 200}, {-100, 200}}, Ring{{30, 30}, {30, 70}, {70, 70}, {70, 30}}}};
    orient(ring_shape);
    const PolygonClip clip = clip_polygon(ring_shape, ClipBox{0, 0, 100, 100});
    ASSERT_EQ(clip.polygons.size(), 1U);
    EXPECT_EQ(clip.polygons.front().rings.size(), 2U);
    EXPECT_EQ(area(clip.polygons), 10000.0 - 1600.0);
    EXPECT_FALSE(clip.full);
}

TEST(ClipPolygon, BoxInsideAHoleGivesNothing)
{
    Polygon ring_shape{{Ring{{-1000, -1000}, {1000, -1000}, {1000, 1000}, {-1000, 1000}}, Ring{{-500, -500}, {-500, 500}, {500, 500}, {500, -500}}}};
    orient(ring_shape);
    EXPECT_TRUE(clip_polygon(ring_shape, ClipBox{0, 0, 100, 100}).polygons.empty());
}

TEST(ClipPolygon, DiagonalEdgeCutsCornerWithRoundedPointsOnTheBoxEdge)
{
    Polygon triangle{{Ring{{-10, 50}, {50, -10}, {-10, -10}}}};
    orient(triangle);
    const PolygonClip clip = clip_polygon(triangle, ClipBox{0, 0, 100, 100});
    ASSERT_EQ(clip.polygons.size(), 1U);
    for (const Point& p : clip.polygons.front().rings.front()) {
        EXPECT_TRUE(p.x == 0 || p.y == 0 || p.x + p.y == 40) << p.x << "," << p.y;
    }
    EXPECT_EQ(area(clip.polygons), 800.0);
}

TEST(ClipLine, CutsIntoPartsInsideTheBox)
{
    const Line zigzag{{-50, 50}, {50, 50}, {50, 150}, {60, 150}, {60, 50}, {150, 50}};
    MultiLine parts;
    clip_line(zigzag, ClipBox{0, 0, 100, 100}, parts);
    ASSERT_EQ(parts.size(), 2U);
    EXPECT_EQ(parts[0], (Line{{0, 50}, {50, 50}, {50, 100}}));
    EXPECT_EQ(parts[1], (Line{{60, 100}, {60, 50}, {100, 50}}));
}

TEST(ClipLine, SegmentThroughTheBoxWithBothEndsOutside)
{
    MultiLine parts;
    clip_line(Line{{-100, 20}, {200, 20}}, ClipBox{0, 0, 100, 100}, parts);
    ASSERT_EQ(parts.size(), 1U);
    EXPECT_EQ(parts[0], (Line{{0, 20}, {100, 20}}));
}

TEST(Simplify, KeepsEndsAndPointsBeyondTheTolerance)
{
    const std::vector<Point> line{{0, 0}, {10, 1}, {20, 0}, {30, 50}, {40, 0}};
    std::vector<bool> keep;
    simplify(line, 5.0, 0, keep);
    EXPECT_EQ(keep, (std::vector<bool>{true, false, true, true, true}));
    simplify(line, 100.0, 0, keep);
    EXPECT_EQ(keep, (std::vector<bool>{true, false, false, false, true}));
}

TEST(Simplify, ClosedArcKeepsATriangleWhenAsked)
{
    const std::vector<Point> ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}};
    std::vector<bool> keep;
    simplify(ring, 1000.0, 2, keep);
    EXPECT_EQ(std::count(keep.begin(), keep.end(), true), 4); // both ends (the same point) and two more
}

TEST(PolygonValidity, BowTieIsRepairedIntoValidPolygons)
{
    MultiPolygon bow{Polygon{{Ring{{0, 0}, {10, 10}, {10, 0}, {0, 10}}}}};
    EXPECT_FALSE(certainly_valid(bow));
    const geo::GeosContext geos;
    EXPECT_TRUE(make_valid(geos, bow));
    EXPECT_TRUE(geos_valid(bow));
    EXPECT_EQ(area(bow), 50.0);
}

TEST(PolygonValidity, PolygonsSharingAnEdgeAreMergedByTheRepair)
{
    MultiPolygon two{square(0, 0, 10, 10), square(10, 0, 20, 10)};
    // They share an edge: not certainly valid for the fast test, and GEOS rejects it, so MakeValid merges.
    const geo::GeosContext geos;
    make_valid(geos, two);
    EXPECT_TRUE(geos_valid(two));
    EXPECT_EQ(area(two), 200.0);
}
