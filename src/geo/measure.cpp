#include "geo/measure.hpp"

#include "common/error.hpp"
#include "geo/local_projection.hpp"

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace migratlas::geo {

namespace {

const geod_geodesic& wgs84()
{
    static const geod_geodesic geodesic = [] {
        geod_geodesic g{};
        geod_init(&g, 6378137.0, 1.0 / 298.257223563);
        return g;
    }();
    return geodesic;
}

double path_length_km(const std::vector<XY>& vertices)
{
    double total_m = 0;
    for (std::size_t i = 1; i < vertices.size(); ++i) {
        double s12 = 0;
        geod_inverse(&wgs84(), vertices[i - 1].y, vertices[i - 1].x, vertices[i].y, vertices[i].x, &s12, nullptr, nullptr);
        total_m += s12;
    }
    return total_m / 1000.0;
}

double linework_km(const GeosContext& geos, const GEOSGeometry* geometry)
{
    switch (geos.type_id(geometry)) {
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        return path_length_km(geos.coordinates(geometry));
    case GEOS_POLYGON: {
        if (geos.is_empty(geometry)) {
            return 0;
        }
        double total = linework_km(geos, geos.exterior_ring(geometry));
        const int holes = geos.num_interior_rings(geometry);
        for (int i = 0; i < holes; ++i) {
            total += linework_km(geos, geos.interior_ring_n(geometry, i));
        }
        return total;
    }
    case GEOS_MULTILINESTRING:
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION: {
        double total = 0;
        const int parts = geos.num_geometries(geometry);
        for (int i = 0; i < parts; ++i) {
            total += linework_km(geos, geos.geometry_n(geometry, i));
        }
        return total;
    }
    default:
        return 0;
    }
}


// WGS84, as in wgs84() above and PROJ's +ellps=WGS84.
constexpr double wgs84_a_m = 6378137.0;
constexpr double wgs84_f = 1.0 / 298.257223563;
constexpr double wgs84_e2 = wgs84_f * (2 - wgs84_f);
constexpr double degree_rad = 3.14159265358979323846 / 180;
// An edge is integrated in pieces of at most this much latitude (see ring_area_m2).
constexpr double area_piece_deg = 1.0;

/// F(φ), the area in m² between the equator and latitude φ per radian of longitude on the
/// ellipsoid, a²·q(φ)/2 with the authalic q of Snyder, Map Projections (1987), eq. 3-12; and its
/// derivative dF/dφ = a²(1-e²)cos φ / (1 - e² sin² φ)². F is the northing of the cylindrical
/// equal-area projection of the ellipsoid (times a), so areas under it are ellipsoidal areas.
struct ZoneArea {
    double f_m2 = 0;
    double df_m2 = 0;
};

ZoneArea zone_area(double lat_deg)
{
    static const double e = std::sqrt(wgs84_e2);
    const double s = std::sin(lat_deg * degree_rad);
    const double c = std::cos(lat_deg * degree_rad);
    const double w = 1 - wgs84_e2 * s * s;
    constexpr double a2 = wgs84_a_m * wgs84_a_m;
    return {a2 * (1 - wgs84_e2) / 2 * (s / w + std::atanh(e * s) / e), a2 * (1 - wgs84_e2) * c / (w * w)};
}

/// Signed area in m² of a closed ring whose edges are straight in lon/lat (the data's CRS), by
/// Green's theorem in the equal-area plane (λ, F(φ)): the sum over the edges of ∫ F dλ. Along an
/// edge φ is linear in λ, so ∫ F dλ = Δλ × the mean of F over [φ1, φ2], taken by the trapezoid
/// rule with its end correction h²(F'1 - F'2)/12 (Euler-Maclaurin), whose error is below
/// h⁴/720 × a² Δλ: 0.1 m² for a piece of 1° in latitude, so longer edges are cut into such pieces.
/// F(φ) of the first vertex is subtracted from every term (∮ dλ = 0 on a closed ring), so small
/// units far from the equator keep their digits.
double ring_area_m2(const std::vector<XY>& ring)
{
    if (ring.size() < 4) {
        return 0;
    }
    const double f0 = zone_area(ring.front().y).f_m2;
    ZoneArea previous = zone_area(ring.front().y);
    double sum = 0;  // ∮ (F - F0) dλ, λ in degrees
    for (std::size_t i = 1; i < ring.size(); ++i) {
        const XY& from = ring[i - 1];
        const XY& to = ring[i];
        const double dlat_deg = to.y - from.y;
        const int pieces = std::max(1, static_cast<int>(std::ceil(std::abs(dlat_deg) / area_piece_deg)));
        for (int k = 1; k <= pieces; ++k) {
            const double t = static_cast<double>(k) / pieces;
            const ZoneArea next = zone_area(k == pieces ? to.y : from.y + t * dlat_deg);
            const double h_rad = dlat_deg / pieces * degree_rad;
            const double mean = (previous.f_m2 + next.f_m2) / 2 - f0 + h_rad * (previous.df_m2 - next.df_m2) / 12;
            sum += (to.x - from.x) / pieces * mean;
            previous = next;
        }
    }
    // Counter-clockwise in (λ, φ) gives a negative ∮ F dλ.
    return -sum * degree_rad;
}

/// Area in m² of the polygonal parts: shells less holes, each ring measured on the ellipsoid.
double polygonal_area_m2(const GeosContext& geos, const GEOSGeometry* geometry)
{
    switch (geos.type_id(geometry)) {
    case GEOS_POLYGON: {
        if (geos.is_empty(geometry)) {
            return 0;
        }
        double area = std::abs(ring_area_m2(geos.coordinates(geos.exterior_ring(geometry))));
        const int holes = geos.num_interior_rings(geometry);
        for (int i = 0; i < holes; ++i) {
            area -= std::abs(ring_area_m2(geos.coordinates(geos.interior_ring_n(geometry, i))));
        }
        return area;
    }
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION: {
        double total = 0;
        const int parts = geos.num_geometries(geometry);
        for (int i = 0; i < parts; ++i) {
            total += polygonal_area_m2(geos, geos.geometry_n(geometry, i));
        }
        return total;
    }
    default:
        return 0;
    }
}

} // namespace

LonLat envelope_centre(const GeosContext& geos, const GEOSGeometry* geometry)
{
    if (geos.is_empty(geometry)) {
        return {};
    }
    const Envelope box = geos.extent(geometry);
    return {(box.xmin + box.xmax) / 2, (box.ymin + box.ymax) / 2};
}

double area_km2(const GeosContext& geos, const GEOSGeometry* geometry)
{
    return polygonal_area_m2(geos, geometry) / 1e6;
}

double length_km(const GeosContext& geos, const GEOSGeometry* geometry)
{
    return linework_km(geos, geometry);
}

double geodesic_distance_km(LonLat a, LonLat b)
{
    double s12 = 0;
    geod_inverse(&wgs84(), a.lat, a.lon, b.lat, b.lon, &s12, nullptr, nullptr);
    return s12 / 1000.0;
}

double distance_km(const GeosContext& geos, const GEOSGeometry* geometry, LonLat point)
{
    const LocalProjection projection(LocalProjection::Kind::equidistant, point.lon, point.lat);
    const GeosGeometryPtr projected = projection.forward(geos, geometry);
    // The point is the projection's origin.
    const GeosGeometryPtr origin = geos.point({0.0, 0.0});
    return geos.distance(projected.get(), origin.get()) / 1000.0;
}

LonLat representative_point(const GeosContext& geos, const GEOSGeometry* geometry)
{
    if (geos.is_empty(geometry)) {
        throw DataError("cannot place a representative point in an empty geometry");
    }
    const GeosGeometryPtr point = geos.own(GEOSPointOnSurface_r(geos.handle(), geometry), "PointOnSurface");
    const XY xy = geos.point_xy(point.get());
    return {xy.x, xy.y};
}

} // namespace migratlas::geo
