// What the tiler knows about each layer for the whole run: its zoom range, the shared-border topology
// of its polygons, each feature's importance for the size policy, and which features the policy has
// dropped so far (a feature dropped at one zoom stays dropped at every lower zoom).
#pragma once

#include "tiles/coverage.hpp"
#include "tiles/tile_layer.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::tiles {

/// Settings every tiling step shares (the names are those of tiles::Request).
struct TilingSettings {
    std::int64_t buffer = 64;          ///< tile units around each tile (extent 4096)
    double simplification = 1.0;       ///< Douglas-Peucker tolerance in tile units at each zoom
    std::int64_t cluster_cell = 32;    ///< points closer than this grid cell (tile units) merge below maxzoom
    std::uint64_t max_tile_bytes = 500000;
    int gzip_level = 1;  // libdeflate: faster than 6 for slightly larger tiles (docs/tiles.md, size policy)
};

struct LayerPlan {
    const TileLayer* layer = nullptr;
    int minzoom = 0;
    int maxzoom = 0;
    std::unique_ptr<Coverage> coverage;   ///< when the layer has polygons
    /// The feature's rank among the layer's features, in [0, 1): 0 least important. Set from the rank
    /// attribute when there is one, else from area (polygons) or length (lines); ties broken by a hash
    /// of the feature id so that equal ranks thin out evenly in space.
    std::vector<float> importance;
    std::vector<bool> dropped;            ///< by the size policy at this zoom or a higher one
    std::vector<std::string_view> keys;   ///< field names, then point_count for point layers
    std::size_t point_count_key = 0;      ///< valid when the layer has points
    bool has_points = false;
    std::string rank_description;         ///< "rank attribute 'population'", "area", ...

    [[nodiscard]] bool visible(int zoom) const { return minzoom <= zoom && zoom <= maxzoom; }
};

/// `rank_field`: the numeric attribute that orders features by importance (empty for the default).
[[nodiscard]] LayerPlan make_plan(const TileLayer& layer, int minzoom, int maxzoom, const std::string& rank_field);

/// The name of the count attribute every point feature carries (1 for a single point).
inline constexpr std::string_view point_count_name = "point_count";

} // namespace migratlas::tiles
