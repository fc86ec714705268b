#include "geo/ogr_convert.hpp"

#include "common/error.hpp"

#include <vector>

namespace migratlas::geo {

GeosGeometryPtr to_geos(const GeosContext& geos, const OGRGeometry& geometry)
{
    std::unique_ptr<OGRGeometry> flat;
    const OGRGeometry* source = &geometry;
    if (geometry.hasCurveGeometry() || geometry.Is3D() || geometry.IsMeasured()) {
        flat.reset(geometry.hasCurveGeometry() ? geometry.getLinearGeometry() : geometry.clone());
        flat->flattenTo2D();
        flat->setMeasured(FALSE);
        source = flat.get();
    }
    std::vector<unsigned char> wkb(source->WkbSize());
    if (source->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso) != OGRERR_NONE) {
        throw Error("cannot export an OGR geometry to WKB");
    }
    return geos.from_wkb(wkb.data(), wkb.size());
}

std::unique_ptr<OGRGeometry> to_ogr(const GeosContext& geos, const GEOSGeometry* geometry)
{
    const std::vector<unsigned char> wkb = geos.to_wkb(geometry);
    OGRGeometry* created = nullptr;
    const OGRErr err = OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &created, wkb.size(), wkbVariantIso);
    std::unique_ptr<OGRGeometry> owned(created);
    if (err != OGRERR_NONE || !owned) {
        throw Error("cannot convert a GEOS geometry to OGR");
    }
    return owned;
}

} // namespace migratlas::geo
