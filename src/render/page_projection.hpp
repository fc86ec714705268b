// The map projection of a page and its geometry on paper: an equal-area projection centred on the
// page's extent (never plate carrée), the projected frame extent fitted to the frame's shape, and
// a scale bar whose length is true on the ground at the map centre.
#pragma once

#include "common/source_pos.hpp"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace migratlas::render {

struct LonLatBox {
    double min_lon = 180, min_lat = 90, max_lon = -180, max_lat = -90;
    [[nodiscard]] bool empty() const { return min_lon > max_lon; }
    void add(double lon, double lat);
    void add(const LonLatBox& other);
    [[nodiscard]] bool intersects(const LonLatBox& other) const
    {
        return !(other.min_lon > max_lon || other.max_lon < min_lon || other.min_lat > max_lat || other.max_lat < min_lat);
    }
};

struct ProjectedBox {
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    [[nodiscard]] double width() const { return max_x - min_x; }
    [[nodiscard]] double height() const { return max_y - min_y; }
};

/// A PROJ transformation between EPSG:4326 (lon/lat) and one map projection. Not thread-safe:
/// each page owns its own.
class MapProjection {
public:
    /// `spec`: "auto" or "laea" (Lambert azimuthal equal-area on the box centre), "albers" (equal-area
    /// conic, standard parallels at 1/6 and 5/6 of the box's latitudes), or any PROJ string / EPSG:n.
    MapProjection(const std::string& spec, const LonLatBox& box, const SourcePos& pos);
    ~MapProjection();
    MapProjection(const MapProjection&) = delete;
    MapProjection& operator=(const MapProjection&) = delete;

    /// The definition Mapnik is given (a PROJ string or "epsg:n").
    [[nodiscard]] const std::string& definition() const { return m_definition; }
    [[nodiscard]] std::array<double, 2> forward(double lon, double lat) const;
    [[nodiscard]] std::array<double, 2> inverse(double x, double y) const;
    /// Projected bounds of a lon/lat box, its edges densified (a box's projection is curved).
    [[nodiscard]] ProjectedBox project(const LonLatBox& box) const;
    /// The frame's outline in lon/lat, densified (for the locator map and for visibility tests).
    [[nodiscard]] std::vector<std::array<double, 2>> outline(const ProjectedBox& box, int steps_per_side = 16) const;
    /// Ground kilometres per projected metre along x at (x, y), from the geodesic distance.
    [[nodiscard]] double ground_km_per_metre(double x, double y) const;

private:
    struct Handles;
    std::unique_ptr<Handles> m_handles;
    std::string m_definition;
};

/// Grows `box` by `margin` (a fraction of its size) on every side, then the shorter side until
/// width/height equals the frame's: the map's scale is then the same along both axes.
[[nodiscard]] ProjectedBox fit_extent(ProjectedBox box, double margin, double frame_width_mm, double frame_height_mm);

struct ScaleBar {
    double length_km = 0;   ///< a round number: 1, 2, 2.5 or 5 × 10^n
    double length_mm = 0;   ///< on paper
    int segments = 4;
};

/// The longest round length that fits in `max_mm` on paper given ground km per paper mm.
[[nodiscard]] ScaleBar make_scale_bar(double km_per_mm, double max_mm);

} // namespace migratlas::render
