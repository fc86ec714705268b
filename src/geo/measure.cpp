#include "geo/measure.hpp"

#include "common/error.hpp"
#include "geo/local_projection.hpp"

#include <geodesic.h>

#include <vector>

namespace migratlas::geo {

namespace {

constexpr double densify_step_deg = 0.01;

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
    if (geos.is_empty(geometry)) {
        return 0;
    }
    const LonLat centre = envelope_centre(geos, geometry);
    const LocalProjection projection(LocalProjection::Kind::equal_area, centre.lon, centre.lat);
    // Edges are straight in lon/lat (the data's CRS), not in the projection: densified to about
    // 1 km first, a long edge follows its true course. Without this, a zero-width sliver between
    // a parent's long edge and its children's many short ones would measure several km2.
    const GeosGeometryPtr dense = geos.own(GEOSDensify_r(geos.handle(), geometry, densify_step_deg), "densify");
    const GeosGeometryPtr projected = projection.forward(geos, dense.get());
    return geos.area(projected.get()) / 1e6;
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
