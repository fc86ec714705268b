// The attributes of one MEGA unit as stored in the workspace `units` layer (geometry kept apart).
// Produced by geo import, read back by UnitIndex and by every stage that joins to units.
#pragma once

#include <string>

namespace migratlas::geo {

struct UnitInfo {
    std::string code, name, parent_code;  ///< parent_code empty for level-1 units
    int level = 0;                        ///< MEGA level: 1 country, 2 first subnational, 3 next
    double area_km2 = 0;                  ///< ellipsoidal area (equal-area projection)
    double rep_lon = 0, rep_lat = 0;      ///< a point guaranteed inside the unit (GEOS PointOnSurface)
};

} // namespace migratlas::geo
