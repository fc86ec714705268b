#include "tiles/polygon_validity.hpp"

#include <algorithm>
#include <cmath>

namespace migratlas::tiles {

namespace {

struct Segment {
    Point a;
    Point b;
    std::uint32_t ring = 0;   ///< index over every ring of the multipolygon
    std::uint32_t index = 0;  ///< position in its ring
    std::int64_t min_x = 0;
    std::int64_t max_x = 0;
};

bool on_segment(const Point& p, const Point& a, const Point& b)
{
    return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
        p.y <= std::max(a.y, b.y);
}

/// Whether two closed segments share any point.
bool segments_meet(const Point& a, const Point& b, const Point& c, const Point& d)
{
    const int o1 = orientation(a, b, c);
    const int o2 = orientation(a, b, d);
    const int o3 = orientation(c, d, a);
    const int o4 = orientation(c, d, b);
    if (o1 != o2 && o3 != o4 && o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0) {
        return true;
    }
    return (o1 == 0 && on_segment(c, a, b)) || (o2 == 0 && on_segment(d, a, b)) || (o3 == 0 && on_segment(a, c, d)) ||
        (o4 == 0 && on_segment(b, c, d));
}

/// Consecutive edges of one ring may share their common point, and only it.
bool adjacent_and_clean(const Segment& s, const Segment& t, const std::vector<std::uint32_t>& ring_sizes)
{
    if (s.ring != t.ring) {
        return false;
    }
    const std::uint32_t n = ring_sizes[s.ring];
    const bool t_follows = t.index == (s.index + 1) % n;
    const bool s_follows = s.index == (t.index + 1) % n;
    if (!t_follows && !s_follows) {
        return false;
    }
    // Shared point is s.b == t.a (or t.b == s.a); the other ends must not lie on the other edge.
    const Segment& first = t_follows ? s : t;
    const Segment& second = t_follows ? t : s;
    const bool collinear_back = orientation(first.a, first.b, second.b) == 0 &&
        on_segment(second.b, first.a, first.b);
    const bool collinear_front = orientation(second.a, second.b, first.a) == 0 &&
        on_segment(first.a, second.a, second.b);
    return !collinear_back && !collinear_front;
}

bool rings_well_formed(const MultiPolygon& polygons)
{
    for (const Polygon& polygon : polygons) {
        if (polygon.rings.empty()) {
            return false;
        }
        for (std::size_t i = 0; i < polygon.rings.size(); ++i) {
            const Ring& ring = polygon.rings[i];
            if (ring.size() < 3) {
                return false;
            }
            const Wide area = twice_area(ring);
            if (area == 0 || (i == 0) != (area > 0)) {
                return false;
            }
            for (std::size_t k = 0; k < ring.size(); ++k) {
                if (ring[k] == ring[(k + 1) % ring.size()]) {
                    return false;
                }
            }
        }
    }
    return true;
}

bool no_edges_meet(const MultiPolygon& polygons)
{
    std::vector<Segment> segments;
    std::vector<std::uint32_t> ring_sizes;
    for (const Polygon& polygon : polygons) {
        for (const Ring& ring : polygon.rings) {
            const auto ring_id = static_cast<std::uint32_t>(ring_sizes.size());
            ring_sizes.push_back(static_cast<std::uint32_t>(ring.size()));
            for (std::size_t k = 0; k < ring.size(); ++k) {
                const Point& a = ring[k];
                const Point& b = ring[(k + 1) % ring.size()];
                segments.push_back(Segment{a, b, ring_id, static_cast<std::uint32_t>(k), std::min(a.x, b.x), std::max(a.x, b.x)});
            }
        }
    }
    std::sort(segments.begin(), segments.end(), [](const Segment& s, const Segment& t) {
        return s.min_x < t.min_x || (s.min_x == t.min_x && (s.ring < t.ring || (s.ring == t.ring && s.index < t.index)));
    });
    std::vector<const Segment*> active;
    for (const Segment& s : segments) {
        std::erase_if(active, [&](const Segment* t) { return t->max_x < s.min_x; });
        const std::int64_t s_min_y = std::min(s.a.y, s.b.y);
        const std::int64_t s_max_y = std::max(s.a.y, s.b.y);
        for (const Segment* t : active) {
            if (std::max(t->a.y, t->b.y) < s_min_y || std::min(t->a.y, t->b.y) > s_max_y) {
                continue;
            }
            if (segments_meet(s.a, s.b, t->a, t->b) && !adjacent_and_clean(s, *t, ring_sizes)) {
                return false;
            }
        }
        active.push_back(&s);
    }
    return true;
}

bool inside_polygon_area(const Point& p, const Polygon& polygon)
{
    if (!point_in_ring(p, polygon.rings.front())) {
        return false;
    }
    for (std::size_t h = 1; h < polygon.rings.size(); ++h) {
        if (point_in_ring(p, polygon.rings[h])) {
            return false;
        }
    }
    return true;
}

/// With no edges meeting, one vertex decides where a whole ring lies.
bool nesting_correct(const MultiPolygon& polygons)
{
    for (const Polygon& polygon : polygons) {
        const Ring& shell = polygon.rings.front();
        for (std::size_t h = 1; h < polygon.rings.size(); ++h) {
            const Point& probe = polygon.rings[h].front();
            if (!point_in_ring(probe, shell)) {
                return false;
            }
            for (std::size_t g = 1; g < polygon.rings.size(); ++g) {
                if (g != h && point_in_ring(probe, polygon.rings[g])) {
                    return false;
                }
            }
        }
    }
    if (polygons.size() < 2) {
        return true;
    }
    std::vector<Box> boxes;
    boxes.reserve(polygons.size());
    for (const Polygon& polygon : polygons) {
        boxes.push_back(bounds(polygon));
    }
    for (std::size_t i = 0; i < polygons.size(); ++i) {
        for (std::size_t j = 0; j < polygons.size(); ++j) {
            if (i == j || boxes[i].max_x < boxes[j].min_x || boxes[j].max_x < boxes[i].min_x ||
                boxes[i].max_y < boxes[j].min_y || boxes[j].max_y < boxes[i].min_y) {
                continue;
            }
            if (inside_polygon_area(polygons[i].rings.front().front(), polygons[j])) {
                return false;
            }
        }
    }
    return true;
}

geo::GeosGeometryPtr ring_to_geos(const geo::GeosContext& geos, const Ring& ring)
{
    const auto n = static_cast<unsigned>(ring.size());
    GEOSCoordSequence* sequence = GEOSCoordSeq_create_r(geos.handle(), n + 1, 2);
    for (unsigned i = 0; i <= n; ++i) {
        const Point& p = ring[i % n];
        GEOSCoordSeq_setXY_r(geos.handle(), sequence, i, static_cast<double>(p.x), static_cast<double>(p.y));
    }
    return geos.own(GEOSGeom_createLinearRing_r(geos.handle(), sequence), "ring construction");
}

Ring ring_from_geos(const geo::GeosContext& geos, const GEOSGeometry* ring)
{
    const GEOSCoordSequence* sequence = GEOSGeom_getCoordSeq_r(geos.handle(), ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(geos.handle(), sequence, &n);
    Ring out;
    out.reserve(n);
    for (unsigned i = 0; i + 1 < n; ++i) {
        double x = 0;
        double y = 0;
        GEOSCoordSeq_getXY_r(geos.handle(), sequence, i, &x, &y);
        out.push_back(Point{static_cast<std::int64_t>(std::llround(x)), static_cast<std::int64_t>(std::llround(y))});
    }
    return out;
}

void collect_polygons(const geo::GeosContext& geos, const GEOSGeometry* geometry, MultiPolygon& out)
{
    const int type = GEOSGeomTypeId_r(geos.handle(), geometry);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(geos.handle(), geometry) == 1) {
            return;
        }
        Polygon polygon;
        polygon.rings.push_back(ring_from_geos(geos, GEOSGetExteriorRing_r(geos.handle(), geometry)));
        const int holes = GEOSGetNumInteriorRings_r(geos.handle(), geometry);
        for (int h = 0; h < holes; ++h) {
            polygon.rings.push_back(ring_from_geos(geos, GEOSGetInteriorRingN_r(geos.handle(), geometry, h)));
        }
        orient(polygon);
        out.push_back(std::move(polygon));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(geos.handle(), geometry);
        for (int i = 0; i < n; ++i) {
            collect_polygons(geos, GEOSGetGeometryN_r(geos.handle(), geometry, i), out);
        }
    }
}

/// MakeValid, then snap-rounding to whole units (GEOS OverlayNG), which keeps the result valid.
/// Snap-rounding can fail on rare configurations ("unable to assign free hole"); then the repaired
/// coordinates are rounded and repaired again, a few times at most.
MultiPolygon repair_on_grid(const geo::GeosContext& geos, geo::GeosGeometryPtr geometry)
{
    GEOSContextHandle_t handle = geos.handle();
    GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(handle);
    GEOSMakeValidParams_setMethod_r(handle, params, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(handle, params, 0);
    MultiPolygon result;
    for (int attempt = 0; attempt < 4; ++attempt) {
        geo::GeosGeometryPtr valid(GEOSMakeValidWithParams_r(handle, geometry.get(), params), geo::GeosGeometryDeleter{handle});
        if (!valid) {
            break;
        }
        geo::GeosGeometryPtr snapped(GEOSGeom_setPrecision_r(handle, valid.get(), 1.0, 0), geo::GeosGeometryDeleter{handle});
        if (snapped && GEOSisValid_r(handle, snapped.get()) == 1) {
            result = from_geos(geos, snapped.get());
            break;
        }
        // Round the repaired coordinates and repair that.
        result = from_geos(geos, valid.get());
        if (result.empty() || certainly_valid(result)) {
            break;
        }
        geometry = to_geos(geos, result);
        result.clear();
    }
    GEOSMakeValidParams_destroy_r(handle, params);
    return result;
}

} // namespace

bool certainly_valid(const MultiPolygon& polygons)
{
    return rings_well_formed(polygons) && no_edges_meet(polygons) && nesting_correct(polygons);
}

geo::GeosGeometryPtr to_geos(const geo::GeosContext& geos, const MultiPolygon& polygons)
{
    std::vector<GEOSGeometry*> parts;
    parts.reserve(polygons.size());
    for (const Polygon& polygon : polygons) {
        geo::GeosGeometryPtr shell = ring_to_geos(geos, polygon.rings.front());
        std::vector<geo::GeosGeometryPtr> holes;
        for (std::size_t h = 1; h < polygon.rings.size(); ++h) {
            holes.push_back(ring_to_geos(geos, polygon.rings[h]));
        }
        std::vector<GEOSGeometry*> raw_holes;
        for (auto& hole : holes) {
            raw_holes.push_back(hole.release());
        }
        parts.push_back(GEOSGeom_createPolygon_r(geos.handle(), shell.release(), raw_holes.data(),
            static_cast<unsigned>(raw_holes.size())));
    }
    return geos.own(GEOSGeom_createCollection_r(geos.handle(), GEOS_MULTIPOLYGON, parts.data(),
        static_cast<unsigned>(parts.size())), "multipolygon construction");
}

MultiPolygon from_geos(const geo::GeosContext& geos, const GEOSGeometry* geometry)
{
    MultiPolygon out;
    collect_polygons(geos, geometry, out);
    for (Polygon& polygon : out) {
        for (Ring& ring : polygon.rings) {
            remove_repeats_and_spikes(ring);
        }
        std::erase_if(polygon.rings, [](const Ring& ring) { return ring.size() < 3; });
    }
    std::erase_if(out, [](const Polygon& polygon) { return polygon.rings.empty() || twice_area(polygon.rings.front()) <= 0; });
    return out;
}

bool make_valid(const geo::GeosContext& geos, MultiPolygon& polygons)
{
    if (polygons.empty() || certainly_valid(polygons)) {
        return false;
    }
    // Rings too short for GEOS to build are dropped first: they enclose nothing.
    for (Polygon& polygon : polygons) {
        std::erase_if(polygon.rings, [](const Ring& ring) { return ring.size() < 3; });
    }
    std::erase_if(polygons, [](const Polygon& polygon) { return polygon.rings.empty(); });
    if (polygons.empty()) {
        return true;
    }
    geo::GeosGeometryPtr geometry = to_geos(geos, polygons);
    if (geos.predicate(GEOSisValid_r(geos.handle(), geometry.get()), "validity test")) {
        for (Polygon& polygon : polygons) {
            orient(polygon);
        }
        return false;
    }
    polygons = repair_on_grid(geos, std::move(geometry));
    return true;
}

} // namespace migratlas::tiles
