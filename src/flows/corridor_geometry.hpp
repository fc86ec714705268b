// Line geometry of flow corridors between two representative points: straight (in lon/lat),
// great-circle (the geodesic within a tolerance, split at the antimeridian) or arc (a curve bent to
// the right of the direction of travel, so that A→B and B→A lie on opposite sides and never
// overlap), and the origin → crossing point → destination polyline. Pure functions on lon/lat.
#pragma once

#include "flows/geodesic_line.hpp"
#include "geo/measure.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace migratlas::flows {

using Polyline = std::vector<geo::LonLat>;
/// One or more parts (a great circle crossing the antimeridian has two).
using MultiPolyline = std::vector<Polyline>;

enum class CorridorShape { straight, great_circle, arc };
/// "straight", "great-circle" or "arc"; throws SettingError("shape", ...) otherwise.
[[nodiscard]] CorridorShape parse_corridor_shape(std::string_view text);
[[nodiscard]] std::string_view to_string(CorridorShape shape);

struct ShapeOptions {
    CorridorShape shape = CorridorShape::straight;
    double bend = 0.2;              ///< arc: distance of the Bézier control point from the chord, as a share of the chord
    int arc_points = 33;            ///< vertices of an arc
    /// great circle: largest distance of a drawn segment from the geodesic (geodesic_line.hpp)
    double great_circle_tolerance_km = default_geodesic_tolerance_km;
};

/// The corridor from `from` to `to`. Identical ends give one degenerate part of two equal points.
[[nodiscard]] MultiPolyline corridor_line(geo::LonLat from, geo::LonLat to, const ShapeOptions& options);

/// from → via → to, each leg shaped as `options` says, joined at `via` into one polyline (or more
/// parts when a great-circle leg crosses the antimeridian).
[[nodiscard]] MultiPolyline via_line(geo::LonLat from, geo::LonLat via, geo::LonLat to, const ShapeOptions& options);

/// Geodesic length of all parts, km.
[[nodiscard]] double polyline_length_km(const MultiPolyline& line);

/// ISO WKB of a MultiLineString (little-endian), as Table::geometry_wkb holds it.
[[nodiscard]] std::string to_wkb(const MultiPolyline& line);

} // namespace migratlas::flows
