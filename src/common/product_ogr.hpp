// How product geometry kinds and column types are stored through OGR: one mapping for the
// workspace (internal products) and the exports (published ones), so both write the same layers.
#pragma once

#include "common/product.hpp"

#include <ogr_core.h>

namespace migratlas {

[[nodiscard]] inline OGRwkbGeometryType ogr_geometry_type(GeometryKind kind)
{
    switch (kind) {
    case GeometryKind::none: return wkbNone;
    case GeometryKind::point: return wkbPoint;
    case GeometryKind::line: return wkbMultiLineString;
    case GeometryKind::polygon: return wkbMultiPolygon;
    }
    return wkbNone;
}

[[nodiscard]] inline OGRFieldType ogr_field_type(ColumnType type)
{
    switch (type) {
    case ColumnType::integer: return OFTInteger64;
    case ColumnType::real: return OFTReal;
    case ColumnType::text: return OFTString;
    }
    return OFTString;
}

} // namespace migratlas
