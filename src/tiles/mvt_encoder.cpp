#include "tiles/mvt_encoder.hpp"

#include <protozero/pbf_writer.hpp>
#include <protozero/varint.hpp>

#include <bit>
#include <stdexcept>

namespace migratlas::tiles {

namespace {
// Field numbers of vector_tile.proto (MVT 2.1).
enum : protozero::pbf_tag_type {
    tile_layers = 3,
    layer_name = 1,
    layer_features = 2,
    layer_keys = 3,
    layer_values = 4,
    layer_extent = 5,
    layer_version = 15,
    feature_id = 1,
    feature_tags = 2,
    feature_type = 3,
    feature_geometry = 4,
    value_string = 1,
    value_double = 3,
    value_uint = 5,
    value_sint = 6,
    value_bool = 7,
};
constexpr std::uint32_t command_move_to = 1;
constexpr std::uint32_t command_line_to = 2;
constexpr std::uint32_t command_close_path = 7;

std::uint32_t command(std::uint32_t id, std::uint32_t count)
{
    return (id & 0x7U) | (count << 3U);
}
} // namespace

MvtValue MvtValue::real(double value)
{
    return MvtValue{Kind::real, std::bit_cast<std::uint64_t>(value), {}};
}

MvtLayerEncoder::MvtLayerEncoder(std::string_view name, std::vector<std::string_view> key_names)
    : m_name(name), m_key_names(std::move(key_names)), m_key_index(m_key_names.size(), -1)
{
}

void MvtLayerEncoder::begin_feature(std::uint64_t id)
{
    m_id = id;
    m_tags.clear();
    m_geometry.clear();
    m_cursor = Point{};
}

void MvtLayerEncoder::add_tag(std::size_t key, const MvtValue& value)
{
    if (m_key_index[key] < 0) {
        m_key_index[key] = static_cast<std::int32_t>(m_used_keys.size());
        m_used_keys.push_back(key);
    }
    const auto [it, inserted] = m_value_index.try_emplace(ValueKey{value.kind, value.payload},
        static_cast<std::uint32_t>(m_values.size()));
    if (inserted) {
        m_values.push_back(value);
    }
    m_tags.push_back(static_cast<std::uint32_t>(m_key_index[key]));
    m_tags.push_back(it->second);
}

void MvtLayerEncoder::move_to(std::uint32_t count)
{
    m_geometry.push_back(command(command_move_to, count));
}

void MvtLayerEncoder::line_to(std::uint32_t count)
{
    m_geometry.push_back(command(command_line_to, count));
}

void MvtLayerEncoder::close_path()
{
    m_geometry.push_back(command(command_close_path, 1));
}

void MvtLayerEncoder::push_point(const Point& p)
{
    const auto dx = static_cast<std::int32_t>(p.x - m_cursor.x);
    const auto dy = static_cast<std::int32_t>(p.y - m_cursor.y);
    m_geometry.push_back(protozero::encode_zigzag32(dx));
    m_geometry.push_back(protozero::encode_zigzag32(dy));
    m_cursor = p;
}

void MvtLayerEncoder::set_points(const std::vector<Point>& points)
{
    m_type = GeomType::point;
    move_to(static_cast<std::uint32_t>(points.size()));
    for (const Point& p : points) {
        push_point(p);
    }
}

void MvtLayerEncoder::set_lines(const MultiLine& lines)
{
    m_type = GeomType::line;
    for (const Line& line : lines) {
        move_to(1);
        push_point(line.front());
        line_to(static_cast<std::uint32_t>(line.size() - 1));
        for (std::size_t i = 1; i < line.size(); ++i) {
            push_point(line[i]);
        }
    }
}

void MvtLayerEncoder::set_polygons(const MultiPolygon& polygons)
{
    m_type = GeomType::polygon;
    for (const Polygon& polygon : polygons) {
        for (const Ring& ring : polygon.rings) {
            move_to(1);
            push_point(ring.front());
            line_to(static_cast<std::uint32_t>(ring.size() - 1));
            for (std::size_t i = 1; i < ring.size(); ++i) {
                push_point(ring[i]);
            }
            close_path();
        }
    }
}

void MvtLayerEncoder::end_feature()
{
    if (m_geometry.empty()) {
        throw std::logic_error("MVT feature without geometry");
    }
    protozero::pbf_writer layer(m_features_body);
    protozero::pbf_writer feature(layer, layer_features);
    feature.add_uint64(feature_id, m_id);
    if (!m_tags.empty()) {
        feature.add_packed_uint32(feature_tags, m_tags.begin(), m_tags.end());
    }
    feature.add_enum(feature_type, static_cast<std::int32_t>(m_type));
    feature.add_packed_uint32(feature_geometry, m_geometry.begin(), m_geometry.end());
    ++m_features;
}

void MvtLayerEncoder::append_to(std::string& tile) const
{
    std::string body;
    body.reserve(m_features_body.size() + 64 * (m_used_keys.size() + m_values.size()) + m_name.size() + 16);
    protozero::pbf_writer layer(body);
    layer.add_uint32(layer_version, 2);
    layer.add_string(layer_name, m_name);
    body.append(m_features_body);
    for (const std::size_t key : m_used_keys) {
        layer.add_string(layer_keys, m_key_names[key].data(), m_key_names[key].size());
    }
    for (const MvtValue& value : m_values) {
        protozero::pbf_writer encoded(layer, layer_values);
        switch (value.kind) {
        case MvtValue::Kind::string: encoded.add_string(value_string, value.text.data(), value.text.size()); break;
        case MvtValue::Kind::real: encoded.add_double(value_double, std::bit_cast<double>(value.payload)); break;
        case MvtValue::Kind::boolean: encoded.add_bool(value_bool, value.payload != 0); break;
        case MvtValue::Kind::integer: {
            const auto number = static_cast<std::int64_t>(value.payload);
            if (number >= 0) {
                encoded.add_uint64(value_uint, value.payload);
            } else {
                encoded.add_sint64(value_sint, number);
            }
            break;
        }
        }
    }
    layer.add_uint32(layer_extent, static_cast<std::uint32_t>(4096));
    protozero::pbf_writer writer(tile);
    writer.add_message(tile_layers, body);
}

} // namespace migratlas::tiles
