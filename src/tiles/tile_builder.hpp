// Builds one tile: the pieces of every layer's features in that tile, clipped to the tile and its
// buffer, points merged into clusters below a layer's maxzoom, encoded as MVT and gzipped. Called for
// every tile of a zoom, and again with coarser settings for tiles the size policy must shrink.
#pragma once

#include "tiles/layer_plan.hpp"
#include "tiles/zoom_plan.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace migratlas::tiles {

/// How far a tile is reduced (size_policy.hpp): simplification `factor` times coarser (1 = normal;
/// points merge in cells `factor` times larger, or of `factor` units at a layer's maxzoom), and
/// every feature whose importance is below `threshold` left out.
struct TileOptions {
    int factor = 1;
    float threshold = 0.0F;
    bool collect_items = false;
};

/// A feature (or cluster, named by its first member) written to the tile, for the size policy.
struct TileItem {
    float importance = 0.0F;
    std::uint32_t layer = 0;
    std::uint32_t feature = 0;
    std::uint32_t bytes = 0;   ///< its encoded size before compression
};

struct TileOutput {
    std::string data;                ///< gzipped MVT; empty when no feature was written (or once stored)
    std::uint64_t bytes = 0;         ///< size of data, kept when data moves to the store
    std::uint64_t raw_bytes = 0;
    std::vector<TileItem> items;     ///< when TileOptions::collect_items
    /// Point features written in the tile proper (not its buffer), per layer of the run.
    struct PointCounts {
        std::uint64_t points = 0;            ///< point features (a cluster counts once)
        std::uint64_t clusters = 0;          ///< of which merge two or more points
        std::uint64_t clustered_points = 0;  ///< points inside those clusters
    };
    std::vector<PointCounts> layers;
};

/// Per zoom and layer, the point features (or cluster first members) the size policy dropped.
using ZoomDrops = std::vector<std::vector<bool>>;

struct TileContext {
    const std::vector<LayerPlan>& plans;
    const ZoomPlan& zoom;
    const TilingSettings& settings;
    const ZoomDrops& point_drops;
};

[[nodiscard]] TileOutput build_tile(const TileContext& context, std::size_t tile_index, const TileOptions& options,
    const geo::GeosContext& geos);

} // namespace migratlas::tiles
