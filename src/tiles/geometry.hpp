// Integer planar geometry of the tiler: world coordinates (2^32 per side of the Web Mercator square)
// and zoom-pixel coordinates (4096 per tile side at a zoom). Every tiles module works on these types.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace migratlas::tiles {

/// A point in world units or zoom pixels; y grows southwards (tile coordinates).
struct Point {
    std::int64_t x = 0;
    std::int64_t y = 0;
    friend bool operator==(const Point&, const Point&) = default;
    friend auto operator<=>(const Point&, const Point&) = default;
};

/// A closed ring stored without repeating its first point.
using Ring = std::vector<Point>;
using Line = std::vector<Point>;

/// rings[0] is the shell (positive signed area), the rest are holes (negative signed area). In tile
/// coordinates (y down) a positive area is the clockwise-looking exterior that MVT 2.1 requires.
struct Polygon {
    std::vector<Ring> rings;
};
using MultiPolygon = std::vector<Polygon>;
using MultiLine = std::vector<Line>;

struct Box {
    std::int64_t min_x = std::numeric_limits<std::int64_t>::max();
    std::int64_t min_y = std::numeric_limits<std::int64_t>::max();
    std::int64_t max_x = std::numeric_limits<std::int64_t>::min();
    std::int64_t max_y = std::numeric_limits<std::int64_t>::min();

    void add(const Point& p)
    {
        min_x = std::min(min_x, p.x);
        min_y = std::min(min_y, p.y);
        max_x = std::max(max_x, p.x);
        max_y = std::max(max_y, p.y);
    }
    void add(const Box& b)
    {
        min_x = std::min(min_x, b.min_x);
        min_y = std::min(min_y, b.min_y);
        max_x = std::max(max_x, b.max_x);
        max_y = std::max(max_y, b.max_y);
    }
    [[nodiscard]] bool empty() const { return min_x > max_x; }
};

__extension__ typedef __int128 Wide; // exact products of 33-bit coordinates

/// Twice the signed area (shoelace formula); exact for any coordinates the tiler produces.
[[nodiscard]] inline Wide twice_area(const Ring& ring)
{
    Wide sum = 0;
    const std::size_t n = ring.size();
    for (std::size_t i = 0; i < n; ++i) {
        const Point& a = ring[i];
        const Point& b = ring[(i + 1) % n];
        sum += static_cast<Wide>(a.x) * b.y - static_cast<Wide>(b.x) * a.y;
    }
    return sum;
}

/// Sign of the cross product (b - a) x (c - a): > 0 left turn, < 0 right turn, 0 collinear.
[[nodiscard]] inline int orientation(const Point& a, const Point& b, const Point& c)
{
    const Wide cross = static_cast<Wide>(b.x - a.x) * (c.y - a.y) - static_cast<Wide>(b.y - a.y) * (c.x - a.x);
    return cross > 0 ? 1 : (cross < 0 ? -1 : 0);
}

[[nodiscard]] inline Box bounds(const Ring& ring)
{
    Box box;
    for (const Point& p : ring) {
        box.add(p);
    }
    return box;
}

[[nodiscard]] inline Box bounds(const Polygon& polygon)
{
    return polygon.rings.empty() ? Box{} : bounds(polygon.rings.front());
}

/// Whether `p` is strictly inside `ring` (crossing number); points on the boundary give either answer,
/// so callers only ask about points known not to lie on it.
[[nodiscard]] bool point_in_ring(const Point& p, const Ring& ring);

/// Reverses rings as needed so that the shell has a positive and every hole a negative signed area.
void orient(Polygon& polygon);

/// Drops repeated consecutive points (and a last point equal to the first) and "spikes" A-B-A, which
/// quantisation creates and which would make a ring self-overlapping.
void remove_repeats_and_spikes(Ring& ring);

} // namespace migratlas::tiles
