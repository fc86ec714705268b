// The origin-destination table in memory: flows keyed by period, type, ends and breakdown, with
// persons and events. Record flows and external OD tables both fill one; the products are made from it.
#pragma once

#include "records/string_pool.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace migratlas::flows {

/// The code of a breakdown that is not requested (SDMX's code for a total).
inline constexpr std::string_view total_code = "_T";
/// The code of an end that the records do not give (an exit at an airport).
inline constexpr std::string_view unknown_code = "unknown";

/// Breakdown dimensions a flows table may be keyed by.
struct Breakdown {
    bool sex = false;
    bool age_group = false;
    bool nationality = false;
    bool crossing_point = false;
};
/// "sex,age_group,nationality,crossing_point" in any order and subset; throws SettingError("by", ...).
[[nodiscard]] Breakdown parse_breakdown(std::string_view text);

struct FlowKey {
    std::uint32_t period = 0;
    std::uint32_t flow_type = 0;
    std::uint32_t origin = 0;
    std::uint32_t destination = 0;
    std::uint32_t crossing_point = 0;
    std::uint32_t sex = 0;
    std::uint32_t age_group = 0;
    std::uint32_t nationality = 0;
    bool operator==(const FlowKey&) const = default;
};
struct FlowKeyHash {
    std::size_t operator()(const FlowKey& key) const;
};

struct FlowCounts {
    std::int64_t persons = 0;
    std::optional<std::int64_t> events;  ///< none for OD tables
};

/// One flow with its labels as text, for the product builders.
struct FlowRow {
    std::string_view period, flow_type, origin, destination, crossing_point, sex, age_group, nationality, source;
    FlowCounts counts;
};

class FlowTable {
public:
    /// Adds to the flow of these labels (created on first sight).
    void add(std::string_view period, std::string_view flow_type, std::string_view origin, std::string_view destination,
        std::string_view crossing_point, std::string_view sex, std::string_view age_group, std::string_view nationality,
        std::string_view source, std::int64_t persons, std::optional<std::int64_t> events);

    /// Every flow, sorted by period, type, origin, destination, point, sex, age group, nationality (as text).
    [[nodiscard]] std::vector<FlowRow> rows() const;
    [[nodiscard]] std::size_t size() const { return m_flows.size(); }
    [[nodiscard]] std::int64_t total_persons() const;

private:
    struct Entry {
        FlowCounts counts;
        std::uint32_t source = 0;
    };
    records::StringPool m_labels;
    std::unordered_map<FlowKey, Entry, FlowKeyHash> m_flows;
};

} // namespace migratlas::flows
