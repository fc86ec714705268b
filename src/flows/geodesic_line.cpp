#include "flows/geodesic_line.hpp"

#include "common/error.hpp"

#include <fmt/format.h>
#include <geodesic.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace migratlas::flows {

namespace {

constexpr double deg = std::numbers::pi / 180.0;
constexpr double wgs84_a = 6378137.0;
constexpr double wgs84_f = 1.0 / 298.257223563;
constexpr double wgs84_e2 = wgs84_f * (2 - wgs84_f);
/// Web Mercator's square ends here; no web map draws beyond it.
constexpr double mercator_lat_limit = 85.0511287798;
/// The quarter-point test sees a deviation that changes side at most once within a segment; no
/// drawn chord of a geodesic of 1,000 km does more, so routes start cut into pieces of that length.
constexpr double initial_segment_km = 1000;
/// Cuts of an initial piece at most (each into 2 or more): 1,000 km / 2^30 is a millimetre.
constexpr int max_depth = 30;
/// Pieces a segment is cut into at once at most.
constexpr int max_pieces = 256;

const geod_geodesic& wgs84()
{
    static const geod_geodesic geodesic = [] {
        geod_geodesic g{};
        geod_init(&g, wgs84_a, wgs84_f);
        return g;
    }();
    return geodesic;
}

struct Vec3 {
    double x = 0, y = 0, z = 0;
};

double mercator_y(double lat)
{
    return std::log(std::tan(std::numbers::pi / 4 + lat * deg / 2));
}

double mercator_lat(double y)
{
    return (2 * std::atan(std::exp(y)) - std::numbers::pi / 2) / deg;
}

/// The point at `u` (0..1) of the segment a→b drawn straight in lon/lat (plate carrée) and straight
/// in Web Mercator (both ends on its map).
geo::LonLat plate_carree_at(geo::LonLat a, geo::LonLat b, double u)
{
    return {a.lon + u * (b.lon - a.lon), a.lat + u * (b.lat - a.lat)};
}

bool on_mercator_map(geo::LonLat a, geo::LonLat b)
{
    return std::abs(a.lat) <= mercator_lat_limit && std::abs(b.lat) <= mercator_lat_limit;
}

geo::LonLat mercator_at(geo::LonLat a, geo::LonLat b, double u)
{
    const double ya = mercator_y(a.lat), yb = mercator_y(b.lat);
    return {a.lon + u * (b.lon - a.lon), mercator_lat(ya + u * (yb - ya))};
}

Vec3 minus(const Vec3& a, const Vec3& b)
{
    return {a.x - b.x, a.y - b.y, a.z - b.z};
}

double dot(const Vec3& a, const Vec3& b)
{
    return a.x * b.x + a.y * b.y + a.z * b.z;
}

Vec3 cross(const Vec3& a, const Vec3& b)
{
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

/// Sine and cosine of an angle, turned by another's with the addition formulas (no libm call).
struct SinCos {
    double sin = 0, cos = 1;
    [[nodiscard]] SinCos turned(const SinCos& by) const
    {
        return {sin * by.cos + cos * by.sin, cos * by.cos - sin * by.sin};
    }
};

SinCos sincos_deg(double angle_deg)
{
    return {std::sin(angle_deg * deg), std::cos(angle_deg * deg)};
}

Vec3 ecef(const SinCos& lat, const SinCos& lon)
{
    const double n = wgs84_a / std::sqrt(1 - wgs84_e2 * lat.sin * lat.sin);
    return {n * lat.cos * lon.cos, n * lat.cos * lon.sin, n * (1 - wgs84_e2) * lat.sin};
}

/// Largest |p(u)| on [0, 1] of the quartic p with p(0) = p(1) = 0 and p = d[i] at u = 1/4, 1/2, 3/4:
/// a chord's signed distance from the geodesic, read between the three points where it is measured
/// (its largest value need not fall on one of them: next to the equator it lies near u = 0.56).
/// A value at least `tolerance` when the peak exceeds it (then the peak itself); otherwise a value
/// at most `tolerance` — a bound, which spares the search on most segments.
double quartic_peak(const std::array<double, 3>& d, double tolerance)
{
    // p(u) = u (1 − u) g(u), g quadratic; g at the three points, then g in t = u − 1/2.
    const double g1 = d[0] * 16 / 3, g2 = d[1] * 4, g3 = d[2] * 16 / 3;
    const double c1 = 2 * (g3 - g1), c2 = 8 * (g3 - 2 * g2 + g1);
    const auto g = [&](double t) { return g2 + c1 * t + c2 * t * t; };
    // u (1 − u) ≤ 1/4, and |g| on [0, 1] is largest at an end or at its vertex.
    double g_max = std::max(std::abs(g(-0.5)), std::abs(g(0.5)));
    if (c2 != 0 && std::abs(c1 / (2 * c2)) < 0.5) {
        g_max = std::max(g_max, std::abs(g(-c1 / (2 * c2))));
    }
    if (g_max / 4 <= tolerance) {
        return g_max / 4;
    }
    const auto p = [&](double u) {
        const double t = u - 0.5;
        return std::abs(u * (1 - u) * (g2 + c1 * t + c2 * t * t));
    };
    // The largest of 15 samples, then the vertex of the parabola through it and its neighbours
    // (exact for the quadratic that dominates a short segment's deviation).
    constexpr int samples = 16;
    constexpr double h = 1.0 / samples;
    std::array<double, samples + 1> value{};
    int best = 1;
    for (int k = 1; k < samples; ++k) {
        value[k] = p(k * h);
        if (value[k] > value[best]) {
            best = k;
        }
    }
    const double left = value[best - 1], middle = value[best], right = value[best + 1];
    const double curvature = left - 2 * middle + right;
    if (curvature >= 0) {
        return middle;
    }
    const double offset = std::clamp(0.5 * (left - right) / curvature, -1.0, 1.0);
    return std::max(middle, p((best + offset) * h));
}

/// A vertex on the geodesic, with what the test of the segments that end at it needs.
struct Vertex {
    geo::LonLat point;
    double s_m = 0;  ///< distance from the start along the geodesic
    SinCos lat, lon;
    Vec3 position;   ///< ECEF, m
    Vec3 normal;     ///< the ellipsoid's unit normal
    double mercator_e = 0;  ///< exp(Web Mercator y) = tan(π/4 + φ/2), when on the map
    bool on_map = false;
};

/// Splits routes at their geodesic's points until every segment's chords are within the tolerance.
///
/// The test of a segment a→b compares its chords with the geodesic between a and b, which over a
/// segment of this size lies in the plane through a and b that contains the ellipsoid's normals
/// there (the normal section: the two curves part by under a metre over 1,000 km, by micrometres
/// over the tens of km of an accepted segment). A chord point's signed distance from that plane is
/// its distance from the geodesic across it, without the geodesic's own point beside it, and the
/// chord's points at 1/4, 1/2 and 3/4 come from the ends' sines by the addition formulas (Web
/// Mercator's by sin φ = tanh y, cos φ = 1/cosh y), so a test costs two sines and no iteration.
/// geodesic_deviation_km measures the result against the geodesic itself
/// (tests/unit/flows/geodesic_line_test.cpp).
class Densifier {
public:
    Densifier(geo::LonLat from, geo::LonLat to, double tolerance_km)
        : m_tolerance_m(tolerance_km * 1000)
    {
        geod_inverseline(&m_line, &wgs84(), from.lat, from.lon, to.lat, to.lon,
            GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
    }

    std::vector<geo::LonLat> run()
    {
        const double length_m = m_line.s13;
        const int pieces = std::max(1, static_cast<int>(std::ceil(length_m / (initial_segment_km * 1000))));
        Vertex start = vertex_at(0);
        m_vertices.push_back(start.point);
        for (int i = 1; i <= pieces; ++i) {
            Vertex end = vertex_at(length_m * i / pieces);
            segment(start, end, 0);
            start = end;
        }
        return std::move(m_vertices);
    }

private:
    Vertex vertex_at(double s_m) const
    {
        Vertex v;
        v.s_m = s_m;
        geod_genposition(&m_line, GEOD_LONG_UNROLL, s_m, &v.point.lat, &v.point.lon, nullptr, nullptr, nullptr,
            nullptr, nullptr, nullptr);
        v.lat = sincos_deg(v.point.lat);
        v.lon = sincos_deg(v.point.lon);
        v.position = ecef(v.lat, v.lon);
        v.normal = {v.lat.cos * v.lon.cos, v.lat.cos * v.lon.sin, v.lat.sin};
        v.on_map = std::abs(v.point.lat) <= mercator_lat_limit;
        v.mercator_e = v.on_map ? (1 + v.lat.sin) / v.lat.cos : 0;
        return v;
    }

    /// Largest distance, m, of the segment's chords from the plane of its geodesic (a bound when
    /// it is within the tolerance).
    double deviation_m(const Vertex& a, const Vertex& b) const
    {
        Vec3 n = cross(minus(b.position, a.position),
            {a.normal.x + b.normal.x, a.normal.y + b.normal.y, a.normal.z + b.normal.z});
        const double length = std::sqrt(dot(n, n));
        if (length == 0) {
            return 0;
        }
        n = {n.x / length, n.y / length, n.z / length};
        const SinCos lat_step = sincos_deg((b.point.lat - a.point.lat) / 4);
        const SinCos lon_step = sincos_deg((b.point.lon - a.point.lon) / 4);
        const bool mercator = a.on_map && b.on_map;
        const double e_step = mercator ? std::sqrt(std::sqrt(b.mercator_e / a.mercator_e)) : 1;
        std::array<double, 3> plate{}, web{};
        SinCos lat = a.lat, lon = a.lon;
        double e = a.mercator_e;
        for (int i = 0; i < 3; ++i) {
            lat = lat.turned(lat_step);
            lon = lon.turned(lon_step);
            plate[i] = dot(minus(ecef(lat, lon), a.position), n);
            if (mercator) {
                e *= e_step;
                const SinCos web_lat{(e * e - 1) / (e * e + 1), 2 * e / (e * e + 1)};
                web[i] = dot(minus(ecef(web_lat, lon), a.position), n);
            }
        }
        return std::max(quartic_peak(plate, m_tolerance_m), mercator ? quartic_peak(web, m_tolerance_m) : 0.0);
    }

    /// Appends the vertices after `a` up to `b`. A segment that strays is cut into as many equal
    /// pieces as its deviation asks for — it shrinks with the square of a piece's length — and each
    /// piece is tested in turn (one that still strays is cut again).
    void segment(const Vertex& a, const Vertex& b, int depth)
    {
        const double d = deviation_m(a, b);
        if (d <= m_tolerance_m || depth == max_depth) {
            m_vertices.push_back(b.point);
            return;
        }
        const int pieces = std::clamp(static_cast<int>(std::ceil(std::sqrt(d / m_tolerance_m))), 2, max_pieces);
        Vertex start = a;
        for (int i = 1; i <= pieces; ++i) {
            Vertex end = i == pieces ? b : vertex_at(a.s_m + (b.s_m - a.s_m) * i / pieces);
            segment(start, end, depth + 1);
            start = end;
        }
    }

    geod_geodesicline m_line{};
    double m_tolerance_m;
    std::vector<geo::LonLat> m_vertices;
};

/// Closest point of a geodesic line to `p`, by Newton steps on the distance along it from a start
/// `s_m`: at the line's point q, the geodesic q → p leaves at an angle to the line whose cosine
/// times the distance is how far the closest point lies ahead. Returns (distance m, s of the point).
std::pair<double, double> closest_on_line(const geod_geodesicline& line, geo::LonLat p, double s_m)
{
    double distance_m = 0;
    for (int iteration = 0; iteration < 50; ++iteration) {
        double lat = 0, lon = 0, azimuth = 0;
        geod_genposition(&line, GEOD_NOFLAGS, s_m, &lat, &lon, &azimuth, nullptr, nullptr, nullptr, nullptr,
            nullptr);
        double azimuth_to_p = 0;
        geod_inverse(&wgs84(), lat, lon, p.lat, p.lon, &distance_m, &azimuth_to_p, nullptr);
        const double ahead_m = distance_m * std::cos((azimuth_to_p - azimuth) * deg);
        const double next = std::clamp(s_m + ahead_m, 0.0, line.s13);
        if (std::abs(next - s_m) < 1e-4) {
            break;
        }
        s_m = next;
    }
    return {distance_m, s_m};
}

geod_geodesicline line_between(geo::LonLat from, geo::LonLat to)
{
    geod_geodesicline line{};
    geod_inverseline(&line, &wgs84(), from.lat, from.lon, to.lat, to.lon,
        GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_AZIMUTH | GEOD_DISTANCE_IN);
    return line;
}

} // namespace

std::vector<geo::LonLat> densify_geodesic(geo::LonLat from, geo::LonLat to, double tolerance_km)
{
    if (!(tolerance_km > 0)) {
        throw SettingError("great_circle_tolerance_km", fmt::format("must be above 0, got {}", tolerance_km));
    }
    if (from.lon == to.lon && from.lat == to.lat) {
        return {from, to};
    }
    std::vector<geo::LonLat> vertices = Densifier(from, to, tolerance_km).run();
    // Exact ends: the start is `from` as given; the end keeps its unrolled longitude's turn.
    vertices.front() = from;
    vertices.back() = {to.lon + 360 * std::round((vertices.back().lon - to.lon) / 360), to.lat};
    return vertices;
}

double distance_to_geodesic_km(geo::LonLat point, geo::LonLat from, geo::LonLat to)
{
    const geod_geodesicline line = line_between(from, to);
    // Start the Newton steps from the best of a coarse scan, so that they converge on the closest
    // point and not on a farther local minimum of a long line.
    constexpr int scan = 64;
    double best_m = 0, best_s = 0;
    for (int i = 0; i <= scan; ++i) {
        const double s = line.s13 * i / scan;
        double lat = 0, lon = 0, d = 0;
        geod_genposition(&line, GEOD_NOFLAGS, s, &lat, &lon, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
        geod_inverse(&wgs84(), lat, lon, point.lat, point.lon, &d, nullptr, nullptr);
        if (i == 0 || d < best_m) {
            best_m = d;
            best_s = s;
        }
    }
    return closest_on_line(line, point, best_s).first / 1000.0;
}

double geodesic_deviation_km(const std::vector<std::vector<geo::LonLat>>& parts, geo::LonLat from, geo::LonLat to,
    int samples_per_segment)
{
    const geod_geodesicline line = line_between(from, to);
    double worst_m = 0;
    double s_m = 0;  // the closest point of the previous sample: the next one is near it
    for (const auto& part : parts) {
        for (std::size_t i = 1; i < part.size(); ++i) {
            const geo::LonLat a = part[i - 1], b = part[i];
            const bool mercator = on_mercator_map(a, b);
            for (int k = 1; k <= samples_per_segment; ++k) {
                const double u = static_cast<double>(k) / (samples_per_segment + 1);
                const auto [d_plate, s_plate] = closest_on_line(line, plate_carree_at(a, b, u), s_m);
                worst_m = std::max(worst_m, d_plate);
                s_m = s_plate;
                if (mercator) {
                    worst_m = std::max(worst_m, closest_on_line(line, mercator_at(a, b, u), s_m).first);
                }
            }
        }
    }
    return worst_m / 1000.0;
}

} // namespace migratlas::flows
