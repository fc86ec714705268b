#include "border/series_indicators.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace migratlas::border;

namespace {
// Seasonal factors of a series that peaks in July and bottoms in February (mean 1).
const double factors[12] = {0.8, 0.6, 0.9, 1.0, 1.0, 1.2, 1.5, 1.3, 1.0, 0.9, 0.8, 1.0};
} // namespace

TEST(SeasonalIndex, RecoversTheFactorsOfAPeriodicSeries)
{
    // 100 crossings a month times the factor of the calendar month, from March 2021 for 24 months:
    // the centred 12-month moving average is exactly 100 everywhere, so each index is 100 * factor.
    std::vector<double> monthly;
    for (int t = 0; t < 24; ++t) {
        monthly.push_back(100.0 * factors[(2 + t) % 12]);
    }
    const SeasonalIndex si = seasonal_index(monthly, 3);
    ASSERT_EQ(si.status, "ok");
    for (int m = 0; m < 12; ++m) {
        EXPECT_NEAR((*si.index)[m], 100.0 * factors[m], 1e-9) << "month " << m + 1;
    }
    EXPECT_EQ(si.peak_month(), 7);
}

TEST(SeasonalIndex, NeedsTwentyFourMonths)
{
    const SeasonalIndex si = seasonal_index(std::vector<double>(23, 10.0), 1);
    EXPECT_FALSE(si.index.has_value());
    EXPECT_EQ(si.status, "needs 24 months, has 23");
    EXPECT_FALSE(si.peak_month().has_value());
    EXPECT_EQ(seasonal_index(std::vector<double>(30, 0.0), 1).status,
        "too few crossings for a moving average in every calendar month");
}

TEST(SeasonalIndex, SeasonalityUnderAGrowthTrendIsNearlyRecovered)
{
    // Multiplicative trend of 1% a month: the ratio to the moving average keeps the factors within 1%.
    std::vector<double> monthly;
    for (int t = 0; t < 48; ++t) {
        monthly.push_back(1000.0 * std::pow(1.01, t) * factors[t % 12]);
    }
    const SeasonalIndex si = seasonal_index(monthly, 1);
    for (int m = 0; m < 12; ++m) {
        EXPECT_NEAR((*si.index)[m] / (100.0 * factors[m]), 1.0, 0.01) << m;
    }
}

TEST(PoissonTrend, ExactGrowthRatesYearlyAndMonthly)
{
    // An exact exponential is its own maximum-likelihood fit.
    std::vector<double> yearly;
    for (int t = 0; t < 6; ++t) {
        yearly.push_back(100.0 * std::pow(1.1, t));
    }
    const auto trend = poisson_trend(yearly, 1.0);
    ASSERT_TRUE(trend.has_value());
    EXPECT_NEAR(trend->pct_per_year, 10.0, 1e-8);
    std::vector<double> monthly;
    for (int t = 0; t < 36; ++t) {
        monthly.push_back(500.0 * std::pow(0.98, t));
    }
    // 2% less each month: 0.98^12 - 1 = -21.53% a year.
    EXPECT_NEAR(poisson_trend(monthly, 12.0)->pct_per_year, 100.0 * (std::pow(0.98, 12) - 1.0), 1e-8);
}

TEST(PoissonTrend, MonthOfYearEffectsKeepTheSeasonOutOfTheTrend)
{
    // Two identical years of a seasonal series have no trend; without month effects the peak in
    // July of a series that starts in January reads as growth.
    std::vector<double> flat;
    for (int t = 0; t < 24; ++t) {
        flat.push_back(100.0 * factors[t % 12]);
    }
    EXPECT_NEAR(poisson_trend(flat, 12.0, 1)->pct_per_year, 0.0, 1e-9);
    EXPECT_TRUE(poisson_trend(flat, 12.0, 1)->seasonal);
    EXPECT_GT(std::abs(poisson_trend(flat, 12.0)->pct_per_year), 1.0);
    // A seasonal series growing 1% a month: exactly 1.01^12 - 1 a year.
    std::vector<double> growing;
    for (int t = 0; t < 36; ++t) {
        growing.push_back(1000.0 * std::pow(1.01, t) * factors[(t + 4) % 12]);
    }
    EXPECT_NEAR(poisson_trend(growing, 12.0, 5)->pct_per_year, 100.0 * (std::pow(1.01, 12) - 1.0), 1e-8);
}

TEST(PoissonTrend, ZerosCountAndDegenerateSeriesHaveNone)
{
    // 0, 10, 20: the score equations give the slope; the fit is checked against them.
    const std::vector<double> y = {0, 10, 20};
    const auto trend = poisson_trend(y, 1.0);
    ASSERT_TRUE(trend.has_value());
    double s0 = 0, s1 = 0, m0 = 0, m1 = 0;
    for (int t = 0; t < 3; ++t) {
        s0 += y[t];
        s1 += t * y[t];
        m0 += std::exp(trend->slope * t);
        m1 += t * std::exp(trend->slope * t);
    }
    EXPECT_NEAR(s1 / s0, m1 / m0, 1e-9);  // Σt·y / Σy = Σt·μ / Σμ at the maximum
    EXPECT_FALSE(poisson_trend({5, 7}, 1.0).has_value());
    EXPECT_FALSE(poisson_trend({0, 0, 0, 0}, 12.0).has_value());
    EXPECT_FALSE(poisson_trend({0, 0, 9}, 1.0).has_value());  // no finite maximum
}
