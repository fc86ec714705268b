// Web Mercator (EPSG:3857) through PROJ, scaled to the tiler's integer world: 2^32 units per side,
// x east from -180°, y south from 85.0511°N. The layer builder projects every input coordinate here.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

namespace migratlas::tiles {

inline constexpr int world_bits = 32;
inline constexpr std::int64_t world_size = std::int64_t{1} << world_bits;
/// The latitude at which the Web Mercator square ends: atan(sinh(pi)).
inline constexpr double max_latitude = 85.051128779806592;

struct LonLat {
    double lon = 0.0;
    double lat = 0.0;
};

class WebMercator {
public:
    WebMercator();
    ~WebMercator();
    WebMercator(const WebMercator&) = delete;
    WebMercator& operator=(const WebMercator&) = delete;

    /// Projects lon/lat degrees (longitudes within [-180, 180], latitudes within ±max_latitude) to
    /// world units, in place: on return `lon` holds world x and `lat` world y (not yet rounded).
    void forward(std::span<double> lon, std::span<double> lat) const;
    /// World units back to lon/lat degrees.
    [[nodiscard]] LonLat inverse(double world_x, double world_y) const;

private:
    struct Handles;
    std::unique_ptr<Handles> m_handles;
};

} // namespace migratlas::tiles
