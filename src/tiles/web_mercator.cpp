#include "tiles/web_mercator.hpp"

#include "common/error.hpp"

#include <proj.h>

#include <numbers>
#include <string>

namespace migratlas::tiles {

namespace {
// EPSG:3857 is spherical Mercator on the WGS84 semi-major axis: the square is 2 pi a wide.
constexpr double semi_major_m = 6378137.0;
constexpr double square_m = 2.0 * std::numbers::pi * semi_major_m;
} // namespace

struct WebMercator::Handles {
    struct ContextDeleter {
        void operator()(PJ_CONTEXT* context) const { proj_context_destroy(context); }
    };
    struct PjDeleter {
        void operator()(PJ* pj) const { proj_destroy(pj); }
    };
    std::unique_ptr<PJ_CONTEXT, ContextDeleter> context;
    std::unique_ptr<PJ, PjDeleter> pipeline;
};

WebMercator::WebMercator() : m_handles(std::make_unique<Handles>())
{
    // The PROJ string of EPSG:3857 needs no database lookup; unitconvert takes degrees in
    // traditional GIS (lon, lat) order.
    const char* definition =
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=webmerc +ellps=WGS84";
    m_handles->context.reset(proj_context_create());
    if (!m_handles->context) {
        throw Error("PROJ could not create a context");
    }
    proj_log_level(m_handles->context.get(), PJ_LOG_NONE);
    m_handles->pipeline.reset(proj_create(m_handles->context.get(), definition));
    if (!m_handles->pipeline) {
        throw Error(std::string("PROJ rejected the Web Mercator pipeline: ") +
            proj_context_errno_string(m_handles->context.get(), proj_context_errno(m_handles->context.get())));
    }
}

WebMercator::~WebMercator() = default;

void WebMercator::forward(std::span<double> lon, std::span<double> lat) const
{
    const std::size_t n = lon.size();
    if (n == 0) {
        return;
    }
    const std::size_t transformed = proj_trans_generic(m_handles->pipeline.get(), PJ_FWD, lon.data(), sizeof(double), n,
        lat.data(), sizeof(double), n, nullptr, 0, 0, nullptr, 0, 0);
    if (transformed != n) {
        throw Error("PROJ could not project coordinates to Web Mercator");
    }
    const double scale = static_cast<double>(world_size) / square_m;
    for (std::size_t i = 0; i < n; ++i) {
        lon[i] = (lon[i] + square_m / 2.0) * scale;
        lat[i] = (square_m / 2.0 - lat[i]) * scale;
    }
}

LonLat WebMercator::inverse(double world_x, double world_y) const
{
    const double scale = square_m / static_cast<double>(world_size);
    PJ_COORD coord = proj_coord(world_x * scale - square_m / 2.0, square_m / 2.0 - world_y * scale, 0, 0);
    coord = proj_trans(m_handles->pipeline.get(), PJ_INV, coord);
    return LonLat{coord.xy.x, coord.xy.y};
}

} // namespace migratlas::tiles
