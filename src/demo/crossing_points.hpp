// Border crossing points of the demo region: land points on (or, for bridges, a few hundred
// metres off) the shared borders, plus airports of the reporting country. Feeds crossings.csv.
#pragma once

#include "demo/region.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::demo {

enum class PointKind { land, bridge, river, airport };

struct CrossingPoint {
    std::string point_id; ///< XNA-XSU-01 (country-neighbour-number) or XNA-AIR-01
    std::string name;
    double x_km = 0.0;
    double y_km = 0.0;
    double lon = 0.0;
    double lat = 0.0;
    std::string country_iso3;
    std::string border_with_iso3; ///< empty for airports
    PointKind kind = PointKind::land;
    double traffic_weight = 1.0; ///< relative share of the crossings at this point
};

/// 4-6 points per land border (12-18 in all) and 2 airports in the reporting country's two
/// largest cities. Deterministic for a seed.
std::vector<CrossingPoint> make_crossing_points(const geo::GeosContext& geos, const DemoRegion& region,
                                                std::uint64_t seed);

/// The transport mode a crossing at this point is recorded with (`land`, `river`, `air`).
const char* transport_mode(PointKind kind);

/// Writes `point_id,name,lon,lat,country_iso3,border_with_iso3` (6 decimals, LF).
void write_crossing_points(const std::filesystem::path& path, const std::vector<CrossingPoint>& points);

} // namespace migratlas::demo
