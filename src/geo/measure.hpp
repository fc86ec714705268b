// Ellipsoidal measures of lon/lat (EPSG:4326) geometries: area, border length, distance, interior point.
// They feed the `units` layer (area_km2, rep_lon/rep_lat), unit_neighbours and UnitIndex::locate.
#pragma once

#include "geo/geos_context.hpp"

namespace migratlas::geo {

struct LonLat {
    double lon = 0;
    double lat = 0;
};

/// Area in km² of the polygonal parts on the WGS84 ellipsoid, with edges straight in lon/lat as
/// the data draws them (never in square degrees): integrated in the cylindrical equal-area plane,
/// without PROJ (a PROJ pipeline per unit cost more than all the rest of a page's planning).
/// 0 for empty or non-polygonal input.
[[nodiscard]] double area_km2(const GeosContext& geos, const GEOSGeometry* geometry);

/// Geodesic length in km (WGS84 ellipsoid) of the linework: lines as they are, polygon rings as
/// boundaries. Points count 0.
[[nodiscard]] double length_km(const GeosContext& geos, const GEOSGeometry* geometry);

/// Geodesic distance in km between two lon/lat points (WGS84 ellipsoid).
[[nodiscard]] double geodesic_distance_km(LonLat a, LonLat b);

/// Distance in km from a point to a geometry (0 when inside or on it), measured in an azimuthal
/// equidistant projection centred on the point, where distances from the centre are geodesic.
[[nodiscard]] double distance_km(const GeosContext& geos, const GEOSGeometry* geometry, LonLat point);

/// A point guaranteed to lie inside the geometry (GEOS PointOnSurface), for labels and lookups.
/// Throws DataError for an empty geometry.
[[nodiscard]] LonLat representative_point(const GeosContext& geos, const GEOSGeometry* geometry);

/// Centre of the geometry's envelope; (0, 0) for an empty geometry.
[[nodiscard]] LonLat envelope_centre(const GeosContext& geos, const GEOSGeometry* geometry);

} // namespace migratlas::geo
