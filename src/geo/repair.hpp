// Geometry repair at ingest: GEOS MakeValid, keeping only the polygonal part, as one MultiPolygon.
// Every boundary passes through here before it is measured, indexed or written to the workspace.
#pragma once

#include "geo/geos_context.hpp"

#include <string>

namespace migratlas::geo {

struct RepairResult {
    GeosGeometryPtr geometry;  ///< valid MultiPolygon; empty when nothing polygonal remains
    bool repaired = false;     ///< the input was invalid and MakeValid changed it
    std::string reason;        ///< GEOS's validity reason for the input, e.g. "Self-intersection[10 5]"
};

/// Returns a valid MultiPolygon covering the polygonal part of `geometry`. Invalid input is
/// repaired with GEOS MakeValid (never dropped); points and lines produced by the repair of a
/// collapsed ring are discarded because a MEGA unit is an area.
[[nodiscard]] RepairResult make_valid_multipolygon(const GeosContext& geos, const GEOSGeometry* geometry);

/// Whether a geometry is a Polygon, MultiPolygon or a collection holding at least one of them.
[[nodiscard]] bool has_polygonal_part(const GeosContext& geos, const GEOSGeometry* geometry);

/// The non-empty polygons of `geometry` (recursing into collections) gathered into one MultiPolygon,
/// as is; with `min_part_area` > 0 (in the geometry's units²) smaller parts are left out too.
[[nodiscard]] GeosGeometryPtr collect_polygons(const GeosContext& geos, const GEOSGeometry* geometry,
    double min_part_area = 0);

} // namespace migratlas::geo
