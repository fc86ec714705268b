// The tiler's in-memory layer: features in world coordinates with typed attributes, filled from any
// OGR source (ogr_input.hpp) or from a published product, and read by every later tiling step.
#pragma once

#include "tiles/geometry.hpp"

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace migratlas::tiles {

enum class FieldType : std::uint8_t { integer, real, text, boolean };

/// How a field behaves when points are merged into a cluster at low zoom.
enum class ClusterRule : std::uint8_t {
    sum,      ///< numbers that add up (counts of persons): the cluster carries the sum
    uniform,  ///< kept when every member has the same value, omitted otherwise
};

struct Field {
    std::string name;
    FieldType type = FieldType::text;
    ClusterRule cluster_rule = ClusterRule::uniform;
    std::string description;
};

/// "Number", "String" or "Boolean": the field types of TileJSON's vector_layers.
[[nodiscard]] std::string_view tilejson_type(FieldType type);

enum class FeatureKind : std::uint8_t { point, line, polygon };

/// A point of the stored geometry: world units (2^32 per side), which fit 32 bits.
struct WorldPoint {
    std::uint32_t x = 0;
    std::uint32_t y = 0;
};

/// Typed attribute storage, one column per field: raw 64-bit payloads (integer, IEEE double, index in
/// the layer's string pool, 0/1) and a null mask, so that millions of points stay compact.
class AttributeColumn {
public:
    explicit AttributeColumn(FieldType type) : m_type(type) {}
    [[nodiscard]] FieldType type() const { return m_type; }
    void push_null()
    {
        m_payload.push_back(0);
        m_null.push_back(true);
    }
    void push_integer(std::int64_t value) { push(static_cast<std::uint64_t>(value)); }
    void push_real(double value) { push(std::bit_cast<std::uint64_t>(value)); }
    void push_string(std::uint32_t index) { push(index); }
    void push_boolean(bool value) { push(value ? 1U : 0U); }
    void reserve(std::size_t rows)
    {
        m_payload.reserve(rows);
        m_null.reserve(rows);
    }
    void shrink_to_fit()
    {
        m_payload.shrink_to_fit();
        m_null.shrink_to_fit();
    }

    [[nodiscard]] bool is_null(std::size_t row) const { return m_null[row]; }
    [[nodiscard]] std::int64_t integer(std::size_t row) const { return static_cast<std::int64_t>(m_payload[row]); }
    [[nodiscard]] double real(std::size_t row) const { return std::bit_cast<double>(m_payload[row]); }
    [[nodiscard]] std::uint32_t string(std::size_t row) const { return static_cast<std::uint32_t>(m_payload[row]); }
    [[nodiscard]] bool boolean(std::size_t row) const { return m_payload[row] != 0; }
    /// The stored bits, for equality tests and value tables.
    [[nodiscard]] std::uint64_t payload(std::size_t row) const { return m_payload[row]; }
    [[nodiscard]] double as_number(std::size_t row) const
    {
        return m_type == FieldType::real ? real(row) : static_cast<double>(integer(row));
    }

private:
    void push(std::uint64_t payload)
    {
        m_payload.push_back(payload);
        m_null.push_back(false);
    }
    FieldType m_type;
    std::vector<std::uint64_t> m_payload;
    std::vector<bool> m_null;
};

class TileLayer {
public:
    TileLayer(std::string name, std::vector<Field> fields);

    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] const std::vector<Field>& fields() const { return m_fields; }
    [[nodiscard]] const AttributeColumn& column(std::size_t field) const { return m_columns[field]; }
    [[nodiscard]] AttributeColumn& column(std::size_t field) { return m_columns[field]; }
    [[nodiscard]] const std::string& string(std::uint32_t index) const { return m_strings[index]; }
    [[nodiscard]] std::uint32_t intern(std::string_view text);
    [[nodiscard]] std::optional<std::size_t> field_index(std::string_view name) const;
    /// What the disclosure gate says about a published layer, as JSON text
    /// (disclose::container_description: column roles, disclosure rule, table structure), written
    /// into the tileset metadata for `migratlas audit`. Empty for layers read from input files.
    [[nodiscard]] const std::string& publication() const { return m_publication; }
    void set_publication(std::string json) { m_publication = std::move(json); }

    [[nodiscard]] std::size_t size() const { return m_kind.size(); }
    [[nodiscard]] FeatureKind kind(std::size_t feature) const { return m_kind[feature]; }
    /// The feature id written to tiles: the source's feature id when it had one, else its position.
    [[nodiscard]] std::uint64_t id(std::size_t feature) const { return m_ids.empty() ? feature : m_ids[feature]; }
    [[nodiscard]] bool has_kind(FeatureKind kind) const;

    /// Parts of a feature: rings (a shell opens each polygon, holes follow it), lines, or points.
    [[nodiscard]] std::size_t first_part(std::size_t feature) const { return m_first_part[feature]; }
    [[nodiscard]] std::size_t end_part(std::size_t feature) const { return m_first_part[feature + 1]; }
    [[nodiscard]] bool part_is_shell(std::size_t part) const { return m_part_shell[part] != 0; }
    [[nodiscard]] std::size_t first_point(std::size_t part) const { return m_part_point[part]; }
    [[nodiscard]] std::size_t end_point(std::size_t part) const { return m_part_point[part + 1]; }
    [[nodiscard]] const WorldPoint& point(std::size_t index) const { return m_points[index]; }
    [[nodiscard]] std::size_t point_count() const { return m_points.size(); }

    /// The feature's geometry in world units (int64) for the kind-specific steps.
    [[nodiscard]] MultiPolygon polygons(std::size_t feature) const;
    [[nodiscard]] MultiLine lines(std::size_t feature) const;
    [[nodiscard]] Box bounds(std::size_t feature) const;

    /// Room for `features` features and `points` points, so that large layers grow without copies.
    void reserve(std::size_t features, std::size_t points);
    /// Gives back the room reserve() or growth left unused.
    void shrink_to_fit();

    /// Appends a feature; attributes must have been pushed to every column first.
    void add_polygons(std::uint64_t id, const MultiPolygon& polygons);
    void add_lines(std::uint64_t id, const MultiLine& lines);
    void add_points(std::uint64_t id, const std::vector<Point>& points);

private:
    void add_id(std::uint64_t id);
    void add_part(const std::vector<Point>& points, bool shell);
    void end_feature(FeatureKind kind);

    std::string m_name;
    std::string m_publication;
    std::vector<Field> m_fields;
    std::vector<AttributeColumn> m_columns;
    std::vector<std::string> m_strings;
    std::unordered_map<std::string, std::uint32_t> m_string_index;

    std::vector<FeatureKind> m_kind;
    std::vector<std::uint64_t> m_ids;          ///< empty while every id equals the feature's position
    std::vector<std::uint32_t> m_first_part{0};
    std::vector<std::uint32_t> m_part_point{0};
    std::vector<std::uint8_t> m_part_shell;
    std::vector<WorldPoint> m_points;
};

} // namespace migratlas::tiles
