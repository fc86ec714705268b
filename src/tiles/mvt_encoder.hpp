// Mapbox Vector Tile 2.1 encoding with protozero: one layer at a time, keys and values shared by the
// layer's features, geometry as zig-zag command streams in tile coordinates (extent 4096).
#pragma once

#include "tiles/geometry.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace migratlas::tiles {

/// An attribute value as MVT types it. Strings are identified by `payload` (an index in the layer's
/// string pool) so that equal strings share one table entry without being hashed.
struct MvtValue {
    enum class Kind : std::uint8_t { string, real, integer, boolean };
    Kind kind = Kind::integer;
    std::uint64_t payload = 0;
    std::string_view text;  ///< for strings

    static MvtValue integer(std::int64_t value) { return MvtValue{Kind::integer, static_cast<std::uint64_t>(value), {}}; }
    static MvtValue real(double value);
    static MvtValue boolean(bool value) { return MvtValue{Kind::boolean, value ? 1U : 0U, {}}; }
    static MvtValue string(std::uint32_t pool_index, std::string_view text)
    {
        return MvtValue{Kind::string, pool_index, text};
    }
};

class MvtLayerEncoder {
public:
    /// `key_names` are the layer's keys, addressed by index in add_tag.
    MvtLayerEncoder(std::string_view name, std::vector<std::string_view> key_names);

    void begin_feature(std::uint64_t id);
    void add_tag(std::size_t key, const MvtValue& value);
    void set_points(const std::vector<Point>& points);
    void set_lines(const MultiLine& lines);
    void set_polygons(const MultiPolygon& polygons);
    void end_feature();

    [[nodiscard]] std::size_t feature_count() const { return m_features; }
    /// Bytes of the features encoded so far (without the key and value tables).
    [[nodiscard]] std::size_t feature_bytes() const { return m_features_body.size(); }
    /// Appends the layer (Tile field 3) to `tile`.
    void append_to(std::string& tile) const;

private:
    enum class GeomType : std::uint8_t { point = 1, line = 2, polygon = 3 };
    void move_to(std::uint32_t count);
    void line_to(std::uint32_t count);
    void close_path();
    void push_point(const Point& p);

    struct ValueKey {
        MvtValue::Kind kind;
        std::uint64_t payload;
        bool operator==(const ValueKey&) const = default;
    };
    struct ValueKeyHash {
        std::size_t operator()(const ValueKey& k) const { return std::hash<std::uint64_t>()(k.payload * 4 + static_cast<std::uint64_t>(k.kind)); }
    };

    std::string m_name;
    std::vector<std::string_view> m_key_names;
    std::vector<std::int32_t> m_key_index;          ///< layer key -> index in this tile's key table, -1 unused
    std::vector<std::size_t> m_used_keys;
    std::unordered_map<ValueKey, std::uint32_t, ValueKeyHash> m_value_index;
    std::vector<MvtValue> m_values;

    std::string m_features_body;   ///< encoded features, each as Layer field 2
    std::uint64_t m_id = 0;
    std::vector<std::uint32_t> m_tags;
    std::vector<std::uint32_t> m_geometry;
    GeomType m_type = GeomType::point;
    Point m_cursor;
    std::size_t m_features = 0;
};

} // namespace migratlas::tiles
