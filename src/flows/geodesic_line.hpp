// The WGS84 geodesic between two points as a polyline whose straight segments stay within a
// tolerance of it, and the measure of how far a drawn polyline strays from it. Great-circle corridors
// (corridor_geometry) are drawn with it.
#pragma once

#include "geo/measure.hpp"

#include <vector>

namespace migratlas::flows {

/// Largest distance, km on the ground, that a drawn segment of a great-circle corridor may stray
/// from the geodesic: 50 m, under a pixel at zoom 11 (76 m) and at the scale of a country map.
/// docs/methods/flows-indicators.md §4 and §9 give the measured deviation and vertex counts.
inline constexpr double default_geodesic_tolerance_km = 0.05;

/// Vertices on the geodesic from `from` to `to`, with unrolled longitudes (they run continuously
/// past ±180; the caller cuts at the antimeridian), the ends exact. A segment is cut at points of
/// the geodesic until the chord drawn between its ends — straight in lon/lat (how a GeoPackage in
/// EPSG:4326 is drawn) and straight in Web Mercator (how tiles and web maps draw it, between
/// ±85.05°) — is within `tolerance_km` of the geodesic at a quarter, half and three quarters of
/// it, starting from pieces of at most 1,000 km. A short route needs no vertex beyond its ends.
[[nodiscard]] std::vector<geo::LonLat> densify_geodesic(geo::LonLat from, geo::LonLat to,
    double tolerance_km = default_geodesic_tolerance_km);

/// Largest distance, km, from the geodesic from `from` to `to` of any of `samples_per_segment`
/// interior points of each segment of `parts` (longitudes may be unrolled or cut at ±180), each
/// segment read both straight in lon/lat and straight in Web Mercator (the latter where both ends lie
/// within ±85.05°). The distance of a point is to the closest point of the geodesic, found by
/// iterating GeographicLib's inverse problem (PROJ's geod API): the true geodesic, no approximation.
[[nodiscard]] double geodesic_deviation_km(const std::vector<std::vector<geo::LonLat>>& parts, geo::LonLat from,
    geo::LonLat to, int samples_per_segment = 31);

/// Distance, km, from `point` to the closest point of the geodesic from `from` to `to` (its ends
/// included).
[[nodiscard]] double distance_to_geodesic_km(geo::LonLat point, geo::LonLat from, geo::LonLat to);

} // namespace migratlas::flows
