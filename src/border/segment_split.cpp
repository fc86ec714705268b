#include "border/segment_split.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace migratlas::border {

namespace {

geo::LonLat lerp(geo::LonLat a, geo::LonLat b, double t)
{
    return {a.lon + t * (b.lon - a.lon), a.lat + t * (b.lat - a.lat)};
}

std::size_t nearest(geo::LonLat p, const std::vector<geo::LonLat>& points)
{
    std::size_t best = 0;
    double best_km = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < points.size(); ++i) {
        const double d = geo::geodesic_distance_km(p, points[i]);
        if (d < best_km) {
            best_km = d;
            best = i;
        }
    }
    return best;
}

/// The place between a (nearest `na`) and b where the nearest point stops being `na`.
geo::LonLat cut_between(geo::LonLat a, geo::LonLat b, std::size_t na, const std::vector<geo::LonLat>& points)
{
    double lo = 0, hi = 1;
    // 30 halvings of a step of at most a few hundred metres: far below a metre.
    for (int i = 0; i < 30; ++i) {
        const double mid = (lo + hi) / 2;
        (nearest(lerp(a, b, mid), points) == na ? lo : hi) = mid;
    }
    return lerp(a, b, (lo + hi) / 2);
}

} // namespace

std::vector<LineRun> split_by_nearest(const Polyline& line, const std::vector<geo::LonLat>& points, double step_km)
{
    std::vector<LineRun> runs;
    if (line.size() < 2) {
        return runs;
    }
    if (points.empty()) {
        runs.push_back({std::nullopt, line});
        return runs;
    }
    std::size_t current = nearest(line.front(), points);
    runs.push_back({current, {line.front()}});
    for (std::size_t i = 1; i < line.size(); ++i) {
        const geo::LonLat a = line[i - 1];
        const geo::LonLat b = line[i];
        const double km = geo::geodesic_distance_km(a, b);
        const int steps = std::max(1, static_cast<int>(std::ceil(km / step_km)));
        geo::LonLat from = a;
        for (int s = 1; s <= steps; ++s) {
            const geo::LonLat to = lerp(a, b, static_cast<double>(s) / steps);
            // Within one short step the nearest point changes at most once in practice; a second
            // change inside the same step would need two points closer together than the step.
            const std::size_t next = nearest(to, points);
            if (next != current) {
                const geo::LonLat cut = cut_between(from, to, current, points);
                runs.back().line.push_back(cut);
                current = nearest(lerp(cut, to, 1e-6), points);
                runs.push_back({current, {cut}});
                if (current != next) {
                    const geo::LonLat second = cut_between(cut, to, current, points);
                    runs.back().line.push_back(second);
                    current = next;
                    runs.push_back({current, {second}});
                }
            }
            from = to;
        }
        runs.back().line.push_back(b);
    }
    return runs;
}

} // namespace migratlas::border
