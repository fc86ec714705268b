// Cuts a border line into segments by nearest crossing point: every stretch of the line belongs to
// the point closest to it (geodesic distance), and a cut falls where two points are equally close.
// Pure function on lon/lat polylines; the border stage feeds it the shared edges of level-1 units.
#pragma once

#include "geo/measure.hpp"

#include <optional>
#include <vector>

namespace migratlas::border {

using Polyline = std::vector<geo::LonLat>;

struct LineRun {
    std::optional<std::size_t> point;  ///< index into the points; none when there are no points
    Polyline line;
};

/// The runs of `line` in order along it. Edges are straight in lon/lat (as the data draw them) and are
/// walked in steps of at most `step_km`; where the nearest point changes within a step, the cut is
/// found by bisection to about a metre.
[[nodiscard]] std::vector<LineRun> split_by_nearest(const Polyline& line, const std::vector<geo::LonLat>& points,
    double step_km = 0.2);

} // namespace migratlas::border
