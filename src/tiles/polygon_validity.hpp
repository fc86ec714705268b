// Validity of integer polygons: a fast conservative test for the common case and, when it cannot
// vouch for a polygon, GEOS (IsValid, MakeValid, snap-rounding to whole units). Every polygon the
// tiler writes has passed one of the two, so decoded tiles hold only OGC-valid polygons.
#pragma once

#include "geo/geos_context.hpp"
#include "tiles/geometry.hpp"

namespace migratlas::tiles {

/// True only when the polygons are certainly valid: rings with three or more distinct points and
/// non-zero area, no two edges meeting except consecutive ones at their shared point, every hole
/// inside its shell and outside the other holes, no polygon inside another one's shell unless in
/// one of its holes. False means "not proven" (ask GEOS), not necessarily invalid.
[[nodiscard]] bool certainly_valid(const MultiPolygon& polygons);

[[nodiscard]] geo::GeosGeometryPtr to_geos(const geo::GeosContext& geos, const MultiPolygon& polygons);
/// The polygonal parts of a GEOS geometry with whole-number coordinates, oriented for MVT.
[[nodiscard]] MultiPolygon from_geos(const geo::GeosContext& geos, const GEOSGeometry* geometry);

/// Makes `polygons` valid: unchanged when certainly valid or valid for GEOS, otherwise GEOS MakeValid
/// (structure method) followed by snap-rounding to the unit grid, which GEOS guarantees valid.
/// Returns whether it had to change anything.
bool make_valid(const geo::GeosContext& geos, MultiPolygon& polygons);

} // namespace migratlas::tiles
