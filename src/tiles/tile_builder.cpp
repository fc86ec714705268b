#include "tiles/tile_builder.hpp"

#include "tiles/gzip.hpp"
#include "tiles/mvt_encoder.hpp"
#include "tiles/polygon_validity.hpp"
#include "tiles/zoom.hpp"

#include <algorithm>
#include <cmath>

namespace migratlas::tiles {

namespace {

struct TileFrame {
    TileKey key;
    ClipBox box;        ///< zoom pixels, with buffer
    Point origin;       ///< zoom pixels of the tile's top-left corner
};

Point local(const Point& p, const TileFrame& frame)
{
    return Point{p.x - frame.origin.x, p.y - frame.origin.y};
}

void translate(MultiPolygon& polygons, const TileFrame& frame)
{
    for (Polygon& polygon : polygons) {
        for (Ring& ring : polygon.rings) {
            for (Point& p : ring) {
                p = local(p, frame);
            }
        }
    }
}

void add_attributes(const TileLayer& layer, std::size_t feature, MvtLayerEncoder& encoder)
{
    for (std::size_t i = 0; i < layer.fields().size(); ++i) {
        const AttributeColumn& column = layer.column(i);
        if (column.is_null(feature)) {
            continue;
        }
        switch (column.type()) {
        case FieldType::integer: encoder.add_tag(i, MvtValue::integer(column.integer(feature))); break;
        case FieldType::real: encoder.add_tag(i, MvtValue::real(column.real(feature))); break;
        case FieldType::boolean: encoder.add_tag(i, MvtValue::boolean(column.boolean(feature))); break;
        case FieldType::text: {
            const std::uint32_t index = column.string(feature);
            encoder.add_tag(i, MvtValue::string(index, layer.string(index)));
            break;
        }
        }
    }
}

struct PointMember {
    std::int32_t cell_x = 0;   ///< cells of at least one unit: zoom pixels / cell fit 32 bits
    std::int32_t cell_y = 0;
    std::uint32_t feature = 0;
    Point position;  ///< zoom pixels
};

/// Sums and shared values of a cluster's members, per the fields' cluster rules.
void add_cluster_attributes(const TileLayer& layer, std::span<const PointMember> members, MvtLayerEncoder& encoder)
{
    for (std::size_t i = 0; i < layer.fields().size(); ++i) {
        const Field& field = layer.fields()[i];
        const AttributeColumn& column = layer.column(i);
        const bool numeric = field.type == FieldType::integer || field.type == FieldType::real;
        if (field.cluster_rule == ClusterRule::sum && numeric) {
            std::int64_t integer_sum = 0;
            double real_sum = 0.0;
            bool any = false;
            for (const PointMember& m : members) {
                if (!column.is_null(m.feature)) {
                    any = true;
                    if (field.type == FieldType::integer) {
                        integer_sum += column.integer(m.feature);
                    } else {
                        real_sum += column.real(m.feature);
                    }
                }
            }
            if (any) {
                encoder.add_tag(i, field.type == FieldType::integer ? MvtValue::integer(integer_sum) : MvtValue::real(real_sum));
            }
            continue;
        }
        const std::uint32_t first = members.front().feature;
        if (column.is_null(first)) {
            continue;
        }
        const bool uniform = std::all_of(members.begin(), members.end(), [&](const PointMember& m) {
            return !column.is_null(m.feature) && column.payload(m.feature) == column.payload(first);
        });
        if (!uniform) {
            continue;
        }
        switch (column.type()) {
        case FieldType::integer: encoder.add_tag(i, MvtValue::integer(column.integer(first))); break;
        case FieldType::real: encoder.add_tag(i, MvtValue::real(column.real(first))); break;
        case FieldType::boolean: encoder.add_tag(i, MvtValue::boolean(column.boolean(first))); break;
        case FieldType::text: encoder.add_tag(i, MvtValue::string(column.string(first), layer.string(column.string(first)))); break;
        }
    }
}

class LayerWriter {
public:
    LayerWriter(const TileContext& context, std::uint32_t layer_index, const TileFrame& frame, const TileOptions& options,
        const geo::GeosContext& geos, TileOutput& output)
        : m_context(context), m_layer_index(layer_index), m_plan(context.plans[layer_index]), m_layer(*m_plan.layer),
          m_zoom_layer(context.zoom.layers[layer_index]), m_frame(frame), m_options(options), m_geos(geos),
          m_output(output), m_encoder(m_layer.name(), m_plan.keys)
    {
    }

    void write(std::span<const TileRef> refs)
    {
        std::vector<std::uint32_t> polygon_features;
        for (const TileRef& ref : refs) {
            if (m_layer.kind(ref.feature) == FeatureKind::polygon && keep(ref.feature, m_plan.importance[ref.feature])) {
                polygon_features.push_back(ref.feature);
            }
        }
        if (m_options.factor > 1 && !polygon_features.empty()) {
            m_coarse_arcs = m_plan.coverage->simplify_features(polygon_features, m_context.zoom.zoom,
                m_context.settings.simplification * m_options.factor);
        }
        std::vector<PointMember> points;
        for (const TileRef& ref : refs) {
            const float importance = m_plan.importance[ref.feature];
            switch (m_layer.kind(ref.feature)) {
            case FeatureKind::polygon:
                if (keep(ref.feature, importance)) {
                    write_polygons(ref.feature, importance);
                }
                break;
            case FeatureKind::line:
                if (keep(ref.feature, importance)) {
                    write_lines(ref.feature, importance);
                }
                break;
            case FeatureKind::point: collect_point(ref.feature, points); break;
            }
        }
        if (!points.empty()) {
            write_points(points);
        }
    }

