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

/// A feature's polygons in one tile. Every piece of a zoom is held until its tiles are written, so
/// it is stored compactly: one allocation of 32-bit coordinates relative to the tile's corner
/// (the buffered box spans a few thousand units) instead of a vector per polygon and ring.
struct PolygonPiece {
    std::uint64_t tile = 0;     ///< TileKey::packed()
    bool full = false;          ///< the tile's whole buffered box (no geometry stored)
    /// Polygon count, then per polygon its ring count, then per ring its point count and x, y pairs.
    std::vector<std::int32_t> packed;

    /// Stores valid polygons given in zoom pixels.
    void set_polygons(const MultiPolygon& polygons);
    /// The stored polygons, in zoom pixels.
    [[nodiscard]] MultiPolygon polygons() const;
};

/// Appends the feature's pieces, one per tile it reaches, in no particular order.
void cut_polygons(const MultiPolygon& polygons, int zoom, std::int64_t buffer, const geo::GeosContext& geos,
    std::vector<PolygonPiece>& out);

/// Clips valid polygons to a box, falling back to GEOS when rounding made the walk ambiguous; the
/// result is valid. `cut` tells whether any polygon crossed the box.
[[nodiscard]] MultiPolygon clip_polygons(const MultiPolygon& polygons, const ClipBox& box, const geo::GeosContext& geos,
    bool& cut, bool& full);

} // namespace migratlas::tiles
