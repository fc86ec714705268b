#include "flows/corridor_geometry.hpp"

#include "common/error.hpp"
#include "flows/geodesic_line.hpp"
#include "geo/wkb.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace migratlas::flows {

namespace {

constexpr double deg = std::numbers::pi / 180.0;

/// Splits a line with unrolled longitudes (they may run past ±180) into parts inside [-180, 180],
/// cutting each edge that crosses the antimeridian where it crosses it.
MultiPolyline split_at_antimeridian(const Polyline& unrolled)
{
    MultiPolyline parts(1);
    double shift = 0;  // multiple of 360 that brings the current part into range
    for (std::size_t i = 0; i < unrolled.size(); ++i) {
        const geo::LonLat p = unrolled[i];
        if (i > 0) {
            const double a = unrolled[i - 1].lon + shift;
            const double b = p.lon + shift;
            if (b > 180 || b < -180) {
                const double bound = b > 180 ? 180.0 : -180.0;
                const double t = (bound - a) / (b - a);
                const double lat = unrolled[i - 1].lat + t * (p.lat - unrolled[i - 1].lat);
                parts.back().push_back({bound, lat});
                shift += b > 180 ? -360.0 : 360.0;
                parts.push_back({{-bound, lat}});
            }
        }
        parts.back().push_back({p.lon + shift, p.lat});
    }
    return parts;
}

Polyline straight(geo::LonLat from, geo::LonLat to)
{
    return {from, to};
}

Polyline arc(geo::LonLat from, geo::LonLat to, const ShapeOptions& options)
{
    // A local plane around the chord's midpoint where a degree of longitude is scaled by cos(lat),
    // so the bend is the same on the ground whatever the direction of the corridor.
    const double lat_mid = (from.lat + to.lat) / 2;
    const double lon_mid = (from.lon + to.lon) / 2;
    const double k = std::max(std::cos(lat_mid * deg), 0.01);
    const double ax = (from.lon - lon_mid) * k, ay = from.lat - lat_mid;
    const double bx = (to.lon - lon_mid) * k, by = to.lat - lat_mid;
    const double dx = bx - ax, dy = by - ay;
    // Control point on the right of the direction of travel: (dy, −dx) is d turned clockwise. The
    // reverse corridor turns its own d, so its control point is the mirror image across the chord.
    const double cx = (ax + bx) / 2 + options.bend * dy;
    const double cy = (ay + by) / 2 - options.bend * dx;
    Polyline line;
    const int n = std::max(options.arc_points, 3);
    for (int i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / (n - 1);
        const double u = 1 - t;
        const double x = u * u * ax + 2 * u * t * cx + t * t * bx;
        const double y = u * u * ay + 2 * u * t * cy + t * t * by;
        line.push_back({x / k + lon_mid, y + lat_mid});
    }
    line.front() = from;  // exact ends, whatever the rounding of the round trip
    line.back() = to;
    return line;
}

MultiPolyline great_circle(geo::LonLat from, geo::LonLat to, const ShapeOptions& options)
{
    MultiPolyline parts = split_at_antimeridian(densify_geodesic(from, to, options.great_circle_tolerance_km));
    parts.back().back() = to;  // not to.lon ± 360 ∓ 360, which may round
    return parts;
}

void append(MultiPolyline& target, MultiPolyline leg)
{
    if (target.empty()) {
        target = std::move(leg);
        return;
    }
    // The leg starts where the previous one ended: continue that part.
    Polyline& last = target.back();
    last.insert(last.end(), leg.front().begin() + 1, leg.front().end());
    for (std::size_t i = 1; i < leg.size(); ++i) {
        target.push_back(std::move(leg[i]));
    }
}

} // namespace

CorridorShape parse_corridor_shape(std::string_view text)
{
    if (text == "straight") {
        return CorridorShape::straight;
    }
    if (text == "great-circle") {
        return CorridorShape::great_circle;
    }
    if (text == "arc") {
        return CorridorShape::arc;
    }
    throw SettingError("shape", "must be straight, great-circle or arc, got '" + std::string(text) + "'");
}

std::string_view to_string(CorridorShape shape)
{
    switch (shape) {
    case CorridorShape::straight: return "straight";
    case CorridorShape::great_circle: return "great-circle";
    case CorridorShape::arc: return "arc";
    }
    return "straight";
}

MultiPolyline corridor_line(geo::LonLat from, geo::LonLat to, const ShapeOptions& options)
{
    if (from.lon == to.lon && from.lat == to.lat) {
        return {{from, to}};
    }
    switch (options.shape) {
    case CorridorShape::straight: return {straight(from, to)};
    case CorridorShape::arc: return {arc(from, to, options)};
    case CorridorShape::great_circle: return great_circle(from, to, options);
    }
    return {straight(from, to)};
}

MultiPolyline via_line(geo::LonLat from, geo::LonLat via, geo::LonLat to, const ShapeOptions& options)
{
    MultiPolyline line = corridor_line(from, via, options);
    append(line, corridor_line(via, to, options));
    return line;
}

double polyline_length_km(const MultiPolyline& line)
{
    double total_km = 0;
    for (const Polyline& part : line) {
        for (std::size_t i = 1; i < part.size(); ++i) {
            total_km += geo::geodesic_distance_km(part[i - 1], part[i]);
        }
    }
    return total_km;
}

std::string to_wkb(const MultiPolyline& line)
{
    return geo::multilinestring_wkb(line);
}

} // namespace migratlas::flows
