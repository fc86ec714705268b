#include "tiles/clip.hpp"

#include <algorithm>
#include <optional>

namespace migratlas::tiles {

namespace {

struct Fraction {
    Wide num = 0;
    Wide den = 1; ///< always > 0
};

bool less(const Fraction& a, const Fraction& b)
{
    return a.num * b.den < b.num * a.den;
}

Wide floor_div(Wide a, Wide b)
{
    Wide q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

/// a / b rounded to the nearest integer (halves upwards), b > 0.
std::int64_t round_div(Wide a, Wide b)
{
    return static_cast<std::int64_t>(floor_div(2 * a + b, 2 * b));
}

/// The part of segment p→q strictly inside the box, as parameters (lo, hi) of p + t (q - p).
struct Span {
    Fraction lo{0, 1};
    Fraction hi{1, 1};
    bool empty = false;
};

void restrict_axis(Span& span, std::int64_t p, std::int64_t d, std::int64_t low, std::int64_t high)
{
    if (d == 0) {
        if (!(low < p && p < high)) {
            span.empty = true;
        }
        return;
    }
    Fraction enter;
    Fraction leave;
    if (d > 0) {
        enter = Fraction{Wide(low) - p, Wide(d)};
        leave = Fraction{Wide(high) - p, Wide(d)};
    } else {
        enter = Fraction{Wide(p) - high, -Wide(d)};
        leave = Fraction{Wide(p) - low, -Wide(d)};
    }
    if (less(span.lo, enter)) {
        span.lo = enter;
    }
    if (less(leave, span.hi)) {
        span.hi = leave;
    }
}

Span inside_span(const Point& p, const Point& q, const ClipBox& box)
{
    Span span;
    // Most segments of a long line are nowhere near the box: no exact arithmetic for them.
    if ((p.x <= box.x0 && q.x <= box.x0) || (p.x >= box.x1 && q.x >= box.x1) || (p.y <= box.y0 && q.y <= box.y0) ||
        (p.y >= box.y1 && q.y >= box.y1)) {
        span.empty = true;
        return span;
    }
    restrict_axis(span, p.x, q.x - p.x, box.x0, box.x1);
    if (!span.empty) {
        restrict_axis(span, p.y, q.y - p.y, box.y0, box.y1);
    }
    if (!span.empty && !less(span.lo, span.hi)) {
        span.empty = true;
    }
    return span;
}

Point point_at(const Point& p, const Point& q, const Fraction& t, const ClipBox& box)
{
    Point out{p.x + round_div(Wide(q.x - p.x) * t.num, t.den), p.y + round_div(Wide(q.y - p.y) * t.num, t.den)};
    out.x = std::clamp(out.x, box.x0, box.x1);
    out.y = std::clamp(out.y, box.y0, box.y1);
    return out;
}

struct Chain {
    std::vector<Point> points; ///< entry point first, exit point last
    std::int64_t entry_s = 0;
    std::int64_t exit_s = 0;
};

/// Position along the box boundary, counter-clockwise in the numeric (x right, y up) sense that
/// positive-area rings follow, starting at (x0, y0).
std::int64_t perimeter_position(const Point& p, const ClipBox& box)
{
    const std::int64_t w = box.x1 - box.x0;
    const std::int64_t h = box.y1 - box.y0;
    if (p.y == box.y0 && p.x < box.x1) {
        return p.x - box.x0;
    }
    if (p.x == box.x1 && p.y < box.y1) {
        return w + (p.y - box.y0);
    }
    if (p.y == box.y1 && p.x > box.x0) {
        return w + h + (box.x1 - p.x);
    }
    return 2 * w + h + (box.y1 - p.y);
}

/// Cuts a ring that has a vertex outside the box into its chains inside the box.
void ring_chains(const Ring& ring, const ClipBox& box, std::vector<Chain>& chains)
{
    const std::size_t n = ring.size();
    std::size_t start = 0;
    while (start < n && box.contains(ring[start])) {
        ++start;
    }
    std::optional<Chain> current;
    for (std::size_t k = 0; k < n; ++k) {
        const Point& p = ring[(start + k) % n];
        const Point& q = ring[(start + k + 1) % n];
        const bool p_in = box.contains(p);
        const bool q_in = box.contains(q);
        if (p_in && q_in) {
            current->points.push_back(q);
            continue;
        }
        const Span span = inside_span(p, q, box);
        if (p_in) {
            current->points.push_back(point_at(p, q, span.hi, box));
            chains.push_back(std::move(*current));
            current.reset();
        } else if (q_in) {
            current = Chain{};
            current->points.push_back(point_at(p, q, span.lo, box));
            current->points.push_back(q);
        } else if (!span.empty) {
            Chain through;
            through.points.push_back(point_at(p, q, span.lo, box));
            through.points.push_back(point_at(p, q, span.hi, box));
            chains.push_back(std::move(through));
        }
    }
}

bool point_on_ring(const Point& p, const Ring& ring)
{
    for (std::size_t i = 0; i < ring.size(); ++i) {
        const Point& a = ring[i];
        const Point& b = ring[(i + 1) % ring.size()];
        if (orientation(a, b, p) == 0 && std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) &&
            std::min(a.y, b.y) <= p.y && p.y <= std::max(a.y, b.y)) {
            return true;
        }
    }
    return false;
}

/// Whether a hole (which does not cross `shell`, but may touch it) lies inside it.
bool hole_inside(const Ring& hole, const Ring& shell)
{
    for (const Point& p : hole) {
        if (!point_on_ring(p, shell)) {
            return point_in_ring(p, shell);
        }
    }
    return false;
}

/// Joins chains along the box boundary into shells (Weiler-Atherton). Returns false when rounding
/// made the walk ambiguous.
bool walk_chains(std::vector<Chain>& chains, const ClipBox& box, std::vector<Ring>& shells)
{
    const std::int64_t w = box.x1 - box.x0;
    const std::int64_t h = box.y1 - box.y0;
    const std::int64_t perimeter = 2 * (w + h);
    const std::int64_t corner_s[4] = {0, w, w + h, 2 * w + h};
    const Point corner_p[4] = {{box.x0, box.y0}, {box.x1, box.y0}, {box.x1, box.y1}, {box.x0, box.y1}};
    for (Chain& chain : chains) {
        chain.entry_s = perimeter_position(chain.points.front(), box);
        chain.exit_s = perimeter_position(chain.points.back(), box);
    }
    std::vector<std::size_t> by_entry(chains.size());
    for (std::size_t i = 0; i < chains.size(); ++i) {
        by_entry[i] = i;
    }
    std::sort(by_entry.begin(), by_entry.end(), [&](std::size_t a, std::size_t b) {
        return chains[a].entry_s < chains[b].entry_s || (chains[a].entry_s == chains[b].entry_s && a < b);
    });
    std::vector<bool> used(chains.size(), false);
    for (std::size_t first = 0; first < chains.size(); ++first) {
        if (used[first]) {
            continue;
        }
        Ring ring;
        std::size_t current = first;
        for (std::size_t guard = 0;; ++guard) {
            if (guard > chains.size()) {
                return false;
            }
            used[current] = true;
            ring.insert(ring.end(), chains[current].points.begin(), chains[current].points.end());
            const std::int64_t from = chains[current].exit_s;
            auto it = std::lower_bound(by_entry.begin(), by_entry.end(), from,
                [&](std::size_t c, std::int64_t s) { return chains[c].entry_s < s; });
            if (it == by_entry.end()) {
                it = by_entry.begin();
            }
            const std::size_t next = *it;
            const std::int64_t distance = ((chains[next].entry_s - from) % perimeter + perimeter) % perimeter;
            // Corners passed on the way from this exit to the next entry, in walking order.
            std::pair<std::int64_t, int> passed[4];
            int n_passed = 0;
            for (int c = 0; c < 4; ++c) {
                const std::int64_t d = ((corner_s[c] - from) % perimeter + perimeter) % perimeter;
                if (d > 0 && d < distance) {
                    passed[n_passed++] = {d, c};
                }
            }
            std::sort(passed, passed + n_passed);
            for (int k = 0; k < n_passed; ++k) {
                ring.push_back(corner_p[passed[k].second]);
            }
            if (next == first) {
                break;
            }
            if (used[next]) {
                return false;
            }
            current = next;
        }
        remove_repeats_and_spikes(ring);
        if (ring.size() >= 3 && twice_area(ring) > 0) {
            shells.push_back(std::move(ring));
        } else if (ring.size() >= 3 && twice_area(ring) < 0) {
            return false;
        }
    }
    return true;
}

} // namespace

PolygonClip clip_polygon(const Polygon& polygon, const ClipBox& box)
{
    PolygonClip result;
    const Box extent = bounds(polygon);
    if (extent.empty() || box.disjoint(extent)) {
        return result;
    }
    if (box.contains(extent)) {
        result.unchanged = true;
        result.polygons.push_back(polygon);
        return result;
    }
    std::vector<Chain> chains;
    std::vector<const Ring*> whole_holes;
    for (std::size_t r = 0; r < polygon.rings.size(); ++r) {
        const Ring& ring = polygon.rings[r];
        const Box ring_box = bounds(ring);
        if (box.contains(ring_box)) {
            if (r > 0) {
                whole_holes.push_back(&ring);
            }
            continue; // a shell inside the box means the whole polygon is: handled above
        }
        if (box.disjoint(ring_box)) {
            continue;
        }
        ring_chains(ring, box, chains);
    }
    const Point centre{box.x0 + (box.x1 - box.x0) / 2, box.y0 + (box.y1 - box.y0) / 2};
    std::vector<Ring> shells;
    if (chains.empty()) {
        // No ring enters the box: it lies inside the shell or outside it, and inside a hole or not.
        if (!point_in_ring(centre, polygon.rings.front())) {
            return result;
        }
        for (std::size_t r = 1; r < polygon.rings.size(); ++r) {
            if (point_in_ring(centre, polygon.rings[r]) && !box.contains(bounds(polygon.rings[r]))) {
                return result;
            }
        }
        shells.push_back(box.ring());
        result.full = whole_holes.empty();
    } else if (!walk_chains(chains, box, shells)) {
        result.consistent = false;
        return result;
    }
    for (Ring& shell : shells) {
        Polygon out;
        out.rings.push_back(std::move(shell));
        result.polygons.push_back(std::move(out));
    }
    for (const Ring* hole : whole_holes) {
        for (Polygon& out : result.polygons) {
            if (hole_inside(*hole, out.rings.front())) {
                out.rings.push_back(*hole);
                break;
            }
        }
    }
    return result;
}

void clip_line(const Line& line, const ClipBox& box, MultiLine& out)
{
    if (line.size() < 2) {
        return;
    }
    Box extent;
    for (const Point& p : line) {
        extent.add(p);
    }
    if (box.disjoint(extent)) {
        return;
    }
    auto flush = [&out](Line& part) {
        part.erase(std::unique(part.begin(), part.end()), part.end());
        if (part.size() >= 2) {
            out.push_back(std::move(part));
        }
        part.clear();
    };
    if (box.contains(extent)) {
        Line copy = line;
        flush(copy);
        return;
    }
    Line part;
    if (box.contains(line.front())) {
        part.push_back(line.front());
    }
    for (std::size_t k = 0; k + 1 < line.size(); ++k) {
        const Point& p = line[k];
        const Point& q = line[k + 1];
        const bool p_in = box.contains(p);
        const bool q_in = box.contains(q);
        if (p_in && q_in) {
            part.push_back(q);
            continue;
        }
        const Span span = inside_span(p, q, box);
        if (p_in) {
            part.push_back(point_at(p, q, span.hi, box));
            flush(part);
        } else if (q_in) {
            part.push_back(point_at(p, q, span.lo, box));
            part.push_back(q);
        } else if (!span.empty) {
            part.push_back(point_at(p, q, span.lo, box));
            part.push_back(point_at(p, q, span.hi, box));
            flush(part);
        }
    }
    flush(part);
}

} // namespace migratlas::tiles
