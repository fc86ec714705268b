#include "flows/record_flows.hpp"

#include "common/error.hpp"

#include <functional>

namespace migratlas::flows {

OriginBy parse_origin_by(std::string_view text)
{
    if (text == "nationality") {
        return OriginBy::nationality;
    }
    if (text == "crossing") {
        return OriginBy::crossing;
    }
    throw SettingError("origin_by", "must be nationality or crossing, got '" + std::string(text) + "'");
}

std::string_view flow_type_of(join::EventKind kind)
{
    switch (kind) {
    case join::EventKind::immigrant_arrival: return "immigration";
    case join::EventKind::emigrant_departure: return "emigration";
    case join::EventKind::short_term: return "short_term";
    case join::EventKind::visitor: return "visitor";
    case join::EventKind::unresolved: return "unresolved";
    }
    return "unresolved";
}

std::optional<FlowEnds> record_flow_ends(join::EventKind kind, join::CrossingDirection direction,
    std::string_view country, const PointSides* point, std::string_view unit_code, OriginBy origin_by)
{
    if (kind == join::EventKind::unresolved || direction == join::CrossingDirection::unknown) {
        return std::nullopt;
    }
    const bool land = point != nullptr && !point->border_with_iso3.empty();
    const std::string across = land ? point->border_with_iso3 : std::string(unknown_code);
    if (direction == join::CrossingDirection::in) {
        // At an airport the country across is unknown: the nationality stands in.
        const std::string origin = origin_by == OriginBy::crossing && land ? across : std::string(country);
        return FlowEnds{flow_type_of(kind), origin, std::string(unit_code)};
    }
    return FlowEnds{flow_type_of(kind), std::string(unit_code), across};
}

void add_record_flows(const join::Outcome& joined, const PointLookup& points, OriginBy origin_by, const Breakdown& by,
    std::string_view period_label, const std::function<bool(std::string_view)>& is_country, FlowTable& table,
    RecordFlowTally& tally)
{
    const auto& units = joined.catalog.units();
    for (const join::JoinedEvent& event : joined.events) {
        const std::string_view point_id = joined.labels.value(event.crossing_point);
        const std::string_view nationality = joined.labels.value(event.nationality);
        const bool known_country = is_country(nationality);
        const auto point = points.find(point_id);
        const auto ends = record_flow_ends(event.kind, event.direction, known_country ? nationality : unknown_code,
            point == points.end() ? nullptr : &point->second, units[event.unit].code, origin_by);
        if (!ends) {
            (event.kind == join::EventKind::unresolved ? tally.unresolved : tally.no_direction)
                .add(event.persons, event.events);
            continue;
        }
        tally.in_flows[std::string(ends->flow_type)].add(event.persons, event.events);
        if (!known_country) {
            tally.unknown_nationality.add(event.persons, event.events);
        }
        table.add(period_label, ends->flow_type, ends->origin, ends->destination, by.crossing_point ? point_id : total_code,
            by.sex ? joined.labels.value(event.sex) : total_code, by.age_group ? joined.labels.value(event.age_group) : total_code,
            by.nationality ? (known_country ? nationality : unknown_code) : total_code, "records", event.persons,
            event.events);
    }
}

} // namespace migratlas::flows
