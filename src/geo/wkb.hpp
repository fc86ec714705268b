// ISO WKB (little-endian, EPSG:4326 lon/lat) of plain coordinates, for products with a geometry
// (Table::geometry_wkb): points of crossing points, lines of corridors and border segments.
#pragma once

#include "geo/measure.hpp"

#include <string>
#include <vector>

namespace migratlas::geo {

[[nodiscard]] std::string point_wkb(LonLat point);
/// A MultiLineString of one part per polyline (parts with fewer than 2 points are kept as given).
[[nodiscard]] std::string multilinestring_wkb(const std::vector<std::vector<LonLat>>& parts);

} // namespace migratlas::geo
