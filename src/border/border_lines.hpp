// The international borders of a workspace: the shared edges of its level-1 units (GEOS), merged into
// continuous lines. Units from different sources rarely share vertices, so two boundaries that share
// no line but run within `snap_km` of each other share the part of the first that lies that close.
#pragma once

#include "border/segment_split.hpp"
#include "geo/geos_context.hpp"
#include "geo/unit.hpp"

#include <string>
#include <vector>

namespace migratlas::border {

struct BorderLine {
    std::string country_a;  ///< country_a < country_b
    std::string country_b;
    std::vector<Polyline> parts;
    double length_km = 0;   ///< geodesic
};

/// Borders between every pair of `countries` (level-1 units) that share one, sorted by the pair.
[[nodiscard]] std::vector<BorderLine> international_borders(const geo::GeosContext& geos,
    const std::vector<const geo::Unit*>& countries, double snap_km = 0.5);

/// All parts of all borders as one GEOS MultiLineString (for distances and buffers); empty
/// geometry collection when there are none.
[[nodiscard]] geo::GeosGeometryPtr borders_geometry(const geo::GeosContext& geos, const std::vector<BorderLine>& borders);

/// A GEOS LineString of a polyline (lon/lat).
[[nodiscard]] geo::GeosGeometryPtr to_geos_line(const geo::GeosContext& geos, const Polyline& line);

} // namespace migratlas::border
