#include "geo/measure.hpp"

#include "common/error.hpp"
#include "geo/local_projection.hpp"

#include <geodesic.h>


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

double sequence_length_km(const GeosContext& geos, const GEOSCoordSequence* sequence)
{
    unsigned int size = 0;
    GEOSCoordSeq_getSize_r(geos.handle(), sequence, &size);
    double total_m = 0;
    double prev_x = 0, prev_y = 0;
    for (unsigned int i = 0; i < size; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(geos.handle(), sequence, i, &x, &y);
        if (i > 0) {
            double s12 = 0;
            geod_inverse(&wgs84(), prev_y, prev_x, y, x, &s12, nullptr, nullptr);
            total_m += s12;
        }
        prev_x = x;
        prev_y = y;
    }
    return total_m / 1000.0;
}

double linework_km(const GeosContext& geos, const GEOSGeometry* geometry)
{
    const GEOSContextHandle_t h = geos.handle();
    switch (GEOSGeomTypeId_r(h, geometry)) {
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        return sequence_length_km(geos, GEOSGeom_getCoordSeq_r(h, geometry));
    case GEOS_POLYGON: {
        if (GEOSisEmpty_r(h, geometry) == 1) {
            return 0;
        }
        double total = linework_km(geos, GEOSGetExteriorRing_r(h, geometry));
        const int holes = GEOSGetNumInteriorRings_r(h, geometry);
        for (int i = 0; i < holes; ++i) {
            total += linework_km(geos, GEOSGetInteriorRingN_r(h, geometry, i));
        }
        return total;
    }
    case GEOS_MULTILINESTRING:
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION: {
        double total = 0;
        const int parts = GEOSGetNumGeometries_r(h, geometry);
        for (int i = 0; i < parts; ++i) {
            total += linework_km(geos, GEOSGetGeometryN_r(h, geometry, i));
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
    if (GEOSisEmpty_r(geos.handle(), geometry) == 1) {
        return {};
    }
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
    GEOSGeom_getExtent_r(geos.handle(), geometry, &xmin, &ymin, &xmax, &ymax);
    return {(xmin + xmax) / 2, (ymin + ymax) / 2};
}

double area_km2(const GeosContext& geos, const GEOSGeometry* geometry)
{
    if (GEOSisEmpty_r(geos.handle(), geometry) == 1) {
        return 0;
    }
    const LonLat centre = envelope_centre(geos, geometry);
    const LocalProjection projection(LocalProjection::Kind::equal_area, centre.lon, centre.lat);
    // Edges are straight in lon/lat (the data's CRS), not in the projection: densified to about
    // 1 km first, a long edge follows its true course. Without this, a zero-width sliver between
    // a parent's long edge and its children's many short ones would measure several km2.
    const GeosGeometryPtr dense = geos.own(GEOSDensify_r(geos.handle(), geometry, densify_step_deg), "densify");
    const GeosGeometryPtr projected = projection.forward(geos, dense.get());
    double area_m2 = 0;
    if (GEOSArea_r(geos.handle(), projected.get(), &area_m2) == 0) {
        throw Error("GEOS area failed: " + geos.last_message());
    }
    return area_m2 / 1e6;
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
    const GeosGeometryPtr origin = geos.own(GEOSGeom_createPointFromXY_r(geos.handle(), 0.0, 0.0), "point");
    double distance_m = 0;
    if (GEOSDistance_r(geos.handle(), projected.get(), origin.get(), &distance_m) == 0) {
        throw Error("GEOS distance failed: " + geos.last_message());
    }
    return distance_m / 1000.0;
}

LonLat representative_point(const GeosContext& geos, const GEOSGeometry* geometry)
{
    if (GEOSisEmpty_r(geos.handle(), geometry) == 1) {
        throw DataError("cannot place a representative point in an empty geometry");
    }
    const GeosGeometryPtr point = geos.own(GEOSPointOnSurface_r(geos.handle(), geometry), "PointOnSurface");
    LonLat result;
    GEOSGeomGetX_r(geos.handle(), point.get(), &result.lon);
    GEOSGeomGetY_r(geos.handle(), point.get(), &result.lat);
    return result;
}

} // namespace migratlas::geo
