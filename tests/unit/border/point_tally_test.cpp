#include "border/point_tally.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::border;

TEST(PointIndicators, SharesRatiosAndLeadingNationalities)
{
    PointTally t;
    const join::MonthIndex jan = join::month_of(2023, 1);
    t.add(jan, true, 60);
    t.add(jan, false, 40);
    t.add(jan + 1, true, 50);
    for (const auto& [nat, n] : std::vector<std::pair<const char*, int>>{
             {"VEN", 70}, {"COL", 40}, {"ECU", 20}, {"PER", 10}, {"BRA", 5}, {"CHL", 5}}) {
        t.add_category(0, nat, n);
    }
    t.add_category(1, "M", 90);
    t.add_category(1, "F", 60);
    t.add_category(2, "0-17", 30);
    t.add_category(2, "18-29", 90);
    t.add_category(2, "unknown", 30);  // left out of the share of children
    t.add_category(3, "1", 45);
    t.add_category(3, "0", 105);
    t.add_category(4, "land", 120);
    t.add_category(4, "river", 30);
    const PointIndicators p = point_indicators(t, {jan, jan + 1}, Granularity::month);
    EXPECT_EQ(p.entries, 110);
    EXPECT_EQ(p.exits, 40);
    ASSERT_EQ(p.leading_nationalities.size(), 5U);
    EXPECT_EQ(p.leading_nationalities[0].first, "VEN");
    EXPECT_NEAR(p.leading_nationalities[0].second, 100.0 * 70 / 150, 1e-12);
    EXPECT_EQ(p.leading_nationalities[4].first, "BRA");  // ties by code
    EXPECT_DOUBLE_EQ(*p.sex_ratio, 150.0);               // 90 men per 60 women
    EXPECT_DOUBLE_EQ(*p.children_share_pct, 25.0);       // 30 of 120 of known age
    EXPECT_DOUBLE_EQ(*p.same_day_return_share_pct, 30.0);
    EXPECT_EQ(p.main_mode, "land");
    EXPECT_DOUBLE_EQ(*p.main_mode_share_pct, 80.0);
    EXPECT_EQ(p.series_periods, 2U);
    EXPECT_EQ(p.seasonal.status, "needs 24 months, has 2");
    EXPECT_FALSE(p.trend.has_value());
}

TEST(PointIndicators, YearlySeriesHasZerosWhereNoCountAndNoSeasonality)
{
    PointTally t;
    t.add(join::month_of(2010, 1), true, 100);
    t.add(join::month_of(2012, 1), true, 121);
    const join::MonthRange years{join::month_of(2010, 1), join::month_of(2012, 12)};
    EXPECT_EQ(series_values(t, years, Granularity::year), (std::vector<double>{100, 0, 121}));
    const PointIndicators p = point_indicators(t, years, Granularity::year);
    EXPECT_EQ(p.seasonal.status, "yearly series: no seasonal index");
    EXPECT_FALSE(p.sex_ratio.has_value());
    EXPECT_TRUE(p.trend.has_value());
}

TEST(SexLabels, CommonCodings)
{
    EXPECT_EQ(classify_sex("M"), SexClass::man);
    EXPECT_EQ(classify_sex("female"), SexClass::woman);
    EXPECT_EQ(classify_sex("2"), SexClass::woman);
    EXPECT_EQ(classify_sex("X"), SexClass::other);
}
