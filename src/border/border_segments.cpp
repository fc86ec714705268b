#include "border/border_segments.hpp"

#include <fmt/format.h>

#include <map>

namespace migratlas::border {

namespace {

double polyline_km(const Polyline& line)
{
    double km = 0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        km += geo::geodesic_distance_km(line[i - 1], line[i]);
    }
    return km;
}

bool on_border(const BorderPoint& p, const BorderLine& border)
{
    return (p.country_iso3 == border.country_a && p.border_with_iso3 == border.country_b) ||
        (p.country_iso3 == border.country_b && p.border_with_iso3 == border.country_a);
}

} // namespace

std::vector<Segment> border_segments(const std::vector<BorderLine>& borders, const std::vector<BorderPoint>& points)
{
    std::vector<Segment> segments;
    for (const BorderLine& border : borders) {
        std::vector<geo::LonLat> at;
        std::vector<const BorderPoint*> members;
        for (const BorderPoint& p : points) {
            if (on_border(p, border)) {
                at.push_back(p.at);
                members.push_back(&p);
            }
        }
        // One segment per point, numbered by where its first stretch starts along the border.
        std::map<std::optional<std::size_t>, std::size_t> index_of;
        const std::size_t first = segments.size();
        for (const Polyline& part : border.parts) {
            for (LineRun& run : split_by_nearest(part, at)) {
                auto [it, added] = index_of.try_emplace(run.point, segments.size());
                if (added) {
                    Segment s;
                    s.segment_id = fmt::format("{}-{}-{:03d}", border.country_a, border.country_b, segments.size() - first + 1);
                    s.country_a = border.country_a;
                    s.country_b = border.country_b;
                    if (run.point) {
                        s.point_id = members[*run.point]->point_id;
                    }
                    segments.push_back(std::move(s));
                }
                Segment& s = segments[it->second];
                s.length_km += polyline_km(run.line);
                s.parts.push_back(std::move(run.line));
            }
        }
    }
    return segments;
}

} // namespace migratlas::border
