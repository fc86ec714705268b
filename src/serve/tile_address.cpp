#include "serve/tile_address.hpp"

#include "common/pmtiles_directory.hpp"

#include <charconv>

namespace migratlas::serve {

namespace {

/// Number of tiles in zooms 0 .. z-1: (4^z - 1) / 3.
std::uint64_t tiles_below(int z)
{
    return ((std::uint64_t{1} << (2 * z)) - 1U) / 3U;
}

/// One step of the Hilbert curve: rotate the quadrant so that the curve inside it has the base orientation.
void rotate(std::uint64_t n, std::uint64_t& x, std::uint64_t& y, std::uint64_t rx, std::uint64_t ry)
{
    if (ry == 0) {
        if (rx == 1) {
            x = n - 1 - x;
            y = n - 1 - y;
        }
        std::swap(x, y);
    }
}

std::optional<std::uint64_t> parse_digits(std::string_view text)
{
    if (text.empty() || text.size() > 10) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

} // namespace

bool is_valid(const TileAddress& address)
{
    if (address.z < 0 || address.z > max_tile_zoom) {
        return false;
    }
    const std::uint64_t side = std::uint64_t{1} << address.z;
    return address.x < side && address.y < side;
}

std::optional<TileAddress> parse_tile_address(std::string_view z, std::string_view x, std::string_view y)
{
    const auto zoom = parse_digits(z);
    const auto column = parse_digits(x);
    const auto row = parse_digits(y);
    if (!zoom || !column || !row || *zoom > static_cast<std::uint64_t>(max_tile_zoom)) {
        return std::nullopt;
    }
    const std::uint64_t side = std::uint64_t{1} << *zoom;
    if (*column >= side || *row >= side) {
        return std::nullopt;
    }
    return TileAddress{static_cast<int>(*zoom), static_cast<std::uint32_t>(*column), static_cast<std::uint32_t>(*row)};
}

std::uint64_t tile_id(const TileAddress& address)
{
    const std::uint64_t n = std::uint64_t{1} << address.z;
    std::uint64_t x = address.x;
    std::uint64_t y = address.y;
    std::uint64_t d = 0;
    for (std::uint64_t s = n / 2; s > 0; s /= 2) {
        const std::uint64_t rx = (x & s) > 0 ? 1 : 0;
        const std::uint64_t ry = (y & s) > 0 ? 1 : 0;
        d += s * s * ((3 * rx) ^ ry);
        rotate(n, x, y, rx, ry);
    }
    return tiles_below(address.z) + d;
}

std::optional<TileAddress> tile_address(std::uint64_t id)
{
    const auto zxy = pmtiles::tile_zxy(id);
    if (!zxy) {
        return std::nullopt;
    }
    return TileAddress{zxy->z, zxy->x, zxy->y};
}

} // namespace migratlas::serve
