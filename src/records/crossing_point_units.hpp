// Joins crossing points (CSV point_id,name,lon,lat,country_iso3,border_with_iso3) to level-2 and
// level-3 MEGA units of the workspace, with a snapping tolerance for bridges on the border line.
#pragma once

#include "common/diagnostics.hpp"
#include "common/table.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::geo {
class UnitIndex;
}

namespace migratlas::records {

inline constexpr std::string_view unknown_unit = "unknown";

struct CrossingPoint {
    std::string point_id;
    std::string name;
    double lon = 0;
    double lat = 0;
    std::string country_iso3;
    std::string border_with_iso3;
    // Filled by locate_points(): "unknown" when no unit of that level is within the tolerance.
    std::string unit_level2{unknown_unit};
    std::string unit_level3{unknown_unit};
    std::optional<double> distance_level2_km;  ///< 0 inside; > 0 snapped from outside
    std::optional<double> distance_level3_km;
    /// False when a unit could only be found in another country than country_iso3 (the point then
    /// lies inside the neighbour's polygon farther than the snapping tolerance from its own country).
    bool in_own_country = true;
};

/// Reads the points file. Missing columns throw InputError; a row with an unreadable or out-of-range
/// coordinate, an empty or repeated point_id is rejected (reason bad_point) and left out.
[[nodiscard]] std::vector<CrossingPoint> read_crossing_points(const std::filesystem::path& path, Diagnostics& diagnostics);

/// Locates each point at levels 2 and 3 in the units of `index`. A crossing point is reported by
/// its own country, and bridges sit on the border line, often just outside the coarse polygons of
/// their country (shared/realdata/README.md §2: 0.26–0.43 km, inside the neighbour's polygon). So:
/// 1. a unit of the point's country_iso3 that contains it;
/// 2. else the nearest unit of that country within `snap_km` (geodesic distance to its boundary);
/// 3. else any unit containing it, 4. else the nearest unit of any country within `snap_km`
///    (3 and 4 set in_own_country = false); else "unknown".
/// The country of a unit is its level-1 ancestor's code (or the code's prefix before '-').
void locate_points(std::vector<CrossingPoint>& points, const geo::UnitIndex& index, double snap_km);

/// point_id → finest located unit code (level 3, else level 2); the records stage tabulates by it.
class PointUnitLookup {
public:
    PointUnitLookup() = default;
    explicit PointUnitLookup(const std::vector<CrossingPoint>& points);
    /// "unknown" when the point is not in the file or located nowhere.
    [[nodiscard]] std::string unit_of(std::string_view point_id) const;
    [[nodiscard]] bool contains(std::string_view point_id) const;

private:
    std::map<std::string, std::string, std::less<>> m_units;
};

/// The crossing_points attribute table: point, its units and snapping distances, kept crossings.
[[nodiscard]] Table crossing_points_table(const std::vector<CrossingPoint>& points,
    const std::map<std::string, std::int64_t, std::less<>>& crossings_by_point);

} // namespace migratlas::records
