// The 12/16 outcome rule for one person's valid crossings (RULES.md §3–6): ordering, exact and
// near-duplicates, presence in nights, the follow-up window, residence status and labels.
#pragma once

#include "records/rule_parameters.hpp"

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace migratlas::records {

enum class Direction : std::uint8_t { in = 0, out = 1 };  ///< IN sorts before OUT (RULES.md §3.1)

enum class EventType : std::uint8_t { immigrant_arrival, emigrant_departure, short_term, visitor, unresolved };
inline constexpr int event_type_count = 5;

enum class DuplicateReason : std::uint8_t { exact_duplicate, near_duplicate };

enum class Outcome : std::uint8_t { long_stay, short_stay, open };
enum class ResidenceStatus : std::uint8_t { resident, nonresident, unknown };

[[nodiscard]] std::string_view to_string(Direction direction);
[[nodiscard]] std::string_view to_string(EventType type);
[[nodiscard]] std::string_view to_string(DuplicateReason reason);

inline constexpr std::int32_t unknown_date = std::numeric_limits<std::int32_t>::min();

/// One valid row of a person. The strings are only read for tie-breaking (byte order).
struct PersonCrossing {
    std::int64_t instant = 0;      ///< UTC seconds
    std::uint64_t line = 0;        ///< CSV record number, final tie-break
    std::int32_t date = 0;         ///< reference date (day number at reference_utc_offset)
    std::int32_t birth_date = unknown_date;
    Direction direction = Direction::in;
    std::uint32_t source = 0;      ///< caller's index, returned in the results
    std::string_view crossing_point;
    std::string_view nationality;
    std::string_view sex;
    std::string_view birth_date_text;
};

struct ClassifiedEvent {
    std::uint32_t source = 0;
    EventType type = EventType::unresolved;
    std::int32_t days_in_window = 0;
};

struct DuplicateCrossing {
    std::uint32_t source = 0;
    DuplicateReason reason = DuplicateReason::exact_duplicate;
};

/// Test outcome of a window (RULES.md §5).
[[nodiscard]] Outcome window_outcome(std::int32_t side_days, std::int32_t remaining, int min_days);

/// Label and status after a crossing (RULES.md §6.2 table).
struct Transition {
    EventType type;
    ResidenceStatus after;
};
[[nodiscard]] Transition label_crossing(ResidenceStatus before, Direction direction, Outcome outcome);

/// Reusable per thread: keeps scratch buffers between persons so that 20 M rows allocate little.
class PersonClassifier {
public:
    explicit PersonClassifier(const RuleParameters& params) : m_params(params) {}

    /// Sorts `crossings` in the rule's order, then appends one event per kept crossing (in kept,
    /// i.e. chronological, order) and one entry per dropped duplicate.
    void classify(std::span<PersonCrossing> crossings, std::vector<ClassifiedEvent>& events,
        std::vector<DuplicateCrossing>& duplicates);

private:
    struct Kept {
        std::int32_t date;
        Direction direction;
        std::uint32_t source;
        std::int32_t birth_date;
    };
    void keep_or_drop(const PersonCrossing& crossing, std::vector<DuplicateCrossing>& duplicates);
    [[nodiscard]] std::int64_t present_days_before(std::int32_t day) const;

    RuleParameters m_params;
    std::vector<Kept> m_kept;
    std::vector<std::int32_t> m_segment_start;  ///< first date of each end-of-day state segment
    std::vector<bool> m_segment_present;
    std::vector<std::int64_t> m_present_before;  ///< present days from the first date to the segment start
};

} // namespace migratlas::records
