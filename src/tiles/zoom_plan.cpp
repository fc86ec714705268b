#include "tiles/zoom_plan.hpp"

#include "tiles/polygon_validity.hpp"
#include "tiles/simplify.hpp"
#include "tiles/zoom.hpp"

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>

namespace migratlas::tiles {

const PolygonPiece* ZoomLayer::piece(std::uint32_t feature, std::uint64_t tile) const
{
    const auto first = pieces.begin() + piece_start[feature];
    const auto last = pieces.begin() + piece_start[feature + 1];
    const auto it = std::lower_bound(first, last, tile, [](const PolygonPiece& p, std::uint64_t t) { return p.tile < t; });
    return it != last && it->tile == tile ? &*it : nullptr;
}

MultiLine simplify_lines(const TileLayer& layer, std::size_t feature, int zoom, double tolerance_px)
{
    MultiLine out;
    const double tolerance = tolerance_px * world_per_pixel(zoom);
    std::vector<Point> points;
    std::vector<bool> keep;
    for (std::size_t part = layer.first_part(feature); part < layer.end_part(feature); ++part) {
        points.clear();
        for (std::size_t i = layer.first_point(part); i < layer.end_point(part); ++i) {
            points.push_back(Point{layer.point(i).x, layer.point(i).y});
        }
        simplify(points, tolerance, 0, keep);
        Line line;
        for (std::size_t i = 0; i < points.size(); ++i) {
            if (keep[i]) {
                const Point p = to_pixels(points[i], zoom);
                if (line.empty() || line.back() != p) {
                    line.push_back(p);
                }
            }
        }
        if (line.size() >= 2) {
            out.push_back(std::move(line));
        }
    }
    return out;
}

MultiPolygon zoom_polygons(const LayerPlan& plan, std::size_t feature, const ZoomArcs& arcs, int zoom,
    const geo::GeosContext& geos, bool& collapsed)
{
    MultiPolygon polygons = plan.coverage->assemble(feature, arcs);
    make_valid(geos, polygons);
    collapsed = polygons.empty();
    if (collapsed) {
        // A unit never vanishes while its layer is visible: it keeps one pixel at its interior point.
        const WorldPoint& anchor = plan.coverage->anchor(feature);
        const int shift = pixel_shift(zoom);
        const std::int64_t x = std::int64_t{anchor.x} >> shift;
        const std::int64_t y = std::int64_t{anchor.y} >> shift;
        polygons.push_back(Polygon{{Ring{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}}}});
    }
    return polygons;
}

namespace {

void prepare_polygons(std::uint32_t layer_index, const LayerPlan& plan, int zoom, const TilingSettings& settings,
    GeosPool& geos, ZoomLayer& out, std::vector<TileRef>& refs)
{
    const TileLayer& layer = *plan.layer;
    const ZoomArcs arcs = plan.coverage->simplify(zoom, settings.simplification);
    std::vector<std::vector<PolygonPiece>> pieces(layer.size());
    std::vector<std::uint8_t> collapsed(layer.size(), 0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, layer.size(), 16), [&](const tbb::blocked_range<std::size_t>& range) {
        const geo::GeosContext& context = geos.local();
        for (std::size_t f = range.begin(); f != range.end(); ++f) {
            if (layer.kind(f) != FeatureKind::polygon || plan.dropped[f]) {
                continue;
            }
            bool was_collapsed = false;
            const MultiPolygon polygons = zoom_polygons(plan, f, arcs, zoom, context, was_collapsed);
            collapsed[f] = was_collapsed ? 1 : 0;
            cut_polygons(polygons, zoom, settings.buffer, context, pieces[f]);
            std::sort(pieces[f].begin(), pieces[f].end(),
                [](const PolygonPiece& a, const PolygonPiece& b) { return a.tile < b.tile; });
        }
    });
    std::size_t total = 0;
    for (const auto& feature_pieces : pieces) {
        total += feature_pieces.size();
    }
    out.pieces.reserve(total);
    refs.reserve(refs.size() + total);
    out.piece_start.reserve(layer.size() + 1);
    out.piece_start.assign(1, 0);
    for (std::size_t f = 0; f < layer.size(); ++f) {
        for (PolygonPiece& piece : pieces[f]) {
            refs.push_back(TileRef{piece.tile, static_cast<std::uint32_t>(f), layer_index});
            out.pieces.push_back(std::move(piece));
        }
        std::vector<PolygonPiece>().swap(pieces[f]);
        out.piece_start.push_back(static_cast<std::uint32_t>(out.pieces.size()));
        out.collapsed += collapsed[f];
    }
}