    [[nodiscard]] const MvtLayerEncoder& encoder() const { return m_encoder; }

private:
    bool keep(std::uint32_t feature, float importance) const
    {
        return !m_plan.dropped[feature] && importance >= m_options.threshold;
    }

    void emit(std::uint32_t feature, float importance)
    {
        m_encoder.end_feature();
        const std::size_t end = m_encoder.feature_bytes();
        if (m_options.collect_items) {
            m_output.items.push_back(TileItem{importance, m_layer_index, feature, static_cast<std::uint32_t>(end - m_encoded)});
        }
        m_encoded = end;
    }

    void write_polygons(std::uint32_t feature, float importance)
    {
        MultiPolygon polygons;
        if (m_options.factor == 1) {
            const PolygonPiece* piece = m_zoom_layer.piece(feature, m_frame.key.packed());
            if (piece == nullptr) {
                return;
            }
            polygons = piece->full ? MultiPolygon{Polygon{{m_frame.box.ring()}}} : piece->polygons();
        } else {
            bool collapsed = false;
            const MultiPolygon coarse = zoom_polygons(m_plan, feature, m_coarse_arcs, m_context.zoom.zoom, m_geos, collapsed);
            bool cut = false;
            bool full = false;
            polygons = clip_polygons(coarse, m_frame.box, m_geos, cut, full);
            if (cut) {
                make_valid(m_geos, polygons);
            }
        }
        if (polygons.empty()) {
            return;
        }
        translate(polygons, m_frame);
        m_encoder.begin_feature(m_layer.id(feature));
        add_attributes(m_layer, feature, m_encoder);
        m_encoder.set_polygons(polygons);
        emit(feature, importance);
    }

    void write_lines(std::uint32_t feature, float importance)
    {
        MultiLine clipped;
        if (m_options.factor == 1) {
            for (const Line& line : m_zoom_layer.lines[feature]) {
                clip_line(line, m_frame.box, clipped);
            }
        } else {
            const MultiLine coarse = simplify_lines(m_layer, feature, m_context.zoom.zoom,
                m_context.settings.simplification * m_options.factor);
            for (const Line& line : coarse) {
                clip_line(line, m_frame.box, clipped);
            }
        }
        if (clipped.empty()) {
            return;
        }
        for (Line& line : clipped) {
            for (Point& p : line) {
                p = local(p, m_frame);
            }
        }
        m_encoder.begin_feature(m_layer.id(feature));
        add_attributes(m_layer, feature, m_encoder);
        m_encoder.set_lines(clipped);
        emit(feature, importance);
    }

    [[nodiscard]] std::int64_t cell_size() const
    {
        if (m_context.zoom.zoom < m_plan.maxzoom) {
            return m_context.settings.cluster_cell * m_options.factor;
        }
        return m_options.factor > 1 ? m_options.factor : 0;
    }

    void collect_point(std::uint32_t feature, std::vector<PointMember>& points) const
    {
        const int zoom = m_context.zoom.zoom;
        const std::size_t part = m_layer.first_part(feature);
        const std::int64_t cell = cell_size();
        for (std::size_t i = m_layer.first_point(part); i < m_layer.end_point(part); ++i) {
            const Point p = to_pixels(Point{m_layer.point(i).x, m_layer.point(i).y}, zoom);
            if (!m_frame.box.contains(p)) {
                continue;
            }
            PointMember member;
            member.feature = feature;
            member.position = p;
            if (cell > 0) {
                member.cell_x = static_cast<std::int32_t>(floor_div(p.x, cell));
                member.cell_y = static_cast<std::int32_t>(floor_div(p.y, cell));
            }
            points.push_back(member);
            if (cell > 0) {
                return; // in a cluster a feature counts once, at its first point in the tile
            }
        }
    }

