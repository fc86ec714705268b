// Zoom arithmetic shared by the tiling steps: world units to zoom pixels (4096 per tile side, the MVT
// extent), the tiles a box touches, and tile boxes with their buffer.
#pragma once

#include "tiles/clip.hpp"
#include "tiles/geometry.hpp"
#include "tiles/web_mercator.hpp"

#include <cstdint>

namespace migratlas::tiles {

inline constexpr int extent_bits = 12;
inline constexpr std::int64_t tile_extent = std::int64_t{1} << extent_bits;
/// z + 12 extent bits must fit the 32 bits of the world grid.
inline constexpr int highest_zoom = world_bits - extent_bits;

/// World units per zoom pixel, as a power of two.
[[nodiscard]] constexpr int pixel_shift(int zoom)
{
    return world_bits - extent_bits - zoom;
}

[[nodiscard]] constexpr double world_per_pixel(int zoom)
{
    return static_cast<double>(std::int64_t{1} << pixel_shift(zoom));
}

/// The nearest zoom pixel (halves round up), the same for every feature so shared points stay shared.
[[nodiscard]] constexpr std::int64_t to_pixels(std::int64_t world, int zoom)
{
    const int shift = pixel_shift(zoom);
    return shift == 0 ? world : (world + (std::int64_t{1} << (shift - 1))) >> shift;
}

[[nodiscard]] constexpr Point to_pixels(const Point& p, int zoom)
{
    return Point{to_pixels(p.x, zoom), to_pixels(p.y, zoom)};
}

struct TileRange {
    std::int64_t x0 = 0;
    std::int64_t y0 = 0;
    std::int64_t x1 = -1; ///< inclusive
    std::int64_t y1 = -1;
    [[nodiscard]] bool empty() const { return x1 < x0 || y1 < y0; }
    [[nodiscard]] std::int64_t count() const { return empty() ? 0 : (x1 - x0 + 1) * (y1 - y0 + 1); }
};

[[nodiscard]] constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// The tiles whose buffered box has `box` (zoom pixels) strictly inside somewhere.
[[nodiscard]] inline TileRange tiles_touching(const Box& box, int zoom, std::int64_t buffer)
{
    const std::int64_t last = (std::int64_t{1} << zoom) - 1;
    TileRange range;
    range.x0 = std::max<std::int64_t>(0, floor_div(box.min_x - buffer, tile_extent));
    range.y0 = std::max<std::int64_t>(0, floor_div(box.min_y - buffer, tile_extent));
    range.x1 = std::min(last, floor_div(box.max_x + buffer + tile_extent - 1, tile_extent) - 1);
    range.y1 = std::min(last, floor_div(box.max_y + buffer + tile_extent - 1, tile_extent) - 1);
    return range;
}

/// The buffered box of tiles x0..x1, y0..y1 in zoom pixels.
[[nodiscard]] inline ClipBox range_box(const TileRange& range, std::int64_t buffer)
{
    return ClipBox{range.x0 * tile_extent - buffer, range.y0 * tile_extent - buffer,
        (range.x1 + 1) * tile_extent + buffer, (range.y1 + 1) * tile_extent + buffer};
}

struct TileKey {
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    [[nodiscard]] std::uint64_t packed() const { return (std::uint64_t{x} << 32) | y; }
    static TileKey unpack(std::uint64_t packed)
    {
        return TileKey{static_cast<std::uint32_t>(packed >> 32), static_cast<std::uint32_t>(packed & 0xffffffffU)};
    }
};

} // namespace migratlas::tiles
