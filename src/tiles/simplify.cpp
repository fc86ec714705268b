#include "tiles/simplify.hpp"

#include <cmath>
#include <queue>

namespace migratlas::tiles {

namespace {

/// Squared distance from p to segment a-b (to a when a == b).
double distance2(const Point& p, const Point& a, const Point& b)
{
    const double dx = static_cast<double>(b.x - a.x);
    const double dy = static_cast<double>(b.y - a.y);
    const double px = static_cast<double>(p.x - a.x);
    const double py = static_cast<double>(p.y - a.y);
    const double length2 = dx * dx + dy * dy;
    if (length2 == 0.0) {
        return px * px + py * py;
    }
    const double t = std::clamp((px * dx + py * dy) / length2, 0.0, 1.0);
    const double ex = px - t * dx;
    const double ey = py - t * dy;
    return ex * ex + ey * ey;
}

struct Split {
    double distance2 = 0.0;
    std::size_t first = 0;
    std::size_t last = 0;
    std::size_t farthest = 0;
    bool operator<(const Split& other) const
    {
        // Ties are broken by position so that the result never depends on the queue's internals.
        return distance2 < other.distance2 || (distance2 == other.distance2 && farthest > other.farthest);
    }
};

bool farthest_point(std::span<const Point> points, std::size_t first, std::size_t last, Split& split)
{
    if (last <= first + 1) {
        return false;
    }
    split = Split{-1.0, first, last, first};
    for (std::size_t i = first + 1; i < last; ++i) {
        const double d = distance2(points[i], points[first], points[last]);
        if (d > split.distance2) {
            split.distance2 = d;
            split.farthest = i;
        }
    }
    return true;
}

} // namespace

void simplify(std::span<const Point> points, double tolerance, std::size_t min_interior, std::vector<bool>& keep)
{
    const std::size_t n = points.size();
    keep.assign(n, false);
    if (n == 0) {
        return;
    }
    keep.front() = true;
    keep.back() = true;
    if (n <= 2) {
        return;
    }
    const double tolerance2 = tolerance * tolerance;
    std::priority_queue<Split> queue;
    Split split;
    if (farthest_point(points, 0, n - 1, split)) {
        queue.push(split);
    }
    std::size_t kept_interior = 0;
    while (!queue.empty()) {
        const Split top = queue.top();
        if (top.distance2 <= tolerance2 && kept_interior >= min_interior) {
            break;
        }
        queue.pop();
        keep[top.farthest] = true;
        ++kept_interior;
        if (farthest_point(points, top.first, top.farthest, split)) {
            queue.push(split);
        }
        if (farthest_point(points, top.farthest, top.last, split)) {
            queue.push(split);
        }
    }
}

} // namespace migratlas::tiles
