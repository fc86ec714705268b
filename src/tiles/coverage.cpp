#include "tiles/coverage.hpp"

#include "tiles/simplify.hpp"
#include "tiles/zoom.hpp"

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace migratlas::tiles {

namespace {

constexpr std::uint32_t reversed_bit = 0x80000000U;

std::uint64_t key_of(const WorldPoint& p)
{
    return (std::uint64_t{p.x} << 32) | p.y;
}

bool less(const WorldPoint& a, const WorldPoint& b)
{
    return key_of(a) < key_of(b);
}

struct Occurrence {
    std::uint64_t key = 0;
    std::uint64_t low = 0;  ///< the smaller of the two neighbours' keys
    std::uint64_t high = 0;
    std::uint32_t point = 0;
};

struct RingSpan {
    std::uint32_t first = 0;
    std::uint32_t end = 0;
};

/// A vertex is a junction when the rings through it do not all continue the same way: there a
/// shared border begins or ends, so arcs must be cut there for neighbours to share them exactly.
std::vector<bool> find_junctions(const TileLayer& layer, const std::vector<RingSpan>& rings)
{
    std::vector<Occurrence> occurrences;
    occurrences.reserve(layer.point_count());
    for (const RingSpan& ring : rings) {
        const std::uint32_t n = ring.end - ring.first;
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint64_t before = key_of(layer.point(ring.first + (i + n - 1) % n));
            const std::uint64_t after = key_of(layer.point(ring.first + (i + 1) % n));
            occurrences.push_back(Occurrence{key_of(layer.point(ring.first + i)), std::min(before, after),
                std::max(before, after), ring.first + i});
        }
    }
    tbb::parallel_sort(occurrences.begin(), occurrences.end(), [](const Occurrence& a, const Occurrence& b) {
        return a.key < b.key || (a.key == b.key && (a.low < b.low || (a.low == b.low && a.high < b.high)));
    });
    std::vector<bool> junction(layer.point_count(), false);
    for (std::size_t i = 0; i < occurrences.size();) {
        std::size_t j = i + 1;
        bool differs = false;
        while (j < occurrences.size() && occurrences[j].key == occurrences[i].key) {
            differs = differs || occurrences[j].low != occurrences[i].low || occurrences[j].high != occurrences[i].high;
            ++j;
        }
        if (differs) {
            for (std::size_t k = i; k < j; ++k) {
                junction[occurrences[k].point] = true;
            }
        }
        i = j;
    }
    return junction;
}

std::uint64_t hash_points(const std::vector<WorldPoint>& points)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (const WorldPoint& p : points) {
        h = (h ^ key_of(p)) * 1099511628211ULL;
        h ^= h >> 29;
    }
    return h;
}

/// An interior point of a polygon: the middle of the widest stretch inside it along a horizontal line
/// through the middle of its extent (the line avoids every vertex, so crossings are well defined).
WorldPoint interior_point(const MultiPolygon& polygons)
{
    const Polygon* largest = nullptr;
    Wide largest_area = -1;
    for (const Polygon& polygon : polygons) {
        const Wide area = twice_area(polygon.rings.front());
        if (area > largest_area) {
            largest_area = area;
            largest = &polygon;
        }
    }
    const Box box = bounds(*largest);
    // In doubled coordinates the line y2 = min + max + 1 (odd) meets no vertex (all even).
    const std::int64_t y2 = box.min_y + box.max_y + ((box.min_y + box.max_y) % 2 == 0 ? 1 : 0);
    std::vector<double> crossings;
    for (const Ring& ring : largest->rings) {
        for (std::size_t i = 0; i < ring.size(); ++i) {
            const Point& a = ring[i];
            const Point& b = ring[(i + 1) % ring.size()];
            if ((2 * a.y < y2) != (2 * b.y < y2)) {
                const double t = (static_cast<double>(y2) / 2.0 - static_cast<double>(a.y)) / static_cast<double>(b.y - a.y);
                crossings.push_back(static_cast<double>(a.x) + t * static_cast<double>(b.x - a.x));
            }
        }
    }
    std::sort(crossings.begin(), crossings.end());
    double best_width = -1.0;
    double best_x = static_cast<double>(largest->rings.front().front().x);
    for (std::size_t i = 0; i + 1 < crossings.size(); i += 2) {
        if (crossings[i + 1] - crossings[i] > best_width) {
            best_width = crossings[i + 1] - crossings[i];
            best_x = (crossings[i] + crossings[i + 1]) / 2.0;
        }
    }
    const double y = static_cast<double>(y2) / 2.0;
    return WorldPoint{static_cast<std::uint32_t>(std::clamp<std::int64_t>(std::llround(best_x), 0, world_size - 1)),
        static_cast<std::uint32_t>(std::clamp<std::int64_t>(std::llround(y), 0, world_size - 1))};
}

} // namespace

