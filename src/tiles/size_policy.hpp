// The size policy for tiles over max_tile_bytes (gzipped), applied per zoom from the highest down:
//  1. simplify that tile 2, 4, 8, then 16 times coarser (points: merge into cells that much larger),
//     stopping early when a step shrinks it by less than 10 %;
//  2. then leave out its least important features (rank attribute, else area or length) until it
//     fits, always keeping the most important one;
//  3. a feature left out of one tile is left out of every tile of that zoom and of every lower
//     zoom, so the map stays consistent across tile edges and zooms.
// A tile that does not fit even then is an error naming it. docs/tiles.md states the same policy.
#pragma once

#include "tiles/tile_builder.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace migratlas::tiles {

struct ReducedTile {
    int zoom = 0;
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    std::uint64_t bytes_before = 0;
    std::uint64_t bytes_after = 0;
    int factor = 1;                    ///< how much coarser the simplification ended
    std::uint64_t features_left_out = 0;
};

/// Shrinks the tiles of one zoom that exceed the limit; `outputs` and `options` are per tile of
/// `context.zoom`. Updates the layers' dropped features (LayerPlan::dropped, ZoomDrops for points)
/// and rebuilds the tiles that lose features. Throws DataError naming every tile that cannot fit.
std::vector<ReducedTile> enforce_tile_size(const TileContext& context, std::vector<LayerPlan>& plans, ZoomDrops& point_drops,
    std::vector<TileOutput>& outputs, std::vector<TileOptions>& options, GeosPool& geos);

/// "z/x/y".
[[nodiscard]] std::string tile_name(int zoom, std::uint32_t x, std::uint32_t y);

} // namespace migratlas::tiles
