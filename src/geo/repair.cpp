#include "geo/repair.hpp"

#include "common/error.hpp"

#include <vector>

namespace migratlas::geo {

namespace {

bool keep_part(const GeosContext& geos, const GEOSGeometry* polygon, double min_part_area)
{
    const GEOSContextHandle_t h = geos.handle();
    if (GEOSisEmpty_r(h, polygon) != 0) {
        return false;
    }
    if (min_part_area <= 0) {
        return true;
    }
    double area = 0;
    if (GEOSArea_r(h, polygon, &area) == 0) {
        throw Error("GEOS area failed: " + geos.last_message());
    }
    return area > min_part_area;
}

void gather(const GeosContext& geos, const GEOSGeometry* geometry, double min_part_area,
    std::vector<GEOSGeometry*>& polygons)
{
    const GEOSContextHandle_t h = geos.handle();
    const int type = GEOSGeomTypeId_r(h, geometry);
    if (type == GEOS_POLYGON) {
        if (keep_part(geos, geometry, min_part_area)) {
            polygons.push_back(GEOSGeom_clone_r(h, geometry));
        }
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(h, geometry);
        for (int i = 0; i < n; ++i) {
            gather(geos, GEOSGetGeometryN_r(h, geometry, i), min_part_area, polygons);
        }
    }
}

} // namespace

bool has_polygonal_part(const GeosContext& geos, const GEOSGeometry* geometry)
{
    const GEOSContextHandle_t h = geos.handle();
    const int type = GEOSGeomTypeId_r(h, geometry);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        return true;
    }
    if (type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(h, geometry);
        for (int i = 0; i < n; ++i) {
            if (has_polygonal_part(geos, GEOSGetGeometryN_r(h, geometry, i))) {
                return true;
            }
        }
    }
    return false;
}

GeosGeometryPtr collect_polygons(const GeosContext& geos, const GEOSGeometry* geometry, double min_part_area)
{
    std::vector<GEOSGeometry*> polygons;
    gather(geos, geometry, min_part_area, polygons);
    // GEOSGeom_createCollection_r takes ownership of the clones (also when it fails).
    return geos.own(GEOSGeom_createCollection_r(geos.handle(), GEOS_MULTIPOLYGON, polygons.data(),
                        static_cast<unsigned int>(polygons.size())),
        "MultiPolygon creation");
}

RepairResult make_valid_multipolygon(const GeosContext& geos, const GEOSGeometry* geometry)
{
    const GEOSContextHandle_t h = geos.handle();
    RepairResult result;
    GeosGeometryPtr polygons = collect_polygons(geos, geometry);
    const char valid = GEOSisValid_r(h, polygons.get());
    if (geos.predicate(valid, "isValid")) {
        result.geometry = std::move(polygons);
        return result;
    }
    char* reason = GEOSisValidReason_r(h, polygons.get());
    if (reason != nullptr) {
        result.reason = reason;
        GEOSFree_r(h, reason);
    }
    // Each part is repaired on its own and the parts are then unioned: parts of one unit that
    // overlap (a common digitising error) keep their whole area instead of cancelling out, as
    // MakeValid on the whole MultiPolygon would do (it treats overlaps as holes).
    const int n = GEOSGetNumGeometries_r(h, polygons.get());
    if (n == 1) {
        const GeosGeometryPtr fixed = geos.own(GEOSMakeValid_r(h, GEOSGetGeometryN_r(h, polygons.get(), 0)), "MakeValid");
        result.geometry = collect_polygons(geos, fixed.get());
    } else {
        std::vector<GeosGeometryPtr> repaired_parts;
        for (int i = 0; i < n; ++i) {
            repaired_parts.push_back(geos.own(GEOSMakeValid_r(h, GEOSGetGeometryN_r(h, polygons.get(), i)), "MakeValid"));
        }
        std::vector<GEOSGeometry*> parts;
        for (auto& part : repaired_parts) {
            parts.push_back(part.release());  // the collection below takes ownership
        }
        const GeosGeometryPtr collection = geos.own(GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(),
            static_cast<unsigned int>(parts.size())), "collection");
        const GeosGeometryPtr dissolved = geos.own(GEOSUnaryUnion_r(h, collection.get()), "union");
        result.geometry = collect_polygons(geos, dissolved.get());
    }
    result.repaired = true;
    return result;
}

} // namespace migratlas::geo