Coverage::Coverage(const TileLayer& layer)
{
    std::vector<RingSpan> rings;
    std::vector<std::uint8_t> ring_shell;
    m_feature_ring.reserve(layer.size() + 1);
    m_anchor.resize(layer.size());
    for (std::size_t f = 0; f < layer.size(); ++f) {
        if (layer.kind(f) == FeatureKind::polygon) {
            for (std::size_t part = layer.first_part(f); part < layer.end_part(f); ++part) {
                rings.push_back(RingSpan{static_cast<std::uint32_t>(layer.first_point(part)),
                    static_cast<std::uint32_t>(layer.end_point(part))});
                ring_shell.push_back(layer.part_is_shell(part) ? 1 : 0);
            }
            m_anchor[f] = interior_point(layer.polygons(f));
        }
        m_feature_ring.push_back(static_cast<std::uint32_t>(rings.size()));
    }
    const std::vector<bool> junction = find_junctions(layer, rings);

    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> arcs_by_hash;
    std::vector<std::uint32_t> uses;
    std::vector<WorldPoint> arc;
    auto add_arc = [&](std::vector<WorldPoint>& points) {
        const WorldPoint& first = points.front();
        const WorldPoint& last = points.back();
        const bool forward = less(first, last) ||
            (key_of(first) == key_of(last) && points.size() > 2 && !less(points[points.size() - 2], points[1]));
        if (!forward) {
            std::reverse(points.begin(), points.end());
        }
        const std::uint64_t hash = hash_points(points);
        auto& candidates = arcs_by_hash[hash];
        for (const std::uint32_t id : candidates) {
            const std::size_t begin = m_arc_start[id];
            const std::size_t size = m_arc_start[id + 1] - begin;
            if (size == points.size() && std::equal(points.begin(), points.end(), m_arc_points.begin() +
                    static_cast<std::ptrdiff_t>(begin), [](const WorldPoint& a, const WorldPoint& b) {
                        return key_of(a) == key_of(b);
                    })) {
                ++uses[id];
                return id | (forward ? 0U : reversed_bit);
            }
        }
        const auto id = static_cast<std::uint32_t>(m_arc_start.size() - 1);
        m_arc_points.insert(m_arc_points.end(), points.begin(), points.end());
        m_arc_start.push_back(static_cast<std::uint32_t>(m_arc_points.size()));
        m_arc_min_interior.push_back(0);
        uses.push_back(1);
        candidates.push_back(id);
        return id | (forward ? 0U : reversed_bit);
    };

    for (std::size_t r = 0; r < rings.size(); ++r) {
        const RingSpan ring = rings[r];
        const std::uint32_t n = ring.end - ring.first;
        std::vector<std::uint32_t> cuts;
        for (std::uint32_t i = 0; i < n; ++i) {
            if (junction[ring.first + i]) {
                cuts.push_back(i);
            }
        }
        const std::size_t first_ref = m_ring_arcs.size();
        if (cuts.empty()) {
            // A ring no other ring touches: one closed arc, started at its smallest point so that a
            // ring shared whole (an enclave and its hole) gives the same arc both times.
            std::uint32_t smallest = 0;
            for (std::uint32_t i = 1; i < n; ++i) {
                if (less(layer.point(ring.first + i), layer.point(ring.first + smallest))) {
                    smallest = i;
                }
            }
            cuts.push_back(smallest);
        }
        for (std::size_t c = 0; c < cuts.size(); ++c) {
            const std::uint32_t from = cuts[c];
            const std::uint32_t to = cuts[(c + 1) % cuts.size()];
            const std::uint32_t length = (to + n - from) % n == 0 ? n : (to + n - from) % n;
            arc.clear();
            for (std::uint32_t k = 0; k <= length; ++k) {
                arc.push_back(layer.point(ring.first + (from + k) % n));
            }
            m_ring_arcs.push_back(add_arc(arc));
        }
        const std::size_t arcs_in_ring = m_ring_arcs.size() - first_ref;
        // A ring of one arc keeps a triangle, a ring of two arcs one point on each.
        const std::uint8_t need = arcs_in_ring == 1 ? 2 : (arcs_in_ring == 2 ? 1 : 0);
        for (std::size_t k = first_ref; k < m_ring_arcs.size(); ++k) {
            std::uint8_t& min_interior = m_arc_min_interior[m_ring_arcs[k] & ~reversed_bit];
            min_interior = std::max(min_interior, need);
        }
        m_ring_start.push_back(static_cast<std::uint32_t>(m_ring_arcs.size()));
        m_ring_shell.push_back(ring_shell[r]);
    }
    m_shared_arcs = static_cast<std::size_t>(std::count_if(uses.begin(), uses.end(), [](std::uint32_t u) { return u > 1; }));
}

