// RAII for GEOS: one reentrant context per thread that turns GEOS errors into exceptions,
// and owning pointers for GEOS geometries. Every GEOS call in the project goes through these.
#pragma once

#include <geos_c.h>

#include <memory>
#include <string>
#include <vector>

namespace migratlas::geo {

class GeosContext;

/// A planar coordinate pair (lon/lat in degrees, or km in a local frame).
struct XY {
    double x = 0.0;
    double y = 0.0;
};

struct Envelope {
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
};

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
    [[nodiscard]] GeosGeometryPtr from_wkb(const unsigned char* wkb, std::size_t size) const;
    /// Little-endian WKB (2D geometries are the same in ISO and extended WKB).
    [[nodiscard]] std::vector<unsigned char> to_wkb(const GEOSGeometry* geometry) const;

    // Checked accessors and measures. Each throws Error with GEOS's message when GEOS reports an
    // exception (a -1 count or type, a 0 status, a predicate's 2, a NULL pointer), and an index
    // out of range throws rather than reading past the end (GEOS does not check it).

    [[nodiscard]] bool is_empty(const GEOSGeometry* geometry) const;
    /// GEOS_POINT, GEOS_LINESTRING, ... GEOS_GEOMETRYCOLLECTION.
    [[nodiscard]] int type_id(const GEOSGeometry* geometry) const;
    /// Parts of a collection; 1 for a single geometry.
    [[nodiscard]] int num_geometries(const GEOSGeometry* geometry) const;
    /// Part `index` of a collection (the geometry itself for a single one), owned by `geometry`.
    [[nodiscard]] const GEOSGeometry* geometry_n(const GEOSGeometry* geometry, int index) const;
    [[nodiscard]] const GEOSGeometry* exterior_ring(const GEOSGeometry* polygon) const;
    [[nodiscard]] int num_interior_rings(const GEOSGeometry* polygon) const;
    [[nodiscard]] const GEOSGeometry* interior_ring_n(const GEOSGeometry* polygon, int index) const;
    /// Planar measures in the units of the coordinates.
    [[nodiscard]] double area(const GEOSGeometry* geometry) const;
    [[nodiscard]] double length(const GEOSGeometry* geometry) const;
    [[nodiscard]] double distance(const GEOSGeometry* a, const GEOSGeometry* b) const;
    /// Bounding box of a non-empty geometry (an empty one throws: it has none).
    [[nodiscard]] Envelope extent(const GEOSGeometry* geometry) const;
    [[nodiscard]] bool is_valid(const GEOSGeometry* geometry) const;
    /// "Valid Geometry", or why not ("Self-intersection[2 1]").
    [[nodiscard]] std::string is_valid_reason(const GEOSGeometry* geometry) const;
    /// Coordinates of a non-empty point.
    [[nodiscard]] XY point_xy(const GEOSGeometry* point) const;
    /// Vertices of a LineString or LinearRing, in order.
    [[nodiscard]] std::vector<XY> coordinates(const GEOSGeometry* line) const;

    // Checked constructors: the result is owned, and a failure throws as above.

    [[nodiscard]] GeosGeometryPtr clone(const GEOSGeometry* geometry) const;
    [[nodiscard]] GeosGeometryPtr point(XY at) const;
    [[nodiscard]] GeosGeometryPtr line_string(const std::vector<XY>& vertices) const;
    /// A polygon without holes; `shell` is closed here when its last vertex is not its first.
    [[nodiscard]] GeosGeometryPtr polygon(std::vector<XY> shell) const;
    /// A collection of `type` (GEOS_MULTIPOLYGON, GEOS_GEOMETRYCOLLECTION, ...) that takes the parts.
    [[nodiscard]] GeosGeometryPtr collection(int type, std::vector<GeosGeometryPtr> parts) const;
    [[nodiscard]] GeosPreparedPtr prepare(const GEOSGeometry* geometry) const;

    /// The last message GEOS reported (error or notice), for exceptions.
    [[nodiscard]] const std::string& last_message() const { return m_last_message; }

private:
    [[noreturn]] void fail(const char* operation) const;
    /// Throws unless a GEOS status is 1 (0 = exception).
    void succeeded(int status, const char* operation) const;
    /// `result` when GEOS did not report -1 for an exception.
    [[nodiscard]] int non_negative(int result, const char* operation) const;
    /// A part owned by its parent geometry, when GEOS did not return NULL for an exception.
    [[nodiscard]] const GEOSGeometry* borrowed(const GEOSGeometry* geometry, const char* operation) const;
    /// GEOS reads parts and rings without a bounds check.
    static void check_index(int index, int count, const char* what);
    [[nodiscard]] GeosGeometryPtr from_coordinates(const std::vector<XY>& vertices, bool ring) const;

    GEOSContextHandle_t m_handle;
    std::string m_last_message;
};

} // namespace migratlas::geo
