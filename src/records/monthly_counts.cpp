#include "records/monthly_counts.hpp"

#include "common/products/records.hpp"

#include "common/civil_date.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace migratlas::records {

namespace {

std::size_t mix(std::size_t seed, std::uint64_t value)
{
    value *= 0x9E3779B97F4A7C15ULL;
    return seed ^ (static_cast<std::size_t>(value ^ (value >> 29)) + 0x7F4A7C15U + (seed << 6) + (seed >> 2));
}

} // namespace

AgeGroup age_group(std::int32_t birth_date, std::int32_t crossing_date)
{
    if (birth_date == unknown_date || birth_date > crossing_date) {
        return AgeGroup::unknown;
    }
    const CivilDate birth = civil_from_days(birth_date);
    const CivilDate on = civil_from_days(crossing_date);
    int years = on.year - birth.year;
    if (std::tie(on.month, on.day) < std::tie(birth.month, birth.day)) {
        --years;
    }
    if (years < 18) {
        return AgeGroup::age_0_17;
    }
    if (years < 30) {
        return AgeGroup::age_18_29;
    }
    if (years < 45) {
        return AgeGroup::age_30_44;
    }
    if (years < 65) {
        return AgeGroup::age_45_64;
    }
    return AgeGroup::age_65_plus;
}

std::string_view to_string(AgeGroup group)
{
    switch (group) {
    case AgeGroup::age_0_17: return "0-17";
    case AgeGroup::age_18_29: return "18-29";
    case AgeGroup::age_30_44: return "30-44";
    case AgeGroup::age_45_64: return "45-64";
    case AgeGroup::age_65_plus: return "65+";
    case AgeGroup::unknown: return "unknown";
    }
    return "unknown";
}

std::int32_t month_index(std::int32_t day_number)
{
    const CivilDate d = civil_from_days(day_number);
    return d.year * 12 + d.month - 1;
}

std::string format_month(std::int32_t month)
{
    return format_iso_date(days_from_civil(CivilDate{month / 12, month % 12 + 1, 1})).substr(0, 7);
}

std::size_t EventCellHash::operator()(const EventCell& c) const
{
    std::size_t h = mix(0, static_cast<std::uint32_t>(c.month));
    h = mix(h, c.sex);
    h = mix(h, c.nationality);
    h = mix(h, c.crossing_point);
    h = mix(h, c.residence);
    return mix(h, static_cast<std::uint64_t>(c.type) << 8 | static_cast<std::uint64_t>(c.age));
}

std::size_t CrossingCellHash::operator()(const CrossingCell& c) const
{
    std::size_t h = mix(0, static_cast<std::uint32_t>(c.month));
    h = mix(h, c.crossing_point);
    h = mix(h, c.nationality);
    return mix(h, static_cast<std::uint64_t>(c.direction));
}

void MonthlyCounts::add_person(std::span<const EventCell> cells)
{
    m_scratch.assign(cells.begin(), cells.end());
    std::sort(m_scratch.begin(), m_scratch.end());
    for (std::size_t i = 0; i < m_scratch.size(); ++i) {
        Counts& counts = m_events[m_scratch[i]];
        ++counts.events;
        if (i == 0 || !(m_scratch[i] == m_scratch[i - 1])) {
            ++counts.persons;
        }
    }
}

void MonthlyCounts::add_crossing(const CrossingCell& cell)
{
    ++m_crossings[cell];
}

void MonthlyCounts::merge(const MonthlyCounts& other)
{
    for (const auto& [cell, counts] : other.m_events) {
        Counts& mine = m_events[cell];
        mine.persons += counts.persons;
        mine.events += counts.events;
    }
    for (const auto& [cell, n] : other.m_crossings) {
        m_crossings[cell] += n;
    }
}

Table MonthlyCounts::events_table(const StringPool& labels,
    const std::function<std::string(std::string_view)>& unit_of, bool with_residence) const
{
    Table table = products::events_monthly.make_table();
    // Deterministic order: by the text of each key column, so reruns give identical tables.
    using Key = std::tuple<std::string, std::string_view, std::string_view, std::string_view, std::string_view,
        std::string_view, std::string_view>;
    std::map<Key, Counts> sorted;
    for (const auto& [cell, counts] : m_events) {
        Key key{format_month(cell.month), to_string(cell.type), labels.value(cell.sex), to_string(cell.age),
            labels.value(cell.nationality), labels.value(cell.crossing_point),
            with_residence ? labels.value(cell.residence) : std::string_view{}};
        Counts& total = sorted[key];
        total.persons += counts.persons;
        total.events += counts.events;
    }
    std::map<std::string_view, std::string> unit_cache;
    for (const auto& [key, counts] : sorted) {
        const std::string_view point = std::get<5>(key);
        auto it = unit_cache.find(point);
        if (it == unit_cache.end()) {
            it = unit_cache.emplace(point, unit_of(point)).first;
        }
        std::vector<TableValue> row = {std::get<0>(key), std::string(std::get<1>(key)), std::string(std::get<2>(key)),
            std::string(std::get<3>(key)), std::string(std::get<4>(key)), std::string(point), it->second};
        // Without a residence_code column in the input, residence is missing (NULL), not empty.
        row.emplace_back(with_residence ? TableValue{std::string(std::get<6>(key))} : TableValue{});
        row.emplace_back(counts.persons);
        row.emplace_back(counts.events);
        table.rows.push_back(std::move(row));
    }
    return table;
}

Table MonthlyCounts::crossings_table(const StringPool& labels) const
{
    Table table = products::crossings_monthly.make_table();
    using Key = std::tuple<std::string, std::string_view, std::string_view, std::string_view>;
    std::map<Key, std::int64_t> sorted;
    for (const auto& [cell, n] : m_crossings) {
        sorted[Key{format_month(cell.month), labels.value(cell.crossing_point), to_string(cell.direction),
            labels.value(cell.nationality)}] += n;
    }
    for (const auto& [key, n] : sorted) {
        table.rows.push_back({std::get<0>(key), std::string(std::get<1>(key)), std::string(std::get<2>(key)),
            std::string(std::get<3>(key)), n});
    }
    return table;
}

std::map<std::string, std::int64_t, std::less<>> MonthlyCounts::crossings_by_point(const StringPool& labels) const
{
    std::map<std::string, std::int64_t, std::less<>> totals;
    for (const auto& [cell, n] : m_crossings) {
        const std::string_view point = labels.value(cell.crossing_point);
        auto it = totals.find(point);
        if (it == totals.end()) {
            it = totals.emplace(std::string(point), 0).first;
        }
        it->second += n;
    }
    return totals;
}

} // namespace migratlas::records
