#include "geo/repair.hpp"

#include "common/error.hpp"

#include <vector>

namespace migratlas::geo {

namespace {

bool keep_part(const GeosContext& geos, const GEOSGeometry* polygon, double min_part_area)
{
    if (geos.is_empty(polygon)) {
        return false;
    }
    return min_part_area <= 0 || geos.area(polygon) > min_part_area;
}

void gather(const GeosContext& geos, const GEOSGeometry* geometry, double min_part_area,
    std::vector<GeosGeometryPtr>& polygons)
{
    const int type = geos.type_id(geometry);
    if (type == GEOS_POLYGON) {
        if (keep_part(geos, geometry, min_part_area)) {
            polygons.push_back(geos.clone(geometry));
        }
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = geos.num_geometries(geometry);
        for (int i = 0; i < n; ++i) {
            gather(geos, geos.geometry_n(geometry, i), min_part_area, polygons);
        }
    }
}

} // namespace

bool has_polygonal_part(const GeosContext& geos, const GEOSGeometry* geometry)
{
    const int type = geos.type_id(geometry);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        return true;
    }
    if (type == GEOS_GEOMETRYCOLLECTION) {
        const int n = geos.num_geometries(geometry);
        for (int i = 0; i < n; ++i) {
            if (has_polygonal_part(geos, geos.geometry_n(geometry, i))) {
                return true;
            }
        }
    }
    return false;
}

GeosGeometryPtr collect_polygons(const GeosContext& geos, const GEOSGeometry* geometry, double min_part_area)
{
    std::vector<GeosGeometryPtr> polygons;
    gather(geos, geometry, min_part_area, polygons);
    return geos.collection(GEOS_MULTIPOLYGON, std::move(polygons));
}

RepairResult make_valid_multipolygon(const GeosContext& geos, const GEOSGeometry* geometry)
{
    const GEOSContextHandle_t h = geos.handle();
    RepairResult result;
    GeosGeometryPtr polygons = collect_polygons(geos, geometry);
    if (geos.is_valid(polygons.get())) {
        result.geometry = std::move(polygons);
        return result;
    }
    result.reason = geos.is_valid_reason(polygons.get());
    // Each part is repaired on its own and the parts are then unioned: parts of one unit that
    // overlap (a common digitising error) keep their whole area instead of cancelling out, as
    // MakeValid on the whole MultiPolygon would do (it treats overlaps as holes).
    const int n = geos.num_geometries(polygons.get());
    if (n == 1) {
        const GeosGeometryPtr fixed = geos.own(GEOSMakeValid_r(h, geos.geometry_n(polygons.get(), 0)), "MakeValid");
        result.geometry = collect_polygons(geos, fixed.get());
    } else {
        std::vector<GeosGeometryPtr> repaired_parts;
        for (int i = 0; i < n; ++i) {
            repaired_parts.push_back(geos.own(GEOSMakeValid_r(h, geos.geometry_n(polygons.get(), i)), "MakeValid"));
        }
        const GeosGeometryPtr collection = geos.collection(GEOS_GEOMETRYCOLLECTION, std::move(repaired_parts));
        const GeosGeometryPtr dissolved = geos.own(GEOSUnaryUnion_r(h, collection.get()), "union");
        result.geometry = collect_polygons(geos, dissolved.get());
    }
    result.repaired = true;
    return result;
}

} // namespace migratlas::geo
