// Monthly tabulations of classified crossings for the workspace: events_monthly (distinct persons and
// events per cell) and crossings_monthly (kept crossings per point, direction and nationality).
#pragma once

#include "common/table.hpp"
#include "records/person_classifier.hpp"
#include "records/string_pool.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace migratlas::records {

/// Age at the crossing in full years; children are reported on their own (issue 4).
enum class AgeGroup : std::uint8_t { age_0_17, age_18_29, age_30_44, age_45_64, age_65_plus, unknown };

[[nodiscard]] AgeGroup age_group(std::int32_t birth_date, std::int32_t crossing_date);
[[nodiscard]] std::string_view to_string(AgeGroup group);

/// Month index (year * 12 + month - 1) of a day number, and its `YYYY-MM` text.
[[nodiscard]] std::int32_t month_index(std::int32_t day_number);
[[nodiscard]] std::string format_month(std::int32_t month_index);

struct EventCell {
    std::int32_t month = 0;
    std::uint32_t sex = 0;            ///< ids in the label pool
    std::uint32_t nationality = 0;
    std::uint32_t crossing_point = 0;
    std::uint32_t residence = 0;
    EventType type = EventType::unresolved;
    AgeGroup age = AgeGroup::unknown;
    Direction direction = Direction::in;

    bool operator==(const EventCell&) const = default;
    auto operator<=>(const EventCell&) const = default;
};

/// A kept crossing in the detailed tabulation (crossings_detail, issue 8): what border indicators
/// break a point's crossings down by.
struct DetailCell {
    std::int32_t month = 0;
    std::uint32_t crossing_point = 0;
    std::uint32_t nationality = 0;
    std::uint32_t sex = 0;
    std::uint16_t travel = 0;  ///< transport mode and purpose, an id of the linker's travel pool
    AgeGroup age = AgeGroup::unknown;
    Direction direction = Direction::in;
    bool same_day_return = false;

    bool operator==(const DetailCell&) const = default;
};

struct DetailCellHash {
    std::size_t operator()(const DetailCell& c) const;
};

/// Transport mode and purpose of a crossing, as label ids (the pair a travel id stands for).
struct Travel {
    std::uint32_t mode = 0;
    std::uint32_t purpose = 0;
};

struct CrossingCell {
    std::int32_t month = 0;
    std::uint32_t crossing_point = 0;
    std::uint32_t nationality = 0;
    Direction direction = Direction::in;

    bool operator==(const CrossingCell&) const = default;
};

struct EventCellHash {
    std::size_t operator()(const EventCell& c) const;
};
struct CrossingCellHash {
    std::size_t operator()(const CrossingCell& c) const;
};

/// Per-thread accumulator; merged at the end. Persons are counted per cell once per person, which
/// is exact because all of a person's events are added in one call.
class MonthlyCounts {
public:
    /// The cells of one person's events (one entry per event; duplicates allowed).
    void add_person(std::span<const EventCell> cells);
    void add_crossing(const CrossingCell& cell);
    void add_detail(const DetailCell& cell);
    void merge(const MonthlyCounts& other);

    /// `unit_of(point_id)` gives the unit code of a crossing point ("unknown" when not located).
    [[nodiscard]] Table events_table(const StringPool& labels,
        const std::function<std::string(std::string_view)>& unit_of, bool with_residence) const;
    [[nodiscard]] Table crossings_table(const StringPool& labels) const;
    /// crossings_detail; mode and purpose are NULL when the input has no such column.
    [[nodiscard]] Table detail_table(const StringPool& labels, const std::vector<Travel>& travels, bool has_mode,
        bool has_purpose) const;
    /// Kept crossings in each tabulation (both equal the events: one event per kept crossing).
    [[nodiscard]] std::int64_t crossings_total() const;
    [[nodiscard]] std::int64_t detail_total() const;
    /// Kept crossings per crossing_point code.
    [[nodiscard]] std::map<std::string, std::int64_t, std::less<>> crossings_by_point(const StringPool& labels) const;

private:
    struct Counts {
        std::int64_t persons = 0;
        std::int64_t events = 0;
    };
    std::unordered_map<EventCell, Counts, EventCellHash> m_events;
    std::unordered_map<CrossingCell, std::int64_t, CrossingCellHash> m_crossings;
    std::unordered_map<DetailCell, std::int64_t, DetailCellHash> m_details;
    std::vector<EventCell> m_scratch;
};

} // namespace migratlas::records