void Coverage::simplify_arc(std::size_t arc, int zoom, double tolerance_world, std::vector<Point>& out) const
{
    const std::size_t begin = m_arc_start[arc];
    const std::size_t end = m_arc_start[arc + 1];
    std::vector<Point> points;
    points.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
        points.push_back(Point{m_arc_points[i].x, m_arc_points[i].y});
    }
    std::vector<bool> keep;
    tiles::simplify(points, tolerance_world, m_arc_min_interior[arc], keep);
    out.clear();
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (keep[i]) {
            const Point snapped = to_pixels(points[i], zoom);
            if (out.empty() || out.back() != snapped) {
                out.push_back(snapped);
            }
        }
    }
    // Both ends stay where every other arc meeting them puts them.
    const Point last = to_pixels(points.back(), zoom);
    if (out.back() != last) {
        out.push_back(last);
    }
}

ZoomArcs Coverage::simplify(int zoom, double tolerance_px) const
{
    const std::size_t n = arc_count();
    std::vector<std::vector<Point>> simplified(n);
    const double tolerance_world = tolerance_px * world_per_pixel(zoom);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 64), [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t a = range.begin(); a != range.end(); ++a) {
            simplify_arc(a, zoom, tolerance_world, simplified[a]);
        }
    });
    ZoomArcs out;
    out.start.reserve(n + 1);
    out.start.push_back(0);
    for (const auto& points : simplified) {
        out.points.insert(out.points.end(), points.begin(), points.end());
        out.start.push_back(static_cast<std::uint32_t>(out.points.size()));
    }
    return out;
}

ZoomArcs Coverage::simplify_features(std::span<const std::uint32_t> features, int zoom, double tolerance_px) const
{
    std::vector<bool> wanted(arc_count(), false);
    for (const std::uint32_t f : features) {
        for (std::uint32_t r = m_feature_ring[f]; r < m_feature_ring[f + 1]; ++r) {
            for (std::uint32_t k = m_ring_start[r]; k < m_ring_start[r + 1]; ++k) {
                wanted[m_ring_arcs[k] & ~reversed_bit] = true;
            }
        }
    }
    const double tolerance_world = tolerance_px * world_per_pixel(zoom);
    ZoomArcs out;
    out.start.reserve(arc_count() + 1);
    out.start.push_back(0);
    std::vector<Point> points;
    for (std::size_t a = 0; a < arc_count(); ++a) {
        if (wanted[a]) {
            simplify_arc(a, zoom, tolerance_world, points);
            out.points.insert(out.points.end(), points.begin(), points.end());
        }
        out.start.push_back(static_cast<std::uint32_t>(out.points.size()));
    }
    return out;
}

MultiPolygon Coverage::assemble(std::size_t feature, const ZoomArcs& arcs) const
{
    MultiPolygon out;
    bool shell_kept = false;
    for (std::uint32_t r = m_feature_ring[feature]; r < m_feature_ring[feature + 1]; ++r) {
        Ring ring;
        for (std::uint32_t k = m_ring_start[r]; k < m_ring_start[r + 1]; ++k) {
            const std::uint32_t ref = m_ring_arcs[k];
            const std::uint32_t a = ref & ~reversed_bit;
            const auto first = arcs.points.begin() + arcs.start[a];
            const auto last = arcs.points.begin() + arcs.start[a + 1];
            if (first == last) {
                continue;
            }
            if ((ref & reversed_bit) != 0) {
                ring.insert(ring.end(), std::make_reverse_iterator(last), std::make_reverse_iterator(first));
            } else {
                ring.insert(ring.end(), first, last);
            }
        }
        remove_repeats_and_spikes(ring);
        const bool usable = ring.size() >= 3 && twice_area(ring) != 0;
        if (m_ring_shell[r] != 0) {
            shell_kept = usable;
            if (usable) {
                out.emplace_back();
            }
        }
        if (usable && shell_kept) {
            out.back().rings.push_back(std::move(ring));
        }
    }
    for (Polygon& polygon : out) {
        orient(polygon);
    }
    return out;
}

} // namespace migratlas::tiles
