// Shared-border topology of a polygon layer: every ring is cut at the points where neighbouring rings
// meet or part, and each resulting arc is stored once however many rings use it. Simplifying the arcs
// (once per zoom) and re-assembling the rings gives neighbours the very same border at every zoom,
// so no gap or overlap can open between them. The tiling of polygon layers starts here.
#pragma once

#include "tiles/geometry.hpp"
#include "tiles/tile_layer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace migratlas::tiles {

/// The arcs of one zoom: simplified in world units, then snapped to the zoom's pixel grid.
struct ZoomArcs {
    std::vector<Point> points;
    std::vector<std::uint32_t> start; ///< arc a is points[start[a], start[a + 1])
};

class Coverage {
public:
    /// Builds the arcs of the layer's polygon features (other features have no rings here).
    explicit Coverage(const TileLayer& layer);

    [[nodiscard]] std::size_t arc_count() const { return m_arc_start.size() - 1; }
    /// How many arcs are used by two or more rings (borders shared between neighbours or parts).
    [[nodiscard]] std::size_t shared_arc_count() const { return m_shared_arcs; }

    /// Every arc simplified with `tolerance_px` zoom pixels and snapped to the grid of `zoom`.
    [[nodiscard]] ZoomArcs simplify(int zoom, double tolerance_px) const;
    /// Only the arcs of `features`, the others left empty (for a coarser try at one tile).
    [[nodiscard]] ZoomArcs simplify_features(std::span<const std::uint32_t> features, int zoom, double tolerance_px) const;

    /// The feature's polygons at a zoom, in zoom pixels, rings that collapsed to nothing dropped.
    /// Not yet validated: see polygon_validity.hpp.
    [[nodiscard]] MultiPolygon assemble(std::size_t feature, const ZoomArcs& arcs) const;
    /// A point inside the feature (GEOS PointOnSurface), where a collapsed unit keeps its minimal polygon.
    [[nodiscard]] const WorldPoint& anchor(std::size_t feature) const { return m_anchor[feature]; }

private:
    void simplify_arc(std::size_t arc, int zoom, double tolerance_world, std::vector<Point>& out) const;

    std::vector<WorldPoint> m_arc_points;
    std::vector<std::uint32_t> m_arc_start{0};
    std::vector<std::uint8_t> m_arc_min_interior;
    /// Ring r uses arcs m_ring_arcs[m_ring_start[r] .. m_ring_start[r + 1]); high bit = walked backwards.
    std::vector<std::uint32_t> m_ring_arcs;
    std::vector<std::uint32_t> m_ring_start{0};
    std::vector<std::uint8_t> m_ring_shell;
    std::vector<std::uint32_t> m_feature_ring{0}; ///< per layer feature
    std::vector<WorldPoint> m_anchor;              ///< per layer feature
    std::size_t m_shared_arcs = 0;
};

} // namespace migratlas::tiles