void prepare_lines(std::uint32_t layer_index, const LayerPlan& plan, int zoom, const TilingSettings& settings,
    ZoomLayer& out, std::vector<TileRef>& refs)
{
    const TileLayer& layer = *plan.layer;
    out.lines.resize(layer.size());
    std::vector<std::vector<std::uint64_t>> tiles(layer.size());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, layer.size(), 256), [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t f = range.begin(); f != range.end(); ++f) {
            if (layer.kind(f) != FeatureKind::line || plan.dropped[f]) {
                continue;
            }
            out.lines[f] = simplify_lines(layer, f, zoom, settings.simplification);
            for (const Line& line : out.lines[f]) {
                for (std::size_t i = 0; i + 1 < line.size(); ++i) {
                    Box box;
                    box.add(line[i]);
                    box.add(line[i + 1]);
                    const TileRange range_i = tiles_touching(box, zoom, settings.buffer);
                    for (std::int64_t x = range_i.x0; x <= range_i.x1; ++x) {
                        for (std::int64_t y = range_i.y0; y <= range_i.y1; ++y) {
                            tiles[f].push_back(TileKey{static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y)}.packed());
                        }
                    }
                }
            }
            std::sort(tiles[f].begin(), tiles[f].end());
            tiles[f].erase(std::unique(tiles[f].begin(), tiles[f].end()), tiles[f].end());
        }
    });
    for (std::size_t f = 0; f < layer.size(); ++f) {
        if (layer.kind(f) == FeatureKind::line && !plan.dropped[f] && out.lines[f].empty()) {
            ++out.too_small;
        }
        for (const std::uint64_t tile : tiles[f]) {
            refs.push_back(TileRef{tile, static_cast<std::uint32_t>(f), layer_index});
        }
    }
}

void prepare_points(std::uint32_t layer_index, const LayerPlan& plan, int zoom, const TilingSettings& settings,
    std::vector<TileRef>& refs)
{
    const TileLayer& layer = *plan.layer;
    refs.reserve(refs.size() + layer.point_count() + layer.point_count() / 16);
    for (std::size_t f = 0; f < layer.size(); ++f) {
        if (layer.kind(f) != FeatureKind::point) {
            continue;
        }
        const std::size_t part = layer.first_part(f);
        for (std::size_t i = layer.first_point(part); i < layer.end_point(part); ++i) {
            const Point p = to_pixels(Point{layer.point(i).x, layer.point(i).y}, zoom);
            Box box;
            box.add(p);
            const TileRange range = tiles_touching(box, zoom, settings.buffer);
            for (std::int64_t x = range.x0; x <= range.x1; ++x) {
                for (std::int64_t y = range.y0; y <= range.y1; ++y) {
                    const std::uint64_t tile = TileKey{static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y)}.packed();
                    refs.push_back(TileRef{tile, static_cast<std::uint32_t>(f), layer_index});
                }
            }
        }
    }
}

} // namespace

ZoomPlan prepare_zoom(int zoom, const std::vector<LayerPlan>& plans, const TilingSettings& settings, GeosPool& geos)
{
    ZoomPlan plan;
    plan.zoom = zoom;
    plan.layers.resize(plans.size());
    for (std::uint32_t l = 0; l < plans.size(); ++l) {
        const LayerPlan& layer_plan = plans[l];
        if (!layer_plan.visible(zoom)) {
            continue;
        }
        if (layer_plan.coverage) {
            prepare_polygons(l, layer_plan, zoom, settings, geos, plan.layers[l], plan.refs);
        }
        if (layer_plan.layer->has_kind(FeatureKind::line)) {
            prepare_lines(l, layer_plan, zoom, settings, plan.layers[l], plan.refs);
        }
        if (layer_plan.has_points) {
            prepare_points(l, layer_plan, zoom, settings, plan.refs);
        }
    }
    tbb::parallel_sort(plan.refs.begin(), plan.refs.end(), [](const TileRef& a, const TileRef& b) {
        return a.tile < b.tile || (a.tile == b.tile && (a.layer < b.layer || (a.layer == b.layer && a.feature < b.feature)));
    });
    // A multipoint with points in several places, or a line touching a tile twice, is listed once.
    plan.refs.erase(std::unique(plan.refs.begin(), plan.refs.end(), [](const TileRef& a, const TileRef& b) {
        return a.tile == b.tile && a.layer == b.layer && a.feature == b.feature;
    }), plan.refs.end());
    for (std::size_t i = 0; i < plan.refs.size(); ++i) {
        if (i == 0 || plan.refs[i].tile != plan.refs[i - 1].tile) {
            plan.tiles.push_back(plan.refs[i].tile);
            plan.tile_start.push_back(i);
        }
    }
    plan.tile_start.push_back(plan.refs.size());
    return plan;
}

} // namespace migratlas::tiles
