// Products of the flows stage (docs/methods/flows-indicators.md, docs/formats.md): the OD table,
// per-unit balances, ranked corridors as lines, and the system-wide indicators. All internal:
// unsuppressed counts; they leave the workspace only through the disclosure stage.
#pragma once

#include "common/product.hpp"

namespace migratlas::products {

inline constexpr ColumnSpec flows_columns[] = {
    {"period", ColumnType::text, ColumnRole::key, "", "reference period: YYYY, YYYY-MM or the interval YYYY-MM/YYYY-MM"},
    {"flow_type", ColumnType::text, ColumnRole::key, "", "immigration, emigration, short_term, visitor (records) or the label of an OD table"},
    {"origin", ColumnType::text, ColumnRole::key, "", "unit code or ISO3 country code; unknown when not recorded", Margin::total},
    {"destination", ColumnType::text, ColumnRole::key, "", "unit code or ISO3 country code; unknown when not recorded", Margin::total},
    {"crossing_point", ColumnType::text, ColumnRole::key, "", "point_id of the crossing; _T when not a breakdown", Margin::total},
    {"sex", ColumnType::text, ColumnRole::key, "", "sex as recorded; _T when not a breakdown", Margin::total},
    {"age_group", ColumnType::text, ColumnRole::key, "", "0-17, 18-29, 30-44, 45-64, 65+, unknown; _T when not a breakdown", Margin::total},
    {"nationality", ColumnType::text, ColumnRole::key, "", "ISO3 nationality; _T when not a breakdown", Margin::total},
    {"origin_name", ColumnType::text, ColumnRole::attribute, "", "name of the origin"},
    {"destination_name", ColumnType::text, ColumnRole::attribute, "", "name of the destination"},
    {"origin_level", ColumnType::integer, ColumnRole::attribute, "", "MEGA level of the origin (1 for a country)"},
    {"destination_level", ColumnType::integer, ColumnRole::attribute, "", "MEGA level of the destination (1 for a country)"},
    {"persons", ColumnType::integer, ColumnRole::count, "persons", "persons (records: sum of monthly distinct persons; OD tables: the count)"},
    {"events", ColumnType::integer, ColumnRole::count, "events", "classified events (records only; NULL for OD tables)"},
    {"source", ColumnType::text, ColumnRole::attribute, "", "records, or the file name of the OD table"},
};
inline constexpr ProductSpec flows{"flows", Visibility::internal, GeometryKind::none, flows_columns,
    "origin-destination flows by period, type and breakdown", "migratlas flows --workspace"};

inline constexpr ColumnSpec unit_flows_columns[] = {
    {"period", ColumnType::text, ColumnRole::key, "", "reference period, as in flows"},
    {"flow_type", ColumnType::text, ColumnRole::key, "", "migration (immigration + emigration), short_term, visitor, or the OD label"},
    {"unit_code", ColumnType::text, ColumnRole::key, "", "unit or country code"},
    {"unit_name", ColumnType::text, ColumnRole::attribute, "", "name of the unit or country"},
    {"unit_level", ColumnType::integer, ColumnRole::attribute, "", "MEGA level (1 for a country)"},
    {"inflow", ColumnType::integer, ColumnRole::count, "persons", "persons arriving (flows with this destination)",
        Margin::none, "", "persons;destination=unit_code,flow_type=flow_type{migration:immigration+emigration}"},
    {"outflow", ColumnType::integer, ColumnRole::count, "persons", "persons leaving (flows with this origin)",
        Margin::none, "", "persons;origin=unit_code,flow_type=flow_type{migration:immigration+emigration}"},
    {"net", ColumnType::integer, ColumnRole::measure, "persons", "inflow - outflow"},
    {"gross", ColumnType::integer, ColumnRole::measure, "persons", "inflow + outflow (turnover)"},
    {"mei_pct", ColumnType::real, ColumnRole::measure, "percent", "migration effectiveness index 100 * net / gross; NULL when gross = 0"},
    {"population", ColumnType::real, ColumnRole::attribute, "persons", "residents (--population); NULL when unknown"},
    {"in_rate", ColumnType::real, ColumnRole::measure, "per 1000", "crude in-migration rate per 1,000 residents"},
    {"out_rate", ColumnType::real, ColumnRole::measure, "per 1000", "crude out-migration rate per 1,000 residents"},
    {"net_rate", ColumnType::real, ColumnRole::measure, "per 1000", "crude net migration rate per 1,000 residents"},
};
// unit_flows, corridors and flow_indicators count sums of flows cells (their margins): they are
// protected with flows as one family, or a published balance minus published flows would give a
// hidden flow away.
inline constexpr ProductSpec unit_flows{"unit_flows", Visibility::internal, GeometryKind::none, unit_flows_columns,
    "in, out, net, turnover, effectiveness and crude rates of every unit", "migratlas flows --workspace", "flows"};

inline constexpr ColumnSpec corridors_columns[] = {
    {"period", ColumnType::text, ColumnRole::key, "", "reference period, as in flows"},
    {"flow_type", ColumnType::text, ColumnRole::key, "", "as in flows"},
    {"origin", ColumnType::text, ColumnRole::key, "", "origin code"},
    {"destination", ColumnType::text, ColumnRole::key, "", "destination code"},
    {"crossing_point", ColumnType::text, ColumnRole::key, "", "point the corridor passes (--via-crossing); _T otherwise"},
    {"origin_name", ColumnType::text, ColumnRole::attribute, "", "name of the origin"},
    {"destination_name", ColumnType::text, ColumnRole::attribute, "", "name of the destination"},
    {"persons", ColumnType::integer, ColumnRole::count, "persons", "persons on the corridor (all breakdowns)"},
    {"events", ColumnType::integer, ColumnRole::count, "events", "events on the corridor; NULL for OD tables"},
    {"reverse_persons", ColumnType::integer, ColumnRole::count, "persons", "persons in the opposite direction (same period, same migration class)",
        Margin::none, "", "persons;origin=destination,destination=origin,crossing_point='_T',"
        "flow_type=flow_type{immigration:immigration+emigration emigration:immigration+emigration}"},
    {"net_persons", ColumnType::integer, ColumnRole::measure, "persons", "persons - reverse_persons"},
    {"rank", ColumnType::integer, ColumnRole::measure, "", "1 = largest corridor of its period and type"},
    {"share_pct", ColumnType::real, ColumnRole::measure, "percent", "share of all persons of its period and type"},
    {"cumulative_share_pct", ColumnType::real, ColumnRole::measure, "percent", "share of the corridors ranked up to this one"},
    {"rank_in_origin", ColumnType::integer, ColumnRole::measure, "", "1 = largest corridor leaving its origin"},
    {"length_km", ColumnType::real, ColumnRole::attribute, "km", "geodesic length of the drawn line; NULL without geometry"},
    {"shape", ColumnType::text, ColumnRole::attribute, "", "straight, great-circle or arc (and +via-crossing)"},
};
inline constexpr ProductSpec corridors{"corridors", Visibility::internal, GeometryKind::line, corridors_columns,
    "ranked origin-destination corridors as lines between representative points", "migratlas flows --workspace", "flows"};

inline constexpr ColumnSpec flow_indicators_columns[] = {
    {"period", ColumnType::text, ColumnRole::key, "", "reference period"},
    {"flow_type", ColumnType::text, ColumnRole::key, "", "migration class, as in unit_flows"},
    {"members", ColumnType::integer, ColumnRole::attribute, "", "units and countries of the system"},
    {"pairs", ColumnType::integer, ColumnRole::attribute, "", "possible origin-destination pairs"},
    {"nonzero_pairs", ColumnType::integer, ColumnRole::measure, "", "pairs with a flow"},
    {"total_flow", ColumnType::integer, ColumnRole::count, "persons", "M: all persons moving between distinct members",
        Margin::none, "", "persons;flow_type=flow_type{migration:immigration+emigration}"},
    {"population", ColumnType::real, ColumnRole::attribute, "persons", "P: residents of the members with a population"},
    {"cmi_pct", ColumnType::real, ColumnRole::measure, "percent", "crude migration intensity 100 M / P"},
    {"mei_pct", ColumnType::real, ColumnRole::measure, "percent", "aggregate migration effectiveness 100 sum|net| / sum gross"},
    {"anmr_pct", ColumnType::real, ColumnRole::measure, "percent", "aggregate net migration rate 100 (sum|net| / 2) / P"},
    {"connectivity", ColumnType::real, ColumnRole::measure, "", "nonzero_pairs / pairs"},
    {"gini", ColumnType::real, ColumnRole::measure, "", "Gini index of the flows over all pairs (Bell et al. 2002)"},
    {"inequality", ColumnType::real, ColumnRole::measure, "", "index of inequality against equal flows on every pair"},
};
inline constexpr ProductSpec flow_indicators{"flow_indicators", Visibility::internal, GeometryKind::none,
    flow_indicators_columns, "system-wide migration indicators of each flows period and type (Bell et al. 2002)",
    "migratlas flows --workspace", "flows"};

} // namespace migratlas::products
