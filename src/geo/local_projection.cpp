#include "geo/local_projection.hpp"

#include "common/error.hpp"

#include <proj.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace migratlas::geo {

struct LocalProjection::Handles {
    struct ContextDeleter {
        void operator()(PJ_CONTEXT* context) const { proj_context_destroy(context); }
    };
    struct PjDeleter {
        void operator()(PJ* pj) const { proj_destroy(pj); }
    };
    std::unique_ptr<PJ_CONTEXT, ContextDeleter> context;
    std::unique_ptr<PJ, PjDeleter> pipeline;
};

namespace {

int project_xy(double* x, double* y, void* user_data)
{
    PJ* pipeline = static_cast<PJ*>(user_data);
    PJ_COORD coord = proj_coord(*x, *y, 0, 0);
    coord = proj_trans(pipeline, PJ_FWD, coord);
    if (!std::isfinite(coord.xy.x) || !std::isfinite(coord.xy.y)) {
        return 0;
    }
    *x = coord.xy.x;
    *y = coord.xy.y;
    return 1;
}

} // namespace

LocalProjection::LocalProjection(Kind kind, double lon0, double lat0) : m_handles(std::make_unique<Handles>())
{
    // A PROJ string pipeline needs no database lookup, so building one per unit is cheap;
    // the unitconvert step lets callers pass degrees in traditional GIS (lon, lat) order.
    const double lat = std::clamp(lat0, -90.0, 90.0);
    const double lon = std::clamp(lon0, -180.0, 180.0);
    const std::string definition = std::string("+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad ") +
        "+step +proj=" + (kind == Kind::equal_area ? "laea" : "aeqd") + " +lat_0=" + std::to_string(lat) +
        " +lon_0=" + std::to_string(lon) + " +ellps=WGS84";
    m_handles->context.reset(proj_context_create());
    if (!m_handles->context) {
        throw Error("PROJ could not create a context");
    }
    // Failures become exceptions with PROJ's message; PROJ must not print on its own.
    proj_log_level(m_handles->context.get(), PJ_LOG_NONE);
    m_handles->pipeline.reset(proj_create(m_handles->context.get(), definition.c_str()));
    if (!m_handles->pipeline) {
        throw Error("PROJ rejected the projection '" + definition + "': " +
            proj_context_errno_string(m_handles->context.get(), proj_context_errno(m_handles->context.get())));
    }
}

LocalProjection::~LocalProjection() = default;

GeosGeometryPtr LocalProjection::forward(const GeosContext& geos, const GEOSGeometry* geometry) const
{
    return geos.own(GEOSGeom_transformXY_r(geos.handle(), geometry, &project_xy, m_handles->pipeline.get()),
        "projection to a local equal-area/equidistant plane");
}

} // namespace migratlas::geo
