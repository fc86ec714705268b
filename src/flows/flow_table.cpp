#include "flows/flow_table.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <tuple>

namespace migratlas::flows {

Breakdown parse_breakdown(std::string_view text)
{
    Breakdown by;
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
        const std::size_t comma = text.find(',', start);
        const std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (item == "sex") {
            by.sex = true;
        } else if (item == "age_group") {
            by.age_group = true;
        } else if (item == "nationality") {
            by.nationality = true;
        } else if (item == "crossing_point") {
            by.crossing_point = true;
        } else {
            throw SettingError("by", "'" + std::string(item) +
                "' is not a breakdown; use a comma-separated subset of sex, age_group, nationality, crossing_point");
        }
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return by;
}

std::size_t FlowKeyHash::operator()(const FlowKey& k) const
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const std::uint32_t v : {k.period, k.flow_type, k.origin, k.destination, k.crossing_point, k.sex, k.age_group, k.nationality}) {
        h = (h ^ v) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    return static_cast<std::size_t>(h);
}

void FlowTable::add(std::string_view period, std::string_view flow_type, std::string_view origin,
    std::string_view destination, std::string_view crossing_point, std::string_view sex, std::string_view age_group,
    std::string_view nationality, std::string_view source, std::int64_t persons, std::optional<std::int64_t> events)
{
    const FlowKey key{m_labels.intern(period), m_labels.intern(flow_type), m_labels.intern(origin),
        m_labels.intern(destination), m_labels.intern(crossing_point), m_labels.intern(sex), m_labels.intern(age_group),
        m_labels.intern(nationality)};
    auto [it, inserted] = m_flows.try_emplace(key);
    Entry& entry = it->second;
    if (inserted) {
        entry.source = m_labels.intern(source);
    }
    entry.counts.persons += persons;
    if (events) {
        entry.counts.events = entry.counts.events.value_or(0) + *events;
    }
}

std::vector<FlowRow> FlowTable::rows() const
{
    std::vector<FlowRow> rows;
    rows.reserve(m_flows.size());
    for (const auto& [key, entry] : m_flows) {
        rows.push_back({m_labels.value(key.period), m_labels.value(key.flow_type), m_labels.value(key.origin),
            m_labels.value(key.destination), m_labels.value(key.crossing_point), m_labels.value(key.sex),
            m_labels.value(key.age_group), m_labels.value(key.nationality), m_labels.value(entry.source), entry.counts});
    }
    std::sort(rows.begin(), rows.end(), [](const FlowRow& a, const FlowRow& b) {
        return std::tie(a.period, a.flow_type, a.origin, a.destination, a.crossing_point, a.sex, a.age_group, a.nationality) <
            std::tie(b.period, b.flow_type, b.origin, b.destination, b.crossing_point, b.sex, b.age_group, b.nationality);
    });
    return rows;
}

std::int64_t FlowTable::total_persons() const
{
    std::int64_t total = 0;
    for (const auto& [key, entry] : m_flows) {
        total += entry.counts.persons;
    }
    return total;
}

} // namespace migratlas::flows
