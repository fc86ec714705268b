#include "border/border_lines.hpp"

#include "common/error.hpp"
#include "geo/envelope_index.hpp"
#include "geo/measure.hpp"

#include <algorithm>
#include <tuple>

namespace migratlas::border {

namespace {

/// The linear parts of a GEOS result (points where boundaries only touch are dropped).
void collect_lines(const geo::GeosContext& geos, const GEOSGeometry* g, std::vector<Polyline>& out)
{
    const GEOSContextHandle_t h = geos.handle();
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, g);
        unsigned int size = 0;
        GEOSCoordSeq_getSize_r(h, seq, &size);
        Polyline line;
        for (unsigned int i = 0; i < size; ++i) {
            geo::LonLat p;
            GEOSCoordSeq_getXY_r(h, seq, i, &p.lon, &p.lat);
            line.push_back(p);
        }
        if (line.size() >= 2) {
            out.push_back(std::move(line));
        }
        return;
    }
    if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i) {
            collect_lines(geos, GEOSGetGeometryN_r(h, g, i), out);
        }
    }
}

/// The line shared by two boundaries, merged; null when they share none.
geo::GeosGeometryPtr shared_edge(const geo::GeosContext& geos, const GEOSGeometry* a, const GEOSGeometry* b,
    double snap_km)
{
    const GEOSContextHandle_t h = geos.handle();
    geo::GeosGeometryPtr shared = geos.own(GEOSIntersection_r(h, a, b), "intersection");
    if (geo::length_km(geos, shared.get()) > 0) {
        return shared;
    }
    double distance = 0;
    // As in geo/neighbours.cpp: the tolerance band is built in degrees of latitude (110.57 km), never wider than snap_km.
    const double snap_deg = snap_km / 110.57;
    if (snap_deg <= 0 || GEOSDistance_r(h, a, b, &distance) != 1 || distance > snap_deg) {
        return nullptr;
    }
    const geo::GeosGeometryPtr band = geos.own(GEOSBuffer_r(h, b, snap_deg, 4), "buffer");
    geo::GeosGeometryPtr near = geos.own(GEOSIntersection_r(h, a, band.get()), "intersection");
    // A boundary crossing the band is about 2 * snap_km long inside it: a corner, not a border.
    if (geo::length_km(geos, near.get()) <= 4 * snap_km) {
        return nullptr;
    }
    return near;
}

} // namespace

geo::GeosGeometryPtr to_geos_line(const geo::GeosContext& geos, const Polyline& line)
{
    const GEOSContextHandle_t h = geos.handle();
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned int>(line.size()), 2);
    if (seq == nullptr) {
        throw Error("GEOS could not create a coordinate sequence: " + geos.last_message());
    }
    for (std::size_t i = 0; i < line.size(); ++i) {
        GEOSCoordSeq_setXY_r(h, seq, static_cast<unsigned int>(i), line[i].lon, line[i].lat);
    }
    return geos.own(GEOSGeom_createLineString_r(h, seq), "line");
}

std::vector<BorderLine> international_borders(const geo::GeosContext& geos, const std::vector<const geo::Unit*>& countries,
    double snap_km)
{
    const GEOSContextHandle_t h = geos.handle();
    std::vector<geo::GeosGeometryPtr> boundaries;
    std::vector<const GEOSGeometry*> raw;
    for (const geo::Unit* unit : countries) {
        boundaries.push_back(geos.own(GEOSBoundary_r(h, unit->geometry.get()), "boundary"));
        raw.push_back(boundaries.back().get());
    }
    const geo::EnvelopeIndex index(geos, raw);
    const double snap_deg = snap_km / 110.57;
    std::vector<BorderLine> borders;
    for (std::size_t i = 0; i < countries.size(); ++i) {
        geo::Envelope window = index.envelope(i);
        window.xmin -= snap_deg;
        window.ymin -= snap_deg;
        window.xmax += snap_deg;
        window.ymax += snap_deg;
        for (const std::size_t j : index.query(window)) {
            if (j <= i) {
                continue;
            }
            const geo::GeosGeometryPtr edge = shared_edge(geos, raw[i], raw[j], snap_km);
            if (!edge) {
                continue;
            }
            const geo::GeosGeometryPtr merged = geos.own(GEOSLineMerge_r(h, edge.get()), "line merge");
            BorderLine border{countries[i]->info.code, countries[j]->info.code, {}, 0};
            if (border.country_b < border.country_a) {
                std::swap(border.country_a, border.country_b);
            }
            collect_lines(geos, merged.get(), border.parts);
            border.length_km = geo::length_km(geos, merged.get());
            if (!border.parts.empty() && border.length_km > 0) {
                borders.push_back(std::move(border));
            }
        }
    }
    std::sort(borders.begin(), borders.end(), [](const BorderLine& a, const BorderLine& b) {
        return std::tie(a.country_a, a.country_b) < std::tie(b.country_a, b.country_b);
    });
    return borders;
}

geo::GeosGeometryPtr borders_geometry(const geo::GeosContext& geos, const std::vector<BorderLine>& borders)
{
    std::vector<GEOSGeometry*> lines;
    for (const BorderLine& border : borders) {
        for (const Polyline& part : border.parts) {
            lines.push_back(to_geos_line(geos, part).release());
        }
    }
    // GEOS takes ownership of the parts.
    const geo::GeosGeometryPtr collection = geos.own(GEOSGeom_createCollection_r(geos.handle(), GEOS_MULTILINESTRING,
        lines.data(), static_cast<unsigned int>(lines.size())), "collection");
    // Edges are straight in lon/lat; measured in a local projection they must follow that course, not
    // the projected chord between distant vertices (0.1 degree is about 11 km).
    return geos.own(GEOSDensify_r(geos.handle(), collection.get(), 0.1), "densify");
}

} // namespace migratlas::border
