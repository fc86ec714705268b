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
    const GEOSContextHandle_t h = geos.handle();
    auto destroy = [h](GEOSWKBReader* r) { GEOSWKBReader_destroy_r(h, r); };
    std::unique_ptr<GEOSWKBReader, decltype(destroy)> reader(GEOSWKBReader_create_r(h), destroy);
    return geos.own(GEOSWKBReader_read_r(h, reader.get(), wkb.data(), wkb.size()), "WKB read");
}

std::unique_ptr<OGRGeometry> to_ogr(const GeosContext& geos, const GEOSGeometry* geometry)
{
    const GEOSContextHandle_t h = geos.handle();
    auto destroy = [h](GEOSWKBWriter* w) { GEOSWKBWriter_destroy_r(h, w); };
    std::unique_ptr<GEOSWKBWriter, decltype(destroy)> writer(GEOSWKBWriter_create_r(h), destroy);
    GEOSWKBWriter_setByteOrder_r(h, writer.get(), GEOS_WKB_NDR);
    std::size_t size = 0;
    unsigned char* bytes = GEOSWKBWriter_write_r(h, writer.get(), geometry, &size);
    if (bytes == nullptr) {
        throw Error("GEOS WKB write failed: " + geos.last_message());
    }
    OGRGeometry* created = nullptr;
    const OGRErr err = OGRGeometryFactory::createFromWkb(bytes, nullptr, &created, size, wkbVariantIso);
    std::unique_ptr<OGRGeometry> owned(created);
    GEOSFree_r(h, bytes);
    if (err != OGRERR_NONE || !owned) {
        throw Error("cannot convert a GEOS geometry to OGR");
    }
    return owned;
}

} // namespace migratlas::geo
