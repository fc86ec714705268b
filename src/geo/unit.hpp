// One MEGA unit with its geometry (EPSG:4326 lon/lat, valid, MultiPolygon) and where it came from.
// Built by geo import from a source, or read back from the workspace `units` layer.
#pragma once

#include "geo/geos_context.hpp"
#include "geo/unit_info.hpp"

#include <string>

namespace migratlas::geo {

struct Unit {
    UnitInfo info;
    std::string source;        ///< input path (or PG: string) the unit was imported from
    GeosGeometryPtr geometry;  ///< owned by the GeosContext that built it
};

} // namespace migratlas::geo
