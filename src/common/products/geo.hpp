// Products of the geo stage: the MEGA units and their neighbour pairs (see docs/formats.md).
#pragma once

#include "common/product.hpp"

namespace migratlas::products {

inline constexpr ColumnSpec units_columns[] = {
    {"code", ColumnType::text, ColumnRole::key, "", "MEGA code of the unit"},
    {"name", ColumnType::text, ColumnRole::attribute, "", "name of the unit"},
    {"level", ColumnType::integer, ColumnRole::attribute, "", "MEGA level: 1 country, 2 first subnational, 3 next"},
    {"parent_code", ColumnType::text, ColumnRole::attribute, "", "code of the level n-1 unit; empty at level 1"},
    {"area_km2", ColumnType::real, ColumnRole::attribute, "km2", "ellipsoidal area (equal-area projection)"},
    {"rep_lon", ColumnType::real, ColumnRole::attribute, "degree", "longitude of a point inside the unit"},
    {"rep_lat", ColumnType::real, ColumnRole::attribute, "degree", "latitude of a point inside the unit"},
    {"source", ColumnType::text, ColumnRole::attribute, "", "the source the unit was imported from"},
};
inline constexpr ProductSpec units{"units", Visibility::publishable, GeometryKind::polygon, units_columns,
    "MEGA units of every level, valid MultiPolygons in EPSG:4326", "migratlas geo import"};

inline constexpr ColumnSpec unit_neighbours_columns[] = {
    {"code_a", ColumnType::text, ColumnRole::key, "", "code of one unit (code_a < code_b)"},
    {"code_b", ColumnType::text, ColumnRole::key, "", "code of the other unit"},
    {"level", ColumnType::integer, ColumnRole::attribute, "", "level of both units"},
    {"shared_border_km", ColumnType::real, ColumnRole::attribute, "km", "geodesic length of the shared border"},
};
inline constexpr ProductSpec unit_neighbours{"unit_neighbours", Visibility::publishable, GeometryKind::none,
    unit_neighbours_columns, "pairs of same-level units that share a border", "migratlas geo import"};

} // namespace migratlas::products
