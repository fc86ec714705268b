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

std::optional<Trend> poisson_trend(const std::vector<double>& counts, double periods_per_year)
{
    const std::size_t n = counts.size();
    double total = 0;
    for (const double y : counts) {
        total += y;
    }
    if (n < 3 || total <= 0) {
        return std::nullopt;
    }
    // Time centred on its mean keeps the two parameters nearly orthogonal, so Newton converges in a
    // few steps; the slope does not depend on the centring.
    const double centre = static_cast<double>(n - 1) / 2.0;
    double a = std::log(total / static_cast<double>(n));
    double b = 0;
    Trend trend;
    bool converged = false;
    for (trend.iterations = 1; trend.iterations <= 100; ++trend.iterations) {
        double ua = 0, ub = 0, iaa = 0, iab = 0, ibb = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double t = static_cast<double>(i) - centre;
            const double mu = std::exp(a + b * t);
            ua += counts[i] - mu;
            ub += t * (counts[i] - mu);
            iaa += mu;
            iab += t * mu;
            ibb += t * t * mu;
        }
        const double det = iaa * ibb - iab * iab;
        if (!(det > 0)) {
            return std::nullopt;
        }
        const double da = (ibb * ua - iab * ub) / det;
        const double db = (iaa * ub - iab * ua) / det;
        a += da;
        b += db;
        if (std::abs(da) < 1e-10 && std::abs(db) < 1e-10) {
            converged = true;
            break;
        }
    }
    // A series with counts only at one end has no finite maximum (the slope runs off): no trend.
    if (!converged || !std::isfinite(b)) {
        return std::nullopt;
    }
    trend.slope = b;
    trend.pct_per_year = 100.0 * (std::exp(b * periods_per_year) - 1.0);
    return trend;
}

} // namespace migratlas::border
