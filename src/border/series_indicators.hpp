// Time-series indicators of a crossing point: the seasonal index per calendar month (ratio to a
// centred 12-month moving average; needs 24 months) and the trend in % per year (Poisson log-linear
// regression, which takes zero months as they are). Pure functions; docs/methods/flows-indicators.md.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::border {

struct SeasonalIndex {
    /// Index per calendar month (January first), mean 100; empty when `status` is not "ok".
    std::optional<std::array<double, 12>> index;
    std::string status;  ///< "ok", or why there is none ("needs 24 months, has 18")
    [[nodiscard]] std::optional<int> peak_month() const;  ///< 1..12
};

/// `monthly[i]` is the count of the month `first_calendar_month + i` (1 = January), with no gaps.
[[nodiscard]] SeasonalIndex seasonal_index(const std::vector<double>& monthly, int first_calendar_month);

struct Trend {
    double pct_per_year = 0;  ///< 100 (exp(b · periods_per_year) − 1)
    double slope = 0;         ///< b of log E[y_t] = a_m + b t
    bool seasonal = false;    ///< fitted with one level a_m per calendar month
    int iterations = 0;
};

/// Poisson regression of the counts on time (t = 0, 1, ...), log E[y_t] = a + b t; for months
/// (`first_calendar_month` 1..12) with at least 24 of them, one level a_m per calendar month, so
/// that seasonality does not bias the slope. None with fewer than 3 periods, no count above zero, or
/// no finite maximum. `periods_per_year` is 12 for months and 1 for years.
[[nodiscard]] std::optional<Trend> poisson_trend(const std::vector<double>& counts, double periods_per_year,
    int first_calendar_month = 0);

} // namespace migratlas::border