    void write_points(std::vector<PointMember>& points)
    {
        const std::int64_t cell = cell_size();
        const std::vector<bool>& drops = m_context.point_drops[m_layer_index];
        if (cell == 0) {
            // One feature per source feature (a multipoint keeps its points together).
            for (std::size_t i = 0; i < points.size();) {
                std::size_t j = i;
                std::vector<Point> positions;
                while (j < points.size() && points[j].feature == points[i].feature) {
                    positions.push_back(local(points[j].position, m_frame));
                    ++j;
                }
                const std::uint32_t feature = points[i].feature;
                const float importance = m_plan.importance[feature];
                if (!drops[feature] && importance >= m_options.threshold) {
                    if (in_core(points[i].position)) {
                        ++counts().points;
                    }
                    m_encoder.begin_feature(m_layer.id(feature));
                    add_attributes(m_layer, feature, m_encoder);
                    m_encoder.add_tag(m_plan.point_count_key, MvtValue::integer(1));
                    m_encoder.set_points(positions);
                    emit(feature, importance);
                }
                i = j;
            }
            return;
        }
        std::sort(points.begin(), points.end(), [](const PointMember& a, const PointMember& b) {
            return a.cell_y < b.cell_y || (a.cell_y == b.cell_y && (a.cell_x < b.cell_x || (a.cell_x == b.cell_x && a.feature < b.feature)));
        });
        for (std::size_t i = 0; i < points.size();) {
            std::size_t j = i;
            while (j < points.size() && points[j].cell_x == points[i].cell_x && points[j].cell_y == points[i].cell_y) {
                ++j;
            }
            write_cluster(std::span<const PointMember>(points).subspan(i, j - i), cell, drops);
            i = j;
        }
    }

    [[nodiscard]] bool in_core(const Point& p) const
    {
        return p.x >= m_frame.origin.x && p.y >= m_frame.origin.y && p.x < m_frame.origin.x + tile_extent &&
            p.y < m_frame.origin.y + tile_extent;
    }

    TileOutput::PointCounts& counts()
    {
        if (m_output.layers.size() <= m_layer_index) {
            m_output.layers.resize(m_context.plans.size());
        }
        return m_output.layers[m_layer_index];
    }

    void write_cluster(std::span<const PointMember> members, std::int64_t cell, const std::vector<bool>& drops)
    {
        const std::int64_t x0 = std::int64_t{members.front().cell_x} * cell;
        const std::int64_t y0 = std::int64_t{members.front().cell_y} * cell;
        // A cell cut by the buffer's edge would hold only part of its points: it is left to the
        // neighbouring tile that holds it whole.
        if (x0 < m_frame.box.x0 || y0 < m_frame.box.y0 || x0 + cell > m_frame.box.x1 || y0 + cell > m_frame.box.y1) {
            return;
        }
        const std::uint32_t first = members.front().feature;
        float importance = 0.0F;
        Wide sum_x = 0;
        Wide sum_y = 0;
        for (const PointMember& m : members) {
            importance = std::max(importance, m_plan.importance[m.feature]);
            sum_x += m.position.x;
            sum_y += m.position.y;
        }
        if (drops[first] || importance < m_options.threshold) {
            return;
        }
        const auto n = static_cast<std::int64_t>(members.size());
        const Point centre{static_cast<std::int64_t>((2 * sum_x + n) / (2 * n)), static_cast<std::int64_t>((2 * sum_y + n) / (2 * n))};
        m_encoder.begin_feature(m_layer.id(first));
        if (members.size() == 1) {
            add_attributes(m_layer, first, m_encoder);
        } else {
            add_cluster_attributes(m_layer, members, m_encoder);
        }
        m_encoder.add_tag(m_plan.point_count_key, MvtValue::integer(n));
        m_encoder.set_points(std::vector<Point>{local(centre, m_frame)});
        emit(first, importance);
        if (in_core(Point{x0, y0})) {
            ++counts().points;
            if (members.size() > 1) {
                ++counts().clusters;
                counts().clustered_points += members.size();
            }
        }
    }

    const TileContext& m_context;
    std::uint32_t m_layer_index;
    const LayerPlan& m_plan;
    const TileLayer& m_layer;
    const ZoomLayer& m_zoom_layer;
    const TileFrame& m_frame;
    const TileOptions& m_options;
    const geo::GeosContext& m_geos;
    TileOutput& m_output;
    MvtLayerEncoder m_encoder;
    std::size_t m_encoded = 0;
    ZoomArcs m_coarse_arcs;
};

} // namespace

TileOutput build_tile(const TileContext& context, std::size_t tile_index, const TileOptions& options,
    const geo::GeosContext& geos)
{
    TileFrame frame;
    frame.key = TileKey::unpack(context.zoom.tiles[tile_index]);
    const TileRange single{frame.key.x, frame.key.y, frame.key.x, frame.key.y};
    frame.box = range_box(single, context.settings.buffer);
    frame.origin = Point{std::int64_t{frame.key.x} * tile_extent, std::int64_t{frame.key.y} * tile_extent};

    TileOutput output;
    std::string raw;
    const std::span<const TileRef> refs = context.zoom.refs_of(tile_index);
    for (std::size_t i = 0; i < refs.size();) {
        std::size_t j = i;
        while (j < refs.size() && refs[j].layer == refs[i].layer) {
            ++j;
        }
        LayerWriter writer(context, refs[i].layer, frame, options, geos, output);
        writer.write(refs.subspan(i, j - i));
        if (writer.encoder().feature_count() > 0) {
            writer.encoder().append_to(raw);
        }
        i = j;
    }
    output.raw_bytes = raw.size();
    if (!raw.empty()) {
        output.data = gzip(raw, context.settings.gzip_level);
    }
    output.bytes = output.data.size();
    return output;
}

} // namespace migratlas::tiles
