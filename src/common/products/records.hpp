// Products of the records stage: classified events and crossings tabulated by month, and the
// crossing points located in units (see docs/formats.md). All internal: unsuppressed counts.
#pragma once

#include "common/product.hpp"

namespace migratlas::products {

inline constexpr ColumnSpec events_monthly_columns[] = {
    {"month", ColumnType::text, ColumnRole::key, "", "YYYY-MM of the event at the reference offset"},
    {"event_type", ColumnType::text, ColumnRole::key, "", "immigrant_arrival, emigrant_departure, short_term, visitor, unresolved"},
    {"sex", ColumnType::text, ColumnRole::key, "", "sex as recorded"},
    {"age_group", ColumnType::text, ColumnRole::key, "", "age at the crossing: 0-17, 18-29, 30-44, 45-64, 65+, unknown"},
    {"nationality", ColumnType::text, ColumnRole::key, "", "ISO3 nationality"},
    {"crossing_point", ColumnType::text, ColumnRole::key, "", "point_id of the crossing"},
    {"unit_code", ColumnType::text, ColumnRole::key, "", "finest unit of the crossing point; unknown when not located"},
    {"residence_code", ColumnType::text, ColumnRole::key, "", "declared residence unit; empty when not declared"},
    {"persons", ColumnType::integer, ColumnRole::count, "persons", "distinct persons with such an event"},
    {"events", ColumnType::integer, ColumnRole::count, "events", "events"},
};
inline constexpr ProductSpec events_monthly{"events_monthly", Visibility::internal, GeometryKind::none,
    events_monthly_columns, "classified events (12/16 rule) by month and breakdown", "migratlas link --workspace"};

inline constexpr ColumnSpec crossings_monthly_columns[] = {
    {"month", ColumnType::text, ColumnRole::key, "", "YYYY-MM of the crossing at the reference offset"},
    {"crossing_point", ColumnType::text, ColumnRole::key, "", "point_id"},
    {"direction", ColumnType::text, ColumnRole::key, "", "IN or OUT"},
    {"nationality", ColumnType::text, ColumnRole::key, "", "ISO3 nationality"},
    {"crossings", ColumnType::integer, ColumnRole::count, "crossings", "kept crossings (duplicates removed)"},
};
inline constexpr ProductSpec crossings_monthly{"crossings_monthly", Visibility::internal, GeometryKind::none,
    crossings_monthly_columns, "kept crossings by month, point, direction and nationality", "migratlas link --workspace"};

inline constexpr ColumnSpec crossing_points_columns[] = {
    {"point_id", ColumnType::text, ColumnRole::key, "", "crossing point code"},
    {"name", ColumnType::text, ColumnRole::attribute, "", "name of the crossing point"},
    {"lon", ColumnType::real, ColumnRole::attribute, "degree", "longitude (EPSG:4326)"},
    {"lat", ColumnType::real, ColumnRole::attribute, "degree", "latitude (EPSG:4326)"},
    {"country_iso3", ColumnType::text, ColumnRole::attribute, "", "country that reports the point"},
    {"border_with_iso3", ColumnType::text, ColumnRole::attribute, "", "country across the border; empty at airports"},
    {"unit_level2", ColumnType::text, ColumnRole::attribute, "", "level-2 unit of the point; unknown when none"},
    {"distance_level2_km", ColumnType::real, ColumnRole::attribute, "km", "0 inside; snapping distance otherwise"},
    {"unit_level3", ColumnType::text, ColumnRole::attribute, "", "level-3 unit of the point; unknown when none"},
    {"distance_level3_km", ColumnType::real, ColumnRole::attribute, "km", "0 inside; snapping distance otherwise"},
    {"in_own_country", ColumnType::integer, ColumnRole::attribute, "", "1 when located in a unit of country_iso3"},
    {"crossings", ColumnType::integer, ColumnRole::count, "crossings", "kept crossings at the point"},
};
inline constexpr ProductSpec crossing_points{"crossing_points", Visibility::internal, GeometryKind::none,
    crossing_points_columns, "crossing points located in level-2 and level-3 units", "migratlas link --points --workspace"};

} // namespace migratlas::products
