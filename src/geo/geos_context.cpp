#include "geo/geos_context.hpp"

#include "common/error.hpp"

#include <utility>

namespace migratlas::geo {

namespace {
void store_message(const char* message, void* user_data)
{
    auto* target = static_cast<std::string*>(user_data);
    *target = message != nullptr ? message : "";
}

/// A WKT/WKB reader or writer, destroyed with the context that made it.
template <typename T, void (*destroy)(GEOSContextHandle_t, T*)>
class IoHandle {
public:
    IoHandle(const GeosContext& geos, T* handle, const char* what) : m_context(geos.handle()), m_handle(handle)
    {
        if (m_handle == nullptr) {
            throw Error(std::string("GEOS could not create a ") + what + ": " + geos.last_message());
        }
    }
    ~IoHandle() { destroy(m_context, m_handle); }
    IoHandle(const IoHandle&) = delete;
    IoHandle& operator=(const IoHandle&) = delete;

    [[nodiscard]] T* get() const { return m_handle; }

private:
    GEOSContextHandle_t m_context;
    T* m_handle;
};
using WktReader = IoHandle<GEOSWKTReader, &GEOSWKTReader_destroy_r>;
using WktWriter = IoHandle<GEOSWKTWriter, &GEOSWKTWriter_destroy_r>;
using WkbReader = IoHandle<GEOSWKBReader, &GEOSWKBReader_destroy_r>;
using WkbWriter = IoHandle<GEOSWKBWriter, &GEOSWKBWriter_destroy_r>;
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

void GeosContext::fail(const char* operation) const
{
    throw Error(std::string("GEOS ") + operation + " failed: " + m_last_message);
}

void GeosContext::succeeded(int status, const char* operation) const
{
    if (status == 0) {
        fail(operation);
    }
}

int GeosContext::non_negative(int result, const char* operation) const
{
    if (result < 0) {
        fail(operation);
    }
    return result;
}

const GEOSGeometry* GeosContext::borrowed(const GEOSGeometry* geometry, const char* operation) const
{
    if (geometry == nullptr) {
        fail(operation);
    }
    return geometry;
}

void GeosContext::check_index(int index, int count, const char* what)
{
    if (index < 0 || index >= count) {
        throw Error(std::string("GEOS ") + what + " " + std::to_string(index) + " requested of " +
            std::to_string(count));
    }
}

GeosGeometryPtr GeosContext::own(GEOSGeometry* geometry, const char* operation) const
{
    if (geometry == nullptr) {
        fail(operation);
    }
    return GeosGeometryPtr(geometry, GeosGeometryDeleter{m_handle});
}

GeosPreparedPtr GeosContext::own_prepared(const GEOSPreparedGeometry* prepared, const char* operation) const
{
    if (prepared == nullptr) {
        fail(operation);
    }
    return GeosPreparedPtr(prepared, GeosPreparedDeleter{m_handle});
}

bool GeosContext::predicate(char result, const char* operation) const
{
    if (result == 2) {
        fail(operation);
    }
    return result == 1;
}

GeosGeometryPtr GeosContext::from_wkt(const std::string& wkt) const
{
    const WktReader reader(*this, GEOSWKTReader_create_r(m_handle), "WKT reader");
    return own(GEOSWKTReader_read_r(m_handle, reader.get(), wkt.c_str()), "WKT read");
}

std::string GeosContext::to_wkt(const GEOSGeometry* geometry, int precision) const
{
    const WktWriter writer(*this, GEOSWKTWriter_create_r(m_handle), "WKT writer");
    GEOSWKTWriter_setRoundingPrecision_r(m_handle, writer.get(), precision);
    GEOSWKTWriter_setTrim_r(m_handle, writer.get(), 1);
    char* text = GEOSWKTWriter_write_r(m_handle, writer.get(), geometry);
    if (text == nullptr) {
        fail("WKT write");
    }
    std::string result(text);
    GEOSFree_r(m_handle, text);
    return result;
}

GeosGeometryPtr GeosContext::from_wkb(const unsigned char* wkb, std::size_t size) const
{
    const WkbReader reader(*this, GEOSWKBReader_create_r(m_handle), "WKB reader");
    return own(GEOSWKBReader_read_r(m_handle, reader.get(), wkb, size), "WKB read");
}

std::vector<unsigned char> GeosContext::to_wkb(const GEOSGeometry* geometry) const
{
    const WkbWriter writer(*this, GEOSWKBWriter_create_r(m_handle), "WKB writer");
    GEOSWKBWriter_setByteOrder_r(m_handle, writer.get(), GEOS_WKB_NDR);
    std::size_t size = 0;
    unsigned char* bytes = GEOSWKBWriter_write_r(m_handle, writer.get(), geometry, &size);
    if (bytes == nullptr) {
        fail("WKB write");
    }
    std::vector<unsigned char> wkb(bytes, bytes + size);
    GEOSFree_r(m_handle, bytes);
    return wkb;
}

bool GeosContext::is_empty(const GEOSGeometry* geometry) const
{
    return predicate(GEOSisEmpty_r(m_handle, geometry), "isEmpty");
}

int GeosContext::type_id(const GEOSGeometry* geometry) const
{
    return non_negative(GEOSGeomTypeId_r(m_handle, geometry), "type id");
}

int GeosContext::num_geometries(const GEOSGeometry* geometry) const
{
    return non_negative(GEOSGetNumGeometries_r(m_handle, geometry), "number of geometries");
}

const GEOSGeometry* GeosContext::geometry_n(const GEOSGeometry* geometry, int index) const
{
    check_index(index, num_geometries(geometry), "geometry part");
    return borrowed(GEOSGetGeometryN_r(m_handle, geometry, index), "geometry part");
}

const GEOSGeometry* GeosContext::exterior_ring(const GEOSGeometry* polygon) const
{
    return borrowed(GEOSGetExteriorRing_r(m_handle, polygon), "exterior ring");
}

int GeosContext::num_interior_rings(const GEOSGeometry* polygon) const
{
    return non_negative(GEOSGetNumInteriorRings_r(m_handle, polygon), "number of interior rings");
}

const GEOSGeometry* GeosContext::interior_ring_n(const GEOSGeometry* polygon, int index) const
{
    check_index(index, num_interior_rings(polygon), "interior ring");
    return borrowed(GEOSGetInteriorRingN_r(m_handle, polygon, index), "interior ring");
}

double GeosContext::area(const GEOSGeometry* geometry) const
{
    double value = 0.0;
    succeeded(GEOSArea_r(m_handle, geometry, &value), "area");
    return value;
}

double GeosContext::length(const GEOSGeometry* geometry) const
{
    double value = 0.0;
    succeeded(GEOSLength_r(m_handle, geometry, &value), "length");
    return value;
}

double GeosContext::distance(const GEOSGeometry* a, const GEOSGeometry* b) const
{
    double value = 0.0;
    succeeded(GEOSDistance_r(m_handle, a, b, &value), "distance");
    return value;
}

Envelope GeosContext::extent(const GEOSGeometry* geometry) const
{
    Envelope box;
    // GEOS reports an empty geometry as a failure without a message.
    if (is_empty(geometry)) {
        throw Error("GEOS extent failed: the geometry is empty");
    }
    succeeded(GEOSGeom_getExtent_r(m_handle, geometry, &box.xmin, &box.ymin, &box.xmax, &box.ymax), "extent");
    return box;
}

bool GeosContext::is_valid(const GEOSGeometry* geometry) const
{
    return predicate(GEOSisValid_r(m_handle, geometry), "isValid");
}

std::string GeosContext::is_valid_reason(const GEOSGeometry* geometry) const
{
    char* reason = GEOSisValidReason_r(m_handle, geometry);
    if (reason == nullptr) {
        fail("isValidReason");
    }
    std::string text(reason);
    GEOSFree_r(m_handle, reason);
    return text;
}

XY GeosContext::point_xy(const GEOSGeometry* point) const
{
    XY xy;
    succeeded(GEOSGeomGetX_r(m_handle, point, &xy.x), "point coordinates");
    succeeded(GEOSGeomGetY_r(m_handle, point, &xy.y), "point coordinates");
    return xy;
}

std::vector<XY> GeosContext::coordinates(const GEOSGeometry* line) const
{
    const GEOSCoordSequence* sequence = GEOSGeom_getCoordSeq_r(m_handle, line);
    if (sequence == nullptr) {
        fail("coordinate sequence");
    }
    unsigned int size = 0;
    succeeded(GEOSCoordSeq_getSize_r(m_handle, sequence, &size), "coordinate sequence size");
    std::vector<double> interleaved(2 * std::size_t{size});
    if (size > 0) {
        succeeded(GEOSCoordSeq_copyToBuffer_r(m_handle, sequence, interleaved.data(), 0, 0), "coordinate copy");
    }
    std::vector<XY> vertices(size);
    for (std::size_t i = 0; i < vertices.size(); ++i) {
        vertices[i] = {interleaved[2 * i], interleaved[2 * i + 1]};
    }
    return vertices;
}

GeosGeometryPtr GeosContext::clone(const GEOSGeometry* geometry) const
{
    return own(GEOSGeom_clone_r(m_handle, geometry), "clone");
}

GeosGeometryPtr GeosContext::point(XY at) const
{
    return own(GEOSGeom_createPointFromXY_r(m_handle, at.x, at.y), "point");
}

GeosGeometryPtr GeosContext::from_coordinates(const std::vector<XY>& vertices, bool ring) const
{
    std::vector<double> interleaved;
    interleaved.reserve(2 * vertices.size());
    for (const XY& vertex : vertices) {
        interleaved.push_back(vertex.x);
        interleaved.push_back(vertex.y);
    }
    GEOSCoordSequence* sequence = GEOSCoordSeq_copyFromBuffer_r(m_handle, interleaved.data(),
        static_cast<unsigned int>(vertices.size()), 0, 0);
    if (sequence == nullptr) {
        fail("coordinate sequence");
    }
    // Both constructors take the sequence, also when they fail.
    return ring ? own(GEOSGeom_createLinearRing_r(m_handle, sequence), "ring construction")
                : own(GEOSGeom_createLineString_r(m_handle, sequence), "line construction");
}

GeosGeometryPtr GeosContext::line_string(const std::vector<XY>& vertices) const
{
    return from_coordinates(vertices, false);
}

GeosGeometryPtr GeosContext::polygon(std::vector<XY> shell) const
{
    if (!shell.empty() && (shell.front().x != shell.back().x || shell.front().y != shell.back().y)) {
        shell.push_back(shell.front());
    }
    GeosGeometryPtr ring = from_coordinates(shell, true);
    return own(GEOSGeom_createPolygon_r(m_handle, ring.release(), nullptr, 0), "polygon construction");
}

GeosGeometryPtr GeosContext::collection(int type, std::vector<GeosGeometryPtr> parts) const
{
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (auto& part : parts) {
        raw.push_back(part.release());  // GEOS takes the parts, also when it fails
    }
    return own(GEOSGeom_createCollection_r(m_handle, type, raw.data(), static_cast<unsigned int>(raw.size())),
        "collection");
}

GeosPreparedPtr GeosContext::prepare(const GEOSGeometry* geometry) const
{
    return own_prepared(GEOSPrepare_r(m_handle, geometry), "prepare");
}

} // namespace migratlas::geo
