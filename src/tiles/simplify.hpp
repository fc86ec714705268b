// Douglas-Peucker simplification in world units, driven by a priority queue so that a caller can also
// ask for a minimum number of kept interior points (a small unit keeps a triangle, not a sliver).
// Used per zoom on coverage arcs and on lines; the tolerance is a fraction of a tile pixel.
#pragma once

#include "tiles/geometry.hpp"

#include <span>

namespace migratlas::tiles {

/// Marks in `keep` (resized to points.size()) the points kept: both ends always, then the interior
/// points farther than `tolerance` from the simplified line, farthest first, and at least
/// `min_interior` interior points when there are that many. A closed sequence (first == last)
/// measures from the first point until a second point splits it.
void simplify(std::span<const Point> points, double tolerance, std::size_t min_interior, std::vector<bool>& keep);

} // namespace migratlas::tiles
