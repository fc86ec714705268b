// Flows from the classified records: which country and which unit each event joins. An immigrant
// arrival goes from a country (its nationality, or the country across the crossing point) to its
// residence unit; an emigrant departure from the residence unit to the country across the border
// ("unknown" at airports). Short-term trips and visits are flows of their own type, not migration.
#pragma once

#include "flows/flow_table.hpp"
#include "join/event_join.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace migratlas::flows {

enum class OriginBy { nationality, crossing };
/// "nationality" or "crossing"; throws SettingError("origin_by", ...) otherwise.
[[nodiscard]] OriginBy parse_origin_by(std::string_view text);

/// What flows needs of a crossing point (the workspace's crossing_points table).
struct PointSides {
    std::string country_iso3;
    std::string border_with_iso3;  ///< empty at airports
    double lon = 0;
    double lat = 0;
};
using PointLookup = std::map<std::string, PointSides, std::less<>>;

struct FlowEnds {
    std::string_view flow_type;
    std::string origin;
    std::string destination;
};

/// The flow an event belongs to; nullopt for `unresolved` events (not final, RULES.md §8) and for
/// short-term trips and visits whose direction the table does not give. `country` is the
/// nationality already checked (unknown when not a country code); `point` is null when the crossing
/// point is not in the points table.
[[nodiscard]] std::optional<FlowEnds> record_flow_ends(join::EventKind kind, join::CrossingDirection direction,
    std::string_view country, const PointSides* point, std::string_view unit_code, OriginBy origin_by);

/// The flow type name of an event kind: immigration, emigration, short_term, visitor.
[[nodiscard]] std::string_view flow_type_of(join::EventKind kind);

/// What became of the joined events (in events and persons), for the reconciliation.
struct RecordFlowTally {
    std::map<std::string, join::ReasonTally> in_flows;  ///< by flow type
    join::ReasonTally unresolved;                        ///< not final: no flow (RULES.md §8)
    join::ReasonTally no_direction;                      ///< short-term/visitor without a direction
    join::ReasonTally unknown_nationality;               ///< in flows, with origin "unknown"
};

/// Adds every joined event to `table` under `period_label`, keyed by the requested breakdown.
/// `is_country(code)` says whether a nationality is a country code (ISO3 or a level-1 unit).
void add_record_flows(const join::Outcome& joined, const PointLookup& points, OriginBy origin_by, const Breakdown& by,
    std::string_view period_label, const std::function<bool(std::string_view)>& is_country, FlowTable& table,
    RecordFlowTally& tally);

} // namespace migratlas::flows
