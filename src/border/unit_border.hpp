// Distance and buffer figures of one level-2/3 unit: geodesic distance from its representative point
// to the nearest international border and crossing point, whether it lies on a border, and the part
// of its area within buffer_km of a border (buffer drawn in metres in a local equal-area projection).
#pragma once

#include "border/border_lines.hpp"
#include "geo/geos_context.hpp"
#include "geo/measure.hpp"

#include <optional>
#include <string>
#include <vector>

namespace migratlas::border {

/// A border with its GEOS geometry, built once for all units.
struct BorderGeometry {
    std::string name;  ///< "country_a-country_b"
    geo::GeosGeometryPtr lines;
};
[[nodiscard]] std::vector<BorderGeometry> border_geometries(const geo::GeosContext& geos, const std::vector<BorderLine>& borders);

struct NamedPoint {
    std::string id;
    geo::LonLat at;
};

struct UnitBorderFigures {
    std::optional<double> border_distance_km;  ///< none when the workspace has no border
    std::string nearest_border;
    bool touches_border = false;               ///< the polygon comes within 0.5 km of a border
    std::optional<double> crossing_distance_km;
    std::string nearest_point;
    double buffer_share = 0;                   ///< of the unit's area, 0..1
};

/// Figures of the unit whose polygon is `unit` (lon/lat) and representative point `rep`; `all_borders`
/// is every border in one geometry (borders_geometry), null when there are none.
[[nodiscard]] UnitBorderFigures unit_border_figures(const geo::GeosContext& geos, const GEOSGeometry* unit,
    geo::LonLat rep, const std::vector<BorderGeometry>& borders, const GEOSGeometry* all_borders,
    const std::vector<NamedPoint>& points, double buffer_km);

/// Share (0..1) of `unit` within `buffer_km` of `lines`, measured in a Lambert azimuthal equal-area
/// projection centred on the unit (distances there are true to within a fraction of a percent over
/// a few hundred km, docs/methods/flows-indicators.md).
[[nodiscard]] double buffer_share(const geo::GeosContext& geos, const GEOSGeometry* unit, const GEOSGeometry* lines,
    double buffer_km);

} // namespace migratlas::border
