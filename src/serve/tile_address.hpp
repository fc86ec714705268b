// Tile addresses (z/x/y in the XYZ scheme of web maps) and the PMTiles v3 tile id that orders them
// along one Hilbert curve per zoom. Used by the tile readers, the cache and the router of `serve`.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace migratlas::serve {

/// Deepest zoom a tile address may have: 4^31 tile ids still fit in 64 bits, and no web map asks deeper.
inline constexpr int max_tile_zoom = 30;

struct TileAddress {
    int z = 0;
    std::uint32_t x = 0;
    std::uint32_t y = 0;  ///< XYZ row: 0 at the north edge (MBTiles stores the TMS row, 2^z - 1 - y)

    friend bool operator==(const TileAddress&, const TileAddress&) = default;
};

/// True when z is in [0, max_tile_zoom] and x, y are in [0, 2^z).
[[nodiscard]] bool is_valid(const TileAddress& address);

/// Parses decimal z, x and y: digits only, no sign, no leading '+', at most 10 digits, inside the
/// grid of zoom z. nullopt otherwise (the router answers 400).
[[nodiscard]] std::optional<TileAddress> parse_tile_address(std::string_view z, std::string_view x, std::string_view y);

/// PMTiles v3 tile id: the tiles of all lower zooms, then the position of (x, y) on the Hilbert
/// curve of zoom z (spec/v3/spec.md of protomaps/PMTiles). `address` must be valid.
[[nodiscard]] std::uint64_t tile_id(const TileAddress& address);

/// Inverse of tile_id. nullopt for ids beyond zoom max_tile_zoom.
[[nodiscard]] std::optional<TileAddress> tile_address(std::uint64_t id);

/// The MBTiles (TMS) row of an XYZ row.
[[nodiscard]] inline std::uint32_t tms_row(const TileAddress& address)
{
    return ((std::uint32_t{1} << address.z) - 1U) - address.y;
}

} // namespace migratlas::serve
