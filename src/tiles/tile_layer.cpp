#include "tiles/tile_layer.hpp"

#include "tiles/web_mercator.hpp"

#include <algorithm>
#include <stdexcept>

namespace migratlas::tiles {

std::string_view tilejson_type(FieldType type)
{
    switch (type) {
    case FieldType::integer:
    case FieldType::real: return "Number";
    case FieldType::boolean: return "Boolean";
    case FieldType::text: break;
    }
    return "String";
}

TileLayer::TileLayer(std::string name, std::vector<Field> fields) : m_name(std::move(name)), m_fields(std::move(fields))
{
    m_columns.reserve(m_fields.size());
    for (const Field& field : m_fields) {
        m_columns.emplace_back(field.type);
    }
}

std::uint32_t TileLayer::intern(std::string_view text)
{
    const auto [it, inserted] = m_string_index.try_emplace(std::string(text), static_cast<std::uint32_t>(m_strings.size()));
    if (inserted) {
        m_strings.emplace_back(text);
    }
    return it->second;
}

std::optional<std::size_t> TileLayer::field_index(std::string_view name) const
{
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
        if (m_fields[i].name == name) {
            return i;
        }
    }
    return std::nullopt;
}

bool TileLayer::has_kind(FeatureKind kind) const
{
    return std::find(m_kind.begin(), m_kind.end(), kind) != m_kind.end();
}

MultiPolygon TileLayer::polygons(std::size_t feature) const
{
    MultiPolygon out;
    for (std::size_t part = first_part(feature); part < end_part(feature); ++part) {
        if (part_is_shell(part) || out.empty()) {
            out.emplace_back();
        }
        Ring ring;
        ring.reserve(end_point(part) - first_point(part));
        for (std::size_t i = first_point(part); i < end_point(part); ++i) {
            ring.push_back(Point{m_points[i].x, m_points[i].y});
        }
        out.back().rings.push_back(std::move(ring));
    }
    return out;
}

MultiLine TileLayer::lines(std::size_t feature) const
{
    MultiLine out;
    for (std::size_t part = first_part(feature); part < end_part(feature); ++part) {
        Line line;
        line.reserve(end_point(part) - first_point(part));
        for (std::size_t i = first_point(part); i < end_point(part); ++i) {
            line.push_back(Point{m_points[i].x, m_points[i].y});
        }
        out.push_back(std::move(line));
    }
    return out;
}

Box TileLayer::bounds(std::size_t feature) const
{
    Box box;
    const std::size_t first = first_point(first_part(feature));
    const std::size_t end = m_part_point[end_part(feature)];
    for (std::size_t i = first; i < end; ++i) {
        box.add(Point{m_points[i].x, m_points[i].y});
    }
    return box;
}

void TileLayer::reserve(std::size_t features, std::size_t points)
{
    for (AttributeColumn& column : m_columns) {
        column.reserve(features);
    }
    m_kind.reserve(features);
    m_first_part.reserve(features + 1);
    m_part_point.reserve(features + 1);
    m_part_shell.reserve(features);
    m_points.reserve(points);
}

void TileLayer::shrink_to_fit()
{
    for (AttributeColumn& column : m_columns) {
        column.shrink_to_fit();
    }
    m_kind.shrink_to_fit();
    m_ids.shrink_to_fit();
    m_first_part.shrink_to_fit();
    m_part_point.shrink_to_fit();
    m_part_shell.shrink_to_fit();
    m_points.shrink_to_fit();
}

void TileLayer::add_id(std::uint64_t id)
{
    if (m_ids.empty() && id != m_kind.size()) {
        m_ids.reserve(m_kind.capacity());
        for (std::size_t i = 0; i < m_kind.size(); ++i) {
            m_ids.push_back(i);
        }
    }
    if (!m_ids.empty()) {
        m_ids.push_back(id);
    }
}

void TileLayer::add_part(const std::vector<Point>& points, bool shell)
{
    for (const Point& p : points) {
        if (p.x < 0 || p.y < 0 || p.x >= world_size || p.y >= world_size) {
            throw std::logic_error("tile layer point outside the world square");
        }
        m_points.push_back(WorldPoint{static_cast<std::uint32_t>(p.x), static_cast<std::uint32_t>(p.y)});
    }
    m_part_point.push_back(static_cast<std::uint32_t>(m_points.size()));
    m_part_shell.push_back(shell ? 1 : 0);
}

void TileLayer::end_feature(FeatureKind kind)
{
    m_kind.push_back(kind);
    m_first_part.push_back(static_cast<std::uint32_t>(m_part_shell.size()));
}

void TileLayer::add_polygons(std::uint64_t id, const MultiPolygon& polygons)
{
    add_id(id);
    for (const Polygon& polygon : polygons) {
        for (std::size_t r = 0; r < polygon.rings.size(); ++r) {
            add_part(polygon.rings[r], r == 0);
        }
    }
    end_feature(FeatureKind::polygon);
}

void TileLayer::add_lines(std::uint64_t id, const MultiLine& lines)
{
    add_id(id);
    for (const Line& line : lines) {
        add_part(line, true);
    }
    end_feature(FeatureKind::line);
}

void TileLayer::add_points(std::uint64_t id, const std::vector<Point>& points)
{
    add_id(id);
    add_part(points, true);
    end_feature(FeatureKind::point);
}

} // namespace migratlas::tiles
