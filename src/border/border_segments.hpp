// Border segments: each international border cut into the stretches nearest to each of its crossing
// points (the points whose country and country across are the border's two countries). A point's
// stretches form one segment; a border without points is one segment without a point.
#pragma once

#include "border/border_lines.hpp"
#include "geo/measure.hpp"

#include <optional>
#include <string>
#include <vector>

namespace migratlas::border {

struct BorderPoint {
    std::string point_id;
    std::string country_iso3;
    std::string border_with_iso3;  ///< empty at airports (which belong to no border)
    geo::LonLat at;
};

struct Segment {
    std::string segment_id;  ///< "<country_a>-<country_b>-NNN", numbered along the border
    std::string country_a, country_b;
    std::optional<std::string> point_id;
    std::vector<Polyline> parts;
    double length_km = 0;    ///< geodesic
};

[[nodiscard]] std::vector<Segment> border_segments(const std::vector<BorderLine>& borders, const std::vector<BorderPoint>& points);

} // namespace migratlas::border
