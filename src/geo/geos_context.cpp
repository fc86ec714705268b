#include "geo/geos_context.hpp"

#include "common/error.hpp"


namespace migratlas::geo {

namespace {
void store_message(const char* message, void* user_data)
{
    auto* target = static_cast<std::string*>(user_data);
    *target = message != nullptr ? message : "";
}
} // namespace

GeosContext::GeosContext() : m_handle(GEOS_init_r())
{
    if (m_handle == nullptr) {
        throw Error("GEOS could not create a context");
    }
    GEOSContext_setErrorMessageHandler_r(m_handle, &store_message, &m_last_message);
    // Notices (e.g. "Self-intersection at ...") are not errors; keep them for diagnostics only.
    GEOSContext_setNoticeMessageHandler_r(m_handle, &store_message, &m_last_message);
}

GeosContext::~GeosContext()
{
    GEOS_finish_r(m_handle);
}

GeosGeometryPtr GeosContext::own(GEOSGeometry* geometry, const char* operation) const
{
    if (geometry == nullptr) {
        throw Error(std::string("GEOS ") + operation + " failed: " + m_last_message);
    }
    return GeosGeometryPtr(geometry, GeosGeometryDeleter{m_handle});
}

GeosPreparedPtr GeosContext::own_prepared(const GEOSPreparedGeometry* prepared, const char* operation) const
{
    if (prepared == nullptr) {
        throw Error(std::string("GEOS ") + operation + " failed: " + m_last_message);
    }
    return GeosPreparedPtr(prepared, GeosPreparedDeleter{m_handle});
}

bool GeosContext::predicate(char result, const char* operation) const
{
    if (result == 2) {
        throw Error(std::string("GEOS ") + operation + " failed: " + m_last_message);
    }
    return result == 1;
}

GeosGeometryPtr GeosContext::from_wkt(const std::string& wkt) const
{
    const GEOSContextHandle_t handle = m_handle;
    auto destroy = [handle](GEOSWKTReader* r) { GEOSWKTReader_destroy_r(handle, r); };
    std::unique_ptr<GEOSWKTReader, decltype(destroy)> owned(GEOSWKTReader_create_r(m_handle), destroy);
    return own(GEOSWKTReader_read_r(m_handle, owned.get(), wkt.c_str()), "WKT read");
}

std::string GeosContext::to_wkt(const GEOSGeometry* geometry, int precision) const
{
    const GEOSContextHandle_t handle = m_handle;
    auto destroy = [handle](GEOSWKTWriter* w) { GEOSWKTWriter_destroy_r(handle, w); };
    std::unique_ptr<GEOSWKTWriter, decltype(destroy)> writer(GEOSWKTWriter_create_r(m_handle), destroy);
    GEOSWKTWriter_setRoundingPrecision_r(m_handle, writer.get(), precision);
    GEOSWKTWriter_setTrim_r(m_handle, writer.get(), 1);
    char* text = GEOSWKTWriter_write_r(m_handle, writer.get(), geometry);
    if (text == nullptr) {
        throw Error("GEOS WKT write failed: " + m_last_message);
    }
    std::string result(text);
    GEOSFree_r(m_handle, text);
    return result;
}

} // namespace migratlas::geo
