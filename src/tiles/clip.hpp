// Clipping of integer polygons and lines to an axis-aligned box (a tile with its buffer): the rings
// are cut into chains where they cross the box and the chains are joined along the box boundary
// (Weiler-Atherton for a rectangle), so clipped polygons stay valid instead of gaining the
// zero-width edges a Sutherland-Hodgman clipper leaves.
#pragma once

#include "tiles/geometry.hpp"

namespace migratlas::tiles {

/// A point is inside only strictly within the box: points on its edge count as outside, and every
/// cut point lies exactly on the edge (one exact coordinate, the other rounded to a whole unit).
struct ClipBox {
    std::int64_t x0 = 0;
    std::int64_t y0 = 0;
    std::int64_t x1 = 0;
    std::int64_t y1 = 0;

    [[nodiscard]] bool contains(const Point& p) const { return x0 < p.x && p.x < x1 && y0 < p.y && p.y < y1; }
    [[nodiscard]] bool contains(const Box& b) const { return x0 < b.min_x && b.max_x < x1 && y0 < b.min_y && b.max_y < y1; }
    [[nodiscard]] bool disjoint(const Box& b) const { return b.max_x <= x0 || b.min_x >= x1 || b.max_y <= y0 || b.min_y >= y1; }
    [[nodiscard]] Ring ring() const { return Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}; }
};

struct PolygonClip {
    MultiPolygon polygons;
    bool unchanged = false;   ///< the polygon lies inside the box: `polygons` is a copy of it
    bool full = false;        ///< the box lies inside the polygon: `polygons` is the box itself
    bool consistent = true;   ///< false when rounded cut points met ambiguously: clip again with GEOS
};

/// Clips one valid polygon (shell and holes oriented as in geometry.hpp).
[[nodiscard]] PolygonClip clip_polygon(const Polygon& polygon, const ClipBox& box);

/// Appends the parts of `line` inside the box to `out` (parts with fewer than two distinct points dropped).
void clip_line(const Line& line, const ClipBox& box, MultiLine& out);

} // namespace migratlas::tiles
