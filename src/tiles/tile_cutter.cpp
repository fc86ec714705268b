#include "tiles/tile_cutter.hpp"

#include "tiles/polygon_validity.hpp"
#include "tiles/zoom.hpp"

namespace migratlas::tiles {

namespace {

MultiPolygon clip_with_geos(const Polygon& polygon, const ClipBox& box, const geo::GeosContext& geos)
{
    MultiPolygon one{polygon};
    geo::GeosGeometryPtr geometry = to_geos(geos, one);
    geo::GeosGeometryPtr clipped = geos.own(GEOSClipByRect_r(geos.handle(), geometry.get(), static_cast<double>(box.x0),
        static_cast<double>(box.y0), static_cast<double>(box.x1), static_cast<double>(box.y1)), "clip by rectangle");
    // Cut points off the grid are rounded, and whatever that spoils is repaired.
    MultiPolygon out = from_geos(geos, clipped.get());
    make_valid(geos, out);
    return out;
}

void emit_full(const TileRange& range, std::vector<PolygonPiece>& out)
{
    for (std::int64_t x = range.x0; x <= range.x1; ++x) {
        for (std::int64_t y = range.y0; y <= range.y1; ++y) {
            PolygonPiece piece;
            piece.tile = TileKey{static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y)}.packed();
            piece.full = true;
            out.push_back(std::move(piece));
        }
    }
}

void cut_range(const MultiPolygon& polygons, const TileRange& range, std::int64_t buffer, const geo::GeosContext& geos,
    std::vector<PolygonPiece>& out)
{
    const ClipBox box = range_box(range, buffer);
    bool cut = false;
    bool full = false;
    MultiPolygon clipped = clip_polygons(polygons, box, geos, cut, full);
    if (clipped.empty()) {
        return;
    }
    if (full) {
        emit_full(range, out);
        return;
    }
    if (range.count() == 1) {
        if (cut) {
            make_valid(geos, clipped);
            if (clipped.empty()) {
                return;
            }
        }
        PolygonPiece piece;
        piece.tile = TileKey{static_cast<std::uint32_t>(range.x0), static_cast<std::uint32_t>(range.y0)}.packed();
        piece.set_polygons(clipped);
        out.push_back(std::move(piece));
        return;
    }
    TileRange first = range;
    TileRange second = range;
    if (range.x1 - range.x0 >= range.y1 - range.y0) {
        first.x1 = range.x0 + (range.x1 - range.x0) / 2;
        second.x0 = first.x1 + 1;
    } else {
        first.y1 = range.y0 + (range.y1 - range.y0) / 2;
        second.y0 = first.y1 + 1;
    }
    cut_range(clipped, first, buffer, geos, out);
    cut_range(clipped, second, buffer, geos, out);
}

Point tile_corner(std::uint64_t tile)
{
    const TileKey key = TileKey::unpack(tile);
    return Point{std::int64_t{key.x} * tile_extent, std::int64_t{key.y} * tile_extent};
}

} // namespace

void PolygonPiece::set_polygons(const MultiPolygon& polygons)
{
    const Point corner = tile_corner(tile);
    std::size_t size = 1;
    for (const Polygon& polygon : polygons) {
        size += 1;
        for (const Ring& ring : polygon.rings) {
            size += 1 + 2 * ring.size();
        }
    }
    packed.clear();
    packed.reserve(size);
    packed.push_back(static_cast<std::int32_t>(polygons.size()));
    for (const Polygon& polygon : polygons) {
        packed.push_back(static_cast<std::int32_t>(polygon.rings.size()));
        for (const Ring& ring : polygon.rings) {
            packed.push_back(static_cast<std::int32_t>(ring.size()));
            for (const Point& p : ring) {
                packed.push_back(static_cast<std::int32_t>(p.x - corner.x));
                packed.push_back(static_cast<std::int32_t>(p.y - corner.y));
            }
        }
    }
}

MultiPolygon PolygonPiece::polygons() const
{
    MultiPolygon out;
    if (packed.empty()) {
        return out;
    }
    const Point corner = tile_corner(tile);
    std::size_t i = 0;
    out.resize(static_cast<std::size_t>(packed[i++]));
    for (Polygon& polygon : out) {
        polygon.rings.resize(static_cast<std::size_t>(packed[i++]));
        for (Ring& ring : polygon.rings) {
            ring.resize(static_cast<std::size_t>(packed[i++]));
            for (Point& p : ring) {
                p.x = corner.x + packed[i++];
                p.y = corner.y + packed[i++];
            }
        }
    }
    return out;
}

MultiPolygon clip_polygons(const MultiPolygon& polygons, const ClipBox& box, const geo::GeosContext& geos, bool& cut,
    bool& full)
{
    MultiPolygon out;
    cut = false;
    std::size_t full_parts = 0;
    for (const Polygon& polygon : polygons) {
        PolygonClip clip = clip_polygon(polygon, box);
        if (!clip.consistent) {
            MultiPolygon fallback = clip_with_geos(polygon, box, geos);
            out.insert(out.end(), std::make_move_iterator(fallback.begin()), std::make_move_iterator(fallback.end()));
            cut = true;
            continue;
        }
        if (clip.polygons.empty()) {
            continue;
        }
        cut = cut || !clip.unchanged;
        full_parts += clip.full ? 1 : 0;
        out.insert(out.end(), std::make_move_iterator(clip.polygons.begin()), std::make_move_iterator(clip.polygons.end()));
    }
    full = full_parts == 1 && out.size() == 1;
    return out;
}

void cut_polygons(const MultiPolygon& polygons, int zoom, std::int64_t buffer, const geo::GeosContext& geos,
    std::vector<PolygonPiece>& out)
{
    Box extent;
    for (const Polygon& polygon : polygons) {
        extent.add(bounds(polygon));
    }
    if (extent.empty()) {
        return;
    }
    const TileRange range = tiles_touching(extent, zoom, buffer);
    if (range.empty()) {
        return;
    }
    cut_range(polygons, range, buffer, geos, out);
}

} // namespace migratlas::tiles
