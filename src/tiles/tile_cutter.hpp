// Cuts one feature's polygons (zoom pixels) into the tiles it touches by halving the tile range
// recursively: each half is clipped once, and a half the feature covers entirely becomes "full"
// tiles at once, so a large unit costs O(vertices x log tiles), not O(vertices x tiles).
#pragma once

#include "geo/geos_context.hpp"
#include "tiles/clip.hpp"
#include "tiles/geometry.hpp"

#include <cstdint>
#include <vector>

namespace migratlas::tiles {

struct PolygonPiece {
    std::uint64_t tile = 0;     ///< TileKey::packed()
    bool full = false;          ///< the tile's whole buffered box (no geometry stored)
    MultiPolygon polygons;      ///< zoom pixels, valid
};

/// Appends the feature's pieces, one per tile it reaches, in no particular order.
void cut_polygons(const MultiPolygon& polygons, int zoom, std::int64_t buffer, const geo::GeosContext& geos,
    std::vector<PolygonPiece>& out);

/// Clips valid polygons to a box, falling back to GEOS when rounding made the walk ambiguous; the
/// result is valid. `cut` tells whether any polygon crossed the box.
[[nodiscard]] MultiPolygon clip_polygons(const MultiPolygon& polygons, const ClipBox& box, const geo::GeosContext& geos,
    bool& cut, bool& full);

} // namespace migratlas::tiles
