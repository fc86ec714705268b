// Joins the classified record events (events_monthly) to MEGA units at level 2 or 3: by the declared
// residence_code, or, when none is declared, by the unit of the crossing point (counted as such).
// Every row ends joined or counted under a reason; flows builds record flows from the result.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "join/period.hpp"
#include "join/unit_catalog.hpp"
#include "records/string_pool.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::join {

/// The event types of RULES.md §6.2 (events_monthly.event_type).
enum class EventKind : std::uint8_t { immigrant_arrival, emigrant_departure, short_term, visitor, unresolved };
[[nodiscard]] std::optional<EventKind> parse_event_kind(std::string_view text);
[[nodiscard]] std::string_view to_string(EventKind kind);

enum class CrossingDirection : std::uint8_t { in, out, unknown };

/// Where an event was placed: the declared residence, or the crossing point's unit.
struct EventPlacement {
    JoinReason reason = JoinReason::joined;
    std::optional<std::size_t> unit;  ///< unit at the requested level when joined
    bool from_crossing_point = false; ///< no residence declared: the point's unit stands in
};

/// The rule, for one event: a declared residence is placed at `level` (finer codes roll up, coarser
/// ones and unknown codes are not joined); without one, the unit of the crossing point
/// (`point_unit`, the finest unit link located the point in; "unknown" when located nowhere) stands in.
[[nodiscard]] EventPlacement place_event(std::string_view residence_code, std::string_view point_unit, int level,
    const UnitCatalog& catalog);

/// One joined row of events_monthly; labels are ids in Outcome::labels.
struct JoinedEvent {
    MonthIndex month = 0;
    EventKind kind = EventKind::unresolved;
    CrossingDirection direction = CrossingDirection::unknown;
    std::uint32_t sex = 0;
    std::uint32_t age_group = 0;
    std::uint32_t nationality = 0;
    std::uint32_t crossing_point = 0;
    std::size_t unit = 0;  ///< UnitCatalog index at the requested level
    bool from_crossing_point = false;
    std::int64_t persons = 0;
    std::int64_t events = 0;
};

/// Rows, persons and events counted under one reason.
struct ReasonTally {
    std::uint64_t rows = 0;
    std::int64_t persons = 0;
    std::int64_t events = 0;
    void add(std::int64_t row_persons, std::int64_t row_events)
    {
        ++rows;
        persons += row_persons;
        events += row_events;
    }
};

struct Request {
    std::filesystem::path workspace;
    int level = 2;                     ///< MEGA level the events are joined at (2 or 3)
    std::optional<MonthRange> period;  ///< months kept; empty = all
};

struct Outcome {
    UnitCatalog catalog{std::vector<geo::UnitInfo>{}};
    std::vector<JoinedEvent> events;
    records::StringPool labels;
    ReasonTally read;                              ///< every row of events_monthly
    ReasonTally outside_period;                    ///< rows of months outside the period
    std::map<std::string, ReasonTally> by_reason;  ///< rows in the period: "joined" and each JoinReason
    ReasonTally from_crossing_point;               ///< joined rows placed at the crossing point's unit
    std::optional<MonthRange> months;              ///< months of the rows read; of the whole table when none is in the period
    bool has_residence = false;                    ///< some row declares a residence (NULL = not in the input)

    /// read = outside_period + Σ by_reason, in rows, persons and events (checked by run).
    [[nodiscard]] bool reconciles() const;
};

/// Reads events_monthly and units from the workspace and joins every row. Unjoined rows are rejects
/// in `diagnostics` (reason codes of JoinReason; --strict makes the first one fatal). Throws
/// InputError when the workspace has no units or no events_monthly (naming the command that makes it).
[[nodiscard]] Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::join
