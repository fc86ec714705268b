#include "tiles/geometry.hpp"

namespace migratlas::tiles {

bool point_in_ring(const Point& p, const Ring& ring)
{
    bool inside = false;
    const std::size_t n = ring.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const Point& a = ring[i];
        const Point& b = ring[j];
        if ((a.y > p.y) != (b.y > p.y)) {
            // x of the edge at p.y compared exactly: p.x < a.x + (p.y - a.y) (b.x - a.x) / (b.y - a.y)
            const Wide lhs = static_cast<Wide>(p.x - a.x) * (b.y - a.y);
            const Wide rhs = static_cast<Wide>(p.y - a.y) * (b.x - a.x);
            const bool left = (b.y - a.y) > 0 ? lhs < rhs : lhs > rhs;
            if (left) {
                inside = !inside;
            }
        }
    }
    return inside;
}

void orient(Polygon& polygon)
{
    for (std::size_t i = 0; i < polygon.rings.size(); ++i) {
        Ring& ring = polygon.rings[i];
        const Wide area = twice_area(ring);
        if ((i == 0 && area < 0) || (i > 0 && area > 0)) {
            std::reverse(ring.begin(), ring.end());
        }
    }
}

void remove_repeats_and_spikes(Ring& ring)
{
    std::vector<Point> out;
    out.reserve(ring.size());
    for (const Point& p : ring) {
        if (!out.empty() && out.back() == p) {
            continue;
        }
        // A-B-A: the walk to B and back encloses nothing.
        if (out.size() >= 2 && out[out.size() - 2] == p) {
            out.pop_back();
            continue;
        }
        out.push_back(p);
    }
    // The same two rules across the ring's closing point.
    bool changed = true;
    while (changed && out.size() >= 2) {
        changed = false;
        if (out.front() == out.back()) {
            out.pop_back();
            changed = true;
        } else if (out.size() >= 3 && out[out.size() - 2] == out.front()) {
            out.pop_back();
            changed = true;
        } else if (out.size() >= 3 && out[1] == out.back()) {
            out.erase(out.begin());
            changed = true;
        }
    }
    ring.swap(out);
}

} // namespace migratlas::tiles
