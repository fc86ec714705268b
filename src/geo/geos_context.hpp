// RAII for GEOS: one reentrant context per thread that turns GEOS errors into exceptions,
// and owning pointers for GEOS geometries. Every GEOS call in the project goes through these.
#pragma once

#include <geos_c.h>

#include <memory>
#include <string>

namespace migratlas::geo {

class GeosContext;

/// Deleter that frees a geometry with the context that made it.
struct GeosGeometryDeleter {
    GEOSContextHandle_t handle = nullptr;
    void operator()(GEOSGeometry* geometry) const
    {
        if (geometry != nullptr) {
            GEOSGeom_destroy_r(handle, geometry);
        }
    }
};
using GeosGeometryPtr = std::unique_ptr<GEOSGeometry, GeosGeometryDeleter>;

struct GeosPreparedDeleter {
    GEOSContextHandle_t handle = nullptr;
    void operator()(const GEOSPreparedGeometry* prepared) const
    {
        if (prepared != nullptr) {
            GEOSPreparedGeom_destroy_r(handle, prepared);
        }
    }
};
using GeosPreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, GeosPreparedDeleter>;

/// Owns a GEOS context handle (GEOS `_r` API only). Not shareable between threads:
/// create one per thread. Errors raised by GEOS are collected and thrown as migratlas::Error.
class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    [[nodiscard]] GEOSContextHandle_t handle() const { return m_handle; }

    /// Takes ownership of a geometry returned by GEOS; throws with GEOS's message when it is null.
    [[nodiscard]] GeosGeometryPtr own(GEOSGeometry* geometry, const char* operation) const;
    [[nodiscard]] GeosPreparedPtr own_prepared(const GEOSPreparedGeometry* prepared, const char* operation) const;
    /// Checks a GEOS predicate result (0/1, 2 = exception) and returns it as bool.
    [[nodiscard]] bool predicate(char result, const char* operation) const;

    [[nodiscard]] GeosGeometryPtr from_wkt(const std::string& wkt) const;
    [[nodiscard]] std::string to_wkt(const GEOSGeometry* geometry, int precision = 6) const;

    /// The last message GEOS reported (error or notice), for exceptions.
    [[nodiscard]] const std::string& last_message() const { return m_last_message; }

private:
    GEOSContextHandle_t m_handle;
    std::string m_last_message;
};

} // namespace migratlas::geo
