// What is known about the crossings at one point (from linked records or from aggregate counts) and
// the indicators made of it: entries, exits, leading nationalities, sex ratio, share of children and
// of same-day returns, main transport mode, the series with its seasonal index and trend.
#pragma once

#include "border/series_indicators.hpp"
#include "join/period.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace migratlas::border {

enum class Granularity { month, year };

/// The dimensions a point's crossings may be broken down by (crossing_point_breakdown.dimension).
inline constexpr std::array<std::string_view, 6> breakdown_dimensions = {
    "nationality", "sex", "age_group", "same_day_return", "transport_mode", "purpose"};

struct PointTally {
    /// Crossings IN and OUT by period (first month of the month or year).
    std::map<join::MonthIndex, std::array<std::int64_t, 2>> series;
    std::int64_t entries = 0;
    std::int64_t exits = 0;
    /// Crossings by category, one map per entry of breakdown_dimensions.
    std::array<std::map<std::string, std::int64_t>, breakdown_dimensions.size()> by;

    void add(join::MonthIndex period, bool in, std::int64_t crossings);
    void add_category(std::size_t dimension, std::string_view category, std::int64_t crossings);
};

/// "M", "1", "male", "H" (hombre) count as men; "F", "2", "female", "W" as women (case-insensitive).
enum class SexClass { man, woman, other };
[[nodiscard]] SexClass classify_sex(std::string_view label);

struct PointIndicators {
    std::int64_t entries = 0, exits = 0;
    std::vector<std::pair<std::string, double>> leading_nationalities;  ///< up to 5, share in %
    std::optional<double> sex_ratio;                 ///< men per 100 women
    std::optional<double> children_share_pct;        ///< 0-17 among crossings of known age
    std::optional<double> same_day_return_share_pct; ///< "1" among "0" and "1"
    std::string main_mode;
    std::optional<double> main_mode_share_pct;
    std::size_t series_periods = 0;
    SeasonalIndex seasonal;
    std::optional<Trend> trend;
};

/// The series of `tally` over `range` (zeros where it has none) in steps of a month or a year.
[[nodiscard]] std::vector<double> series_values(const PointTally& tally, const join::MonthRange& range, Granularity granularity);

[[nodiscard]] PointIndicators point_indicators(const PointTally& tally, const join::MonthRange& range, Granularity granularity);

/// Categories of one dimension ranked by crossings (ties by name), with shares in %.
struct RankedCategory {
    std::string category;
    std::int64_t crossings = 0;
    double share_pct = 0;
};
[[nodiscard]] std::vector<RankedCategory> ranked(const std::map<std::string, std::int64_t>& counts);

} // namespace migratlas::border
