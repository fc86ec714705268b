// The geometry of every layer at one zoom and the list of features each tile receives: coverage arcs
// simplified and re-assembled, lines simplified, polygons cut into tile pieces, points binned.
// Built once per zoom before the tiles of that zoom are encoded (tile_builder.hpp).
#pragma once

#include "geo/geos_context.hpp"
#include "tiles/layer_plan.hpp"
#include "tiles/tile_cutter.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <cstdint>
#include <span>
#include <vector>

namespace migratlas::tiles {

/// One GEOS context per worker thread (GEOS contexts cannot be shared).
using GeosPool = tbb::enumerable_thread_specific<geo::GeosContext>;

struct TileRef {
    std::uint64_t tile = 0;
    std::uint32_t feature = 0;
    std::uint32_t layer = 0;
};

struct ZoomLayer {
    std::vector<PolygonPiece> pieces;        ///< sorted by feature, then tile
    std::vector<std::uint32_t> piece_start;  ///< per feature (size features + 1), empty for layers without polygons
    std::vector<MultiLine> lines;            ///< per feature: simplified lines in zoom pixels
    std::uint64_t too_small = 0;             ///< lines shorter than a pixel at this zoom
    std::uint64_t collapsed = 0;             ///< polygons kept as a minimal one-pixel square

    [[nodiscard]] const PolygonPiece* piece(std::uint32_t feature, std::uint64_t tile) const;
};

struct ZoomPlan {
    int zoom = 0;
    std::vector<ZoomLayer> layers;           ///< parallel to the run's LayerPlans
    std::vector<TileRef> refs;               ///< sorted by tile, layer, feature
    std::vector<std::uint64_t> tiles;        ///< distinct tiles in refs, sorted
    std::vector<std::size_t> tile_start;     ///< refs of tiles[i]: [tile_start[i], tile_start[i + 1])

    [[nodiscard]] std::span<const TileRef> refs_of(std::size_t tile_index) const
    {
        return std::span<const TileRef>(refs).subspan(tile_start[tile_index], tile_start[tile_index + 1] - tile_start[tile_index]);
    }
};

/// Lines of one feature simplified with `tolerance_px` zoom pixels and snapped to the zoom's grid.
[[nodiscard]] MultiLine simplify_lines(const TileLayer& layer, std::size_t feature, int zoom, double tolerance_px);

/// The polygons of a feature at a zoom, valid, with a minimal one-pixel square when it collapsed.
[[nodiscard]] MultiPolygon zoom_polygons(const LayerPlan& plan, std::size_t feature, const ZoomArcs& arcs, int zoom,
    const geo::GeosContext& geos, bool& collapsed);

[[nodiscard]] ZoomPlan prepare_zoom(int zoom, const std::vector<LayerPlan>& plans, const TilingSettings& settings,
    GeosPool& geos);

} // namespace migratlas::tiles
