// Conversions between OGR geometries (GDAL I/O) and GEOS geometries (topology), through ISO WKB.
// Only src/geo converts; the rest of the pipeline sees GEOS geometries or plain structs.
#pragma once

#include "geo/geos_context.hpp"

#include <ogr_geometry.h>

#include <memory>

namespace migratlas::geo {

/// 2D copy of an OGR geometry in GEOS (curves are linearised, Z/M dropped).
[[nodiscard]] GeosGeometryPtr to_geos(const GeosContext& geos, const OGRGeometry& geometry);

/// An OGR copy of a GEOS geometry (the caller assigns the spatial reference).
[[nodiscard]] std::unique_ptr<OGRGeometry> to_ogr(const GeosContext& geos, const GEOSGeometry* geometry);

} // namespace migratlas::geo
