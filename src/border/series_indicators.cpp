#include "border/series_indicators.hpp"

#include <algorithm>
#include <cmath>

namespace migratlas::border {

std::optional<int> SeasonalIndex::peak_month() const
{
    if (!index) {
        return std::nullopt;
    }
    return static_cast<int>(std::max_element(index->begin(), index->end()) - index->begin()) + 1;
}

SeasonalIndex seasonal_index(const std::vector<double>& monthly, int first_calendar_month)
{
    SeasonalIndex result;
    const std::size_t n = monthly.size();
    if (n < 24) {
        result.status = "needs 24 months, has " + std::to_string(n);
        return result;
    }
    std::array<double, 12> sum{};
    std::array<int, 12> seen{};
    // Centred 2x12 moving average: half weights at both ends so that it is centred on month t.
    for (std::size_t t = 6; t + 6 < n; ++t) {
        double average = 0.5 * (monthly[t - 6] + monthly[t + 6]);
        for (std::size_t k = t - 5; k <= t + 5; ++k) {
            average += monthly[k];
        }
        average /= 12.0;
        if (average <= 0) {
            continue;
        }
        const auto month = static_cast<std::size_t>((first_calendar_month - 1 + static_cast<int>(t)) % 12);
        sum[month] += monthly[t] / average;
        ++seen[month];
    }
    std::array<double, 12> ratio{};
    double mean = 0;
    for (std::size_t m = 0; m < 12; ++m) {
        if (seen[m] == 0) {
            result.status = "too few crossings for a moving average in every calendar month";
            return result;
        }
        ratio[m] = sum[m] / seen[m];
        mean += ratio[m] / 12.0;
    }
    if (mean <= 0) {
        result.status = "no crossings";
        return result;
    }
    for (double& r : ratio) {
        r = 100.0 * r / mean;
    }
    result.index = ratio;
    result.status = "ok";
    return result;
}

namespace {

/// Score of the profile log-likelihood in the slope b: for a given b, each group's level is at its
/// maximum, exp(a_g) = Σ_g y / Σ_g exp(b t), so the score is Σ t (y_t − μ_t).
double profile_score(const std::vector<double>& counts, const std::vector<int>& group, int groups, double b)
{
    const double centre = static_cast<double>(counts.size() - 1) / 2.0;
    std::vector<double> sum_y(static_cast<std::size_t>(groups), 0.0), sum_e(static_cast<std::size_t>(groups), 0.0);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const auto g = static_cast<std::size_t>(group[i]);
        sum_y[g] += counts[i];
        sum_e[g] += std::exp(b * (static_cast<double>(i) - centre));
    }
    double score = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const auto g = static_cast<std::size_t>(group[i]);
        const double t = static_cast<double>(i) - centre;
        const double mu = sum_y[g] * std::exp(b * t) / sum_e[g];
        score += t * (counts[i] - mu);
    }
    return score;
}

} // namespace

std::optional<Trend> poisson_trend(const std::vector<double>& counts, double periods_per_year, int first_calendar_month)
{
    const std::size_t n = counts.size();
    double total = 0;
    for (const double y : counts) {
        total += y;
    }
    if (n < 3 || total <= 0) {
        return std::nullopt;
    }
    // Month-of-year effects when there are two years of months, so that a season is not read as a trend.
    const bool seasonal = first_calendar_month >= 1 && first_calendar_month <= 12 && n >= 24;
    const int groups = seasonal ? 12 : 1;
    std::vector<int> group(n, 0);
    if (seasonal) {
        for (std::size_t i = 0; i < n; ++i) {
            group[i] = (first_calendar_month - 1 + static_cast<int>(i)) % 12;
        }
    }
    // The profile score decreases in b; its root is the maximum-likelihood slope. Bracket it within
    // a change of e^±2 per period (beyond any real series), then bisect to machine precision.
    double lo = -2.0, hi = 2.0;
    if (!(profile_score(counts, group, groups, lo) > 0 && profile_score(counts, group, groups, hi) < 0)) {
        return std::nullopt;  // no finite maximum, e.g. counts only at one end of the series
    }
    Trend trend;
    for (trend.iterations = 1; trend.iterations <= 200 && hi - lo > 1e-15; ++trend.iterations) {
        const double mid = (lo + hi) / 2;
        (profile_score(counts, group, groups, mid) > 0 ? lo : hi) = mid;
    }
    trend.slope = (lo + hi) / 2;
    trend.seasonal = seasonal;
    trend.pct_per_year = 100.0 * (std::exp(trend.slope * periods_per_year) - 1.0);
    return trend;
}

} // namespace migratlas::border
