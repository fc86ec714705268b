#include "border/border_segments.hpp"
#include "border/segment_split.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::border;

namespace {
double km_of(const Polyline& line)
{
    double km = 0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        km += geo::geodesic_distance_km(line[i - 1], line[i]);
    }
    return km;
}
} // namespace

TEST(SplitByNearest, ASegmentSplitBetweenTwoCrossingPoints)
{
    // A border along the equator from lon 0 to 1, points 0.1 degree north at lon 0.2 and 0.6: by
    // symmetry the cut is at lon 0.4, so the stretches are 0.4 and 0.6 degrees of the equator.
    const Polyline border = {{0, 0}, {1, 0}};
    const std::vector<LineRun> runs = split_by_nearest(border, {{0.2, 0.1}, {0.6, 0.1}});
    ASSERT_EQ(runs.size(), 2U);
    EXPECT_EQ(runs[0].point, 0U);
    EXPECT_EQ(runs[1].point, 1U);
    EXPECT_NEAR(runs[0].line.back().lon, 0.4, 1e-6);
    EXPECT_EQ(runs[1].line.front().lon, runs[0].line.back().lon);
    const double degree_km = 40075.016686 / 360.0;  // WGS84 equator
    EXPECT_NEAR(km_of(runs[0].line), 0.4 * degree_km, 1e-3);
    EXPECT_NEAR(km_of(runs[1].line), 0.6 * degree_km, 1e-3);
}

TEST(SplitByNearest, WithoutPointsTheLineIsOneRun)
{
    const std::vector<LineRun> runs = split_by_nearest({{0, 0}, {0.5, 0.2}, {1, 0}}, {});
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_FALSE(runs[0].point.has_value());
    EXPECT_EQ(runs[0].line.size(), 3U);
}

TEST(BorderSegments, PointsOfTheBorderOnlyOneSegmentEach)
{
    BorderLine line{"XNA", "XOE", {{{0, 0}, {0.5, 0}}, {{0.5, 0}, {1, 0}}}, 111.32};
    BorderLine other{"XNA", "XSU", {{{0, 0}, {0, -1}}}, 110.6};
    const std::vector<BorderPoint> points = {
        {"P-EAST", "XNA", "XOE", {0.8, 0.05}},
        {"P-WEST", "XOE", "XNA", {0.1, -0.05}},  // listed from the other side: the same border
        {"AIRPORT", "XNA", "", {0.5, 0.01}},      // airports belong to no border
        {"P-SOUTH", "XNA", "XSU", {0.05, -0.5}},
    };
    const std::vector<Segment> segments = border_segments({line, other}, points);
    ASSERT_EQ(segments.size(), 3U);
    EXPECT_EQ(segments[0].segment_id, "XNA-XOE-001");
    EXPECT_EQ(segments[0].point_id, "P-WEST");
    EXPECT_EQ(segments[1].segment_id, "XNA-XOE-002");
    EXPECT_EQ(segments[1].point_id, "P-EAST");
    EXPECT_EQ(segments[2].segment_id, "XNA-XSU-001");
    EXPECT_EQ(segments[2].point_id, "P-SOUTH");
    const double degree_km = 40075.016686 / 360.0;
    EXPECT_NEAR(segments[0].length_km + segments[1].length_km, degree_km, 1e-3);
    EXPECT_NEAR(segments[0].length_km, 0.45 * degree_km, 1e-3);  // cut half-way between lon 0.1 and 0.8
    const std::vector<Segment> bare = border_segments({line}, {});
    ASSERT_EQ(bare.size(), 1U);
    EXPECT_FALSE(bare[0].point_id.has_value());
    EXPECT_EQ(bare[0].parts.size(), 2U);
}
