#include "border/point_tally.hpp"

#include <algorithm>
#include <cctype>

namespace migratlas::border {

void PointTally::add(join::MonthIndex period, bool in, std::int64_t crossings)
{
    series[period][in ? 0 : 1] += crossings;
    (in ? entries : exits) += crossings;
}

void PointTally::add_category(std::size_t dimension, std::string_view category, std::int64_t crossings)
{
    auto& counts = by[dimension];
    const auto it = counts.find(std::string(category));
    if (it == counts.end()) {
        counts.emplace(std::string(category), crossings);
    } else {
        it->second += crossings;
    }
}

SexClass classify_sex(std::string_view label)
{
    std::string lower;
    for (const char c : label) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (lower == "m" || lower == "1" || lower == "male" || lower == "h" || lower == "man" || lower == "men") {
        return SexClass::man;
    }
    if (lower == "f" || lower == "2" || lower == "female" || lower == "w" || lower == "woman" || lower == "women") {
        return SexClass::woman;
    }
    return SexClass::other;
}

std::vector<RankedCategory> ranked(const std::map<std::string, std::int64_t>& counts)
{
    std::vector<RankedCategory> list;
    std::int64_t total = 0;
    for (const auto& [category, n] : counts) {
        list.push_back({category, n, 0});
        total += n;
    }
    std::stable_sort(list.begin(), list.end(), [](const RankedCategory& a, const RankedCategory& b) { return a.crossings > b.crossings; });
    for (RankedCategory& c : list) {
        c.share_pct = total > 0 ? 100.0 * static_cast<double>(c.crossings) / static_cast<double>(total) : 0.0;
    }
    return list;
}

std::vector<double> series_values(const PointTally& tally, const join::MonthRange& range, Granularity granularity)
{
    const int step = granularity == Granularity::month ? 1 : 12;
    std::vector<double> values;
    for (join::MonthIndex m = range.first; m <= range.last; m += step) {
        const auto it = tally.series.find(m);
        values.push_back(it == tally.series.end() ? 0.0 : static_cast<double>(it->second[0] + it->second[1]));
    }
    return values;
}

PointIndicators point_indicators(const PointTally& tally, const join::MonthRange& range, Granularity granularity)
{
    PointIndicators p;
    p.entries = tally.entries;
    p.exits = tally.exits;
    const auto nationalities = ranked(tally.by[0]);
    for (std::size_t i = 0; i < nationalities.size() && i < 5; ++i) {
        p.leading_nationalities.emplace_back(nationalities[i].category, nationalities[i].share_pct);
    }
    double men = 0, women = 0;
    for (const auto& [label, n] : tally.by[1]) {
        const SexClass s = classify_sex(label);
        if (s == SexClass::man) {
            men += static_cast<double>(n);
        } else if (s == SexClass::woman) {
            women += static_cast<double>(n);
        }
    }
    p.sex_ratio = women > 0 ? std::optional<double>(100.0 * men / women) : std::nullopt;
    double children = 0, known_age = 0;
    for (const auto& [label, n] : tally.by[2]) {
        if (label == "unknown" || label.empty()) {
            continue;
        }
        known_age += static_cast<double>(n);
        if (label == "0-17") {
            children += static_cast<double>(n);
        }
    }
    if (known_age > 0) {
        p.children_share_pct = 100.0 * children / known_age;
    }
    const auto& same_day = tally.by[3];
    const double yes = same_day.count("1") ? static_cast<double>(same_day.at("1")) : 0.0;
    const double no = same_day.count("0") ? static_cast<double>(same_day.at("0")) : 0.0;
    if (yes + no > 0) {
        p.same_day_return_share_pct = 100.0 * yes / (yes + no);
    }
    const auto modes = ranked(tally.by[4]);
    if (!modes.empty()) {
        p.main_mode = modes.front().category;
        p.main_mode_share_pct = modes.front().share_pct;
    }
    const std::vector<double> values = series_values(tally, range, granularity);
    p.series_periods = values.size();
    if (granularity == Granularity::month) {
        p.seasonal = seasonal_index(values, join::calendar_month_of(range.first));
        p.trend = poisson_trend(values, 12.0, join::calendar_month_of(range.first));
    } else {
        p.seasonal.status = "yearly series: no seasonal index";
        p.trend = poisson_trend(values, 1.0);
    }
    return p;
}

} // namespace migratlas::border
