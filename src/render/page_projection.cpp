#include "render/page_projection.hpp"

#include "render/atlas_parser.hpp"

#include <proj.h>
#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace migratlas::render {

void LonLatBox::add(double lon, double lat)
{
    min_lon = std::min(min_lon, lon);
    max_lon = std::max(max_lon, lon);
    min_lat = std::min(min_lat, lat);
    max_lat = std::max(max_lat, lat);
}

void LonLatBox::add(const LonLatBox& other)
{
    if (!other.empty()) {
        add(other.min_lon, other.min_lat);
        add(other.max_lon, other.max_lat);
    }
}

struct MapProjection::Handles {
    PJ_CONTEXT* context = nullptr;
    PJ* transform = nullptr;
    ~Handles()
    {
        if (transform) {
            proj_destroy(transform);
        }
        if (context) {
            proj_context_destroy(context);
        }
    }
};

namespace {

std::string number(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4f", value);
    return buffer;
}

std::string definition_for(const std::string& spec, const LonLatBox& box)
{
    const double lon0 = (box.min_lon + box.max_lon) / 2, lat0 = (box.min_lat + box.max_lat) / 2;
    if (spec == "auto" || spec == "laea") {
        return "+proj=laea +lat_0=" + number(lat0) + " +lon_0=" + number(lon0) + " +datum=WGS84 +units=m +no_defs";
    }
    if (spec == "albers") {
        const double span = box.max_lat - box.min_lat;
        double lat1 = box.min_lat + span / 6, lat2 = box.max_lat - span / 6;
        if (std::abs(lat1 + lat2) < 1.0) {
            lat2 += 1.0;  // parallels symmetric about the equator make the cone a cylinder (n = 0)
        }
        return "+proj=aea +lat_1=" + number(lat1) + " +lat_2=" + number(lat2) + " +lat_0=" + number(lat0) +
            " +lon_0=" + number(lon0) + " +datum=WGS84 +units=m +no_defs";
    }
    if (spec.rfind("EPSG:", 0) == 0) {
        return "epsg:" + spec.substr(5);
    }
    return spec;
}

} // namespace

MapProjection::MapProjection(const std::string& spec, const LonLatBox& box, const SourcePos& pos)
    : m_handles(std::make_unique<Handles>()), m_definition(definition_for(spec, box))
{
    m_handles->context = proj_context_create();
    if (spec == "auto" || spec == "laea" || spec == "albers") {
        // Our own definitions need no CRS database: a pipeline from degrees is enough, and it spares
        // each page PROJ's proj.db look-ups.
        m_handles->transform = proj_create(m_handles->context,
            ("+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step " + m_definition).c_str());
        if (m_handles->transform == nullptr) {
            throw AtlasError(pos, "projection '" + spec + "' could not be set up for this extent");
        }
        return;
    }
    const std::string target = m_definition.rfind("epsg:", 0) == 0 ? "EPSG:" + m_definition.substr(5) : m_definition;
    PJ* raw = proj_create_crs_to_crs(m_handles->context, "EPSG:4326", target.c_str(), nullptr);
    if (raw == nullptr) {
        throw AtlasError(pos, "unknown projection '" + spec + "' (auto, laea, albers, a PROJ string or EPSG:n)");
    }
    m_handles->transform = proj_normalize_for_visualization(m_handles->context, raw);
    proj_destroy(raw);
    if (m_handles->transform == nullptr) {
        throw AtlasError(pos, "projection '" + spec + "' cannot be used with lon/lat order");
    }
    PJ* crs = proj_create(m_handles->context, target.c_str());
    const bool geographic = crs != nullptr &&
        (proj_get_type(crs) == PJ_TYPE_GEOGRAPHIC_2D_CRS || proj_get_type(crs) == PJ_TYPE_GEOGRAPHIC_3D_CRS);
    if (crs) {
        proj_destroy(crs);
    }
    if (geographic) {
        throw AtlasError(pos, "projection '" + spec + "' is geographic (plate carrée on paper); use auto, laea, albers or a projected CRS");
    }
}

MapProjection::~MapProjection() = default;

std::array<double, 2> MapProjection::forward(double lon, double lat) const
{
    const PJ_COORD out = proj_trans(m_handles->transform, PJ_FWD, proj_coord(lon, lat, 0, 0));
    return {out.xy.x, out.xy.y};
}

