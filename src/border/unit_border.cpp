#include "border/unit_border.hpp"

#include "common/error.hpp"
#include "geo/local_projection.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace migratlas::border {

namespace {

double area_m2(const geo::GeosContext& geos, const GEOSGeometry* g)
{
    double area = 0;
    if (GEOSArea_r(geos.handle(), g, &area) == 0) {
        throw Error("GEOS area failed: " + geos.last_message());
    }
    return area;
}

} // namespace

std::vector<BorderGeometry> border_geometries(const geo::GeosContext& geos, const std::vector<BorderLine>& borders)
{
    std::vector<BorderGeometry> result;
    for (const BorderLine& border : borders) {
        result.push_back({border.country_a + "-" + border.country_b, borders_geometry(geos, {border})});  // densified
    }
    return result;
}

double buffer_share(const geo::GeosContext& geos, const GEOSGeometry* unit, const GEOSGeometry* lines, double buffer_km)
{
    const GEOSContextHandle_t h = geos.handle();
    if (buffer_km <= 0 || GEOSisEmpty_r(h, unit) == 1 || GEOSisEmpty_r(h, lines) == 1) {
        return 0;
    }
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
    GEOSGeom_getExtent_r(h, unit, &xmin, &ymin, &xmax, &ymax);
    // Only the border within buffer_km of the unit's envelope matters: clip it first (a degree of
    // latitude is at least 110.57 km; a degree of longitude shrinks with the cosine of the latitude).
    const double dlat = buffer_km / 110.57 * 1.01;
    const double cos_lat = std::cos(std::min(89.0, std::max(std::abs(ymin), std::abs(ymax)) + dlat) * M_PI / 180.0);
    const double dlon = cos_lat > 1e-6 ? std::min(360.0, buffer_km / (111.32 * cos_lat) * 1.01) : 360.0;
    const geo::GeosGeometryPtr near =
        geos.own(GEOSClipByRect_r(h, lines, xmin - dlon, ymin - dlat, xmax + dlon, ymax + dlat), "clip");
    if (GEOSisEmpty_r(h, near.get()) == 1) {
        return 0;
    }
    const geo::LonLat centre = geo::envelope_centre(geos, unit);
    const geo::LocalProjection projection(geo::LocalProjection::Kind::equal_area, centre.lon, centre.lat);
    geo::GeosGeometryPtr unit_m = projection.forward(geos, unit);
    // A valid lon/lat polygon can come out of the projection with a self-touching ring where two
    // vertices lie within rounding of each other: repair it, as geo import repairs sources.
    if (!geos.predicate(GEOSisValid_r(h, unit_m.get()), "is valid")) {
        unit_m = geos.own(GEOSMakeValid_r(h, unit_m.get()), "make valid");
    }
    const geo::GeosGeometryPtr lines_m = projection.forward(geos, near.get());
    const geo::GeosGeometryPtr band = geos.own(GEOSBuffer_r(h, lines_m.get(), buffer_km * 1000.0, 16), "buffer");
    const geo::GeosGeometryPtr inside = geos.own(GEOSIntersection_r(h, unit_m.get(), band.get()), "intersection");
    const double total = area_m2(geos, unit_m.get());
    return total > 0 ? std::clamp(area_m2(geos, inside.get()) / total, 0.0, 1.0) : 0.0;
}

UnitBorderFigures unit_border_figures(const geo::GeosContext& geos, const GEOSGeometry* unit, geo::LonLat rep,
    const std::vector<BorderGeometry>& borders, const GEOSGeometry* all_borders, const std::vector<NamedPoint>& points,
    double buffer_km)
{
    UnitBorderFigures figures;
    const GEOSContextHandle_t h = geos.handle();
    const geo::LocalProjection around(geo::LocalProjection::Kind::equidistant, rep.lon, rep.lat);
    const geo::GeosGeometryPtr unit_m = around.forward(geos, unit);
    const geo::GeosGeometryPtr origin = geos.own(GEOSGeom_createPointFromXY_r(h, 0.0, 0.0), "point");
    for (const BorderGeometry& border : borders) {
        // In an azimuthal equidistant projection centred on the point, distances from it are geodesic.
        const geo::GeosGeometryPtr lines_m = around.forward(geos, border.lines.get());
        double from_point = 0, from_polygon = 0;
        if (GEOSDistance_r(h, lines_m.get(), origin.get(), &from_point) == 0 ||
            GEOSDistance_r(h, lines_m.get(), unit_m.get(), &from_polygon) == 0) {
            throw Error("GEOS distance failed: " + geos.last_message());
        }
        if (!figures.border_distance_km || from_point / 1000.0 < *figures.border_distance_km) {
            figures.border_distance_km = from_point / 1000.0;
            figures.nearest_border = border.name;
        }
        figures.touches_border = figures.touches_border || from_polygon <= 500.0;
    }
    for (const NamedPoint& point : points) {
        const double km = geo::geodesic_distance_km(rep, point.at);
        if (!figures.crossing_distance_km || km < *figures.crossing_distance_km) {
            figures.crossing_distance_km = km;
            figures.nearest_point = point.id;
        }
    }
    const double best = all_borders != nullptr ? buffer_share(geos, unit, all_borders, buffer_km) : 0.0;
    figures.buffer_share = best;
    return figures;
}

} // namespace migratlas::border