std::array<double, 2> MapProjection::inverse(double x, double y) const
{
    const PJ_COORD out = proj_trans(m_handles->transform, PJ_INV, proj_coord(x, y, 0, 0));
    return {out.lp.lam, out.lp.phi};
}

ProjectedBox MapProjection::project(const LonLatBox& box) const
{
    ProjectedBox result{1e300, 1e300, -1e300, -1e300};
    constexpr int steps = 16;
    for (int i = 0; i <= steps; ++i) {
        const double t = static_cast<double>(i) / steps;
        const double lon = box.min_lon + (box.max_lon - box.min_lon) * t;
        const double lat = box.min_lat + (box.max_lat - box.min_lat) * t;
        for (const auto& [x, y] : {forward(lon, box.min_lat), forward(lon, box.max_lat), forward(box.min_lon, lat),
                 forward(box.max_lon, lat)}) {
            if (std::isfinite(x) && std::isfinite(y)) {
                result.min_x = std::min(result.min_x, x);
                result.max_x = std::max(result.max_x, x);
                result.min_y = std::min(result.min_y, y);
                result.max_y = std::max(result.max_y, y);
            }
        }
    }
    return result;
}

std::vector<std::array<double, 2>> MapProjection::outline(const ProjectedBox& box, int steps_per_side) const
{
    std::vector<std::array<double, 2>> ring;
    const std::array<std::array<double, 2>, 5> corners{{{box.min_x, box.min_y}, {box.max_x, box.min_y},
        {box.max_x, box.max_y}, {box.min_x, box.max_y}, {box.min_x, box.min_y}}};
    for (std::size_t side = 0; side < 4; ++side) {
        for (int i = 0; i < steps_per_side; ++i) {
            const double t = static_cast<double>(i) / steps_per_side;
            ring.push_back(inverse(corners[side][0] + (corners[side + 1][0] - corners[side][0]) * t,
                corners[side][1] + (corners[side + 1][1] - corners[side][1]) * t));
        }
    }
    ring.push_back(ring.front());
    return ring;
}

double MapProjection::ground_km_per_metre(double x, double y) const
{
    // A 10 km step (or less on small maps) straddling the point; the geodesic between the inverse
    // images is the ground length of that step.
    const double half = 5000.0;
    const auto west = inverse(x - half, y);
    const auto east = inverse(x + half, y);
    geod_geodesic ellipsoid{};
    geod_init(&ellipsoid, 6378137.0, 1 / 298.257223563);
    double distance_m = 0;
    geod_inverse(&ellipsoid, west[1], west[0], east[1], east[0], &distance_m, nullptr, nullptr);
    return distance_m / 1000.0 / (2 * half);
}

ProjectedBox fit_extent(ProjectedBox box, double margin, double frame_width_mm, double frame_height_mm)
{
    const double grow_x = std::max(box.width(), 1.0) * margin, grow_y = std::max(box.height(), 1.0) * margin;
    box.min_x -= grow_x;
    box.max_x += grow_x;
    box.min_y -= grow_y;
    box.max_y += grow_y;
    const double frame_ratio = frame_width_mm / frame_height_mm;
    const double ratio = box.width() / box.height();
    if (ratio < frame_ratio) {
        const double extra = (box.height() * frame_ratio - box.width()) / 2;
        box.min_x -= extra;
        box.max_x += extra;
    } else {
        const double extra = (box.width() / frame_ratio - box.height()) / 2;
        box.min_y -= extra;
        box.max_y += extra;
    }
    return box;
}

ScaleBar make_scale_bar(double km_per_mm, double max_mm)
{
    const double max_km = km_per_mm * max_mm;
    double best = 0;
    for (double power = std::pow(10.0, std::floor(std::log10(max_km)) - 1); power <= max_km; power *= 10) {
        for (const double step : {1.0, 2.0, 2.5, 5.0}) {
            if (step * power <= max_km) {
                best = std::max(best, step * power);
            }
        }
    }
    ScaleBar bar;
    bar.length_km = best;
    bar.length_mm = best / km_per_mm;
    const double lead = best / std::pow(10.0, std::floor(std::log10(best)));
    bar.segments = (std::abs(lead - 2.5) < 1e-9 || std::abs(lead - 5) < 1e-9) ? 5 : (std::abs(lead - 2) < 1e-9 ? 4 : 5);
    if (std::abs(lead - 1) < 1e-9) {
        bar.segments = 5;
    }
    if (std::abs(lead - 2.5) < 1e-9) {
        bar.segments = 5;
    }
    return bar;
}

} // namespace migratlas::render
