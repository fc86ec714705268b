// Turns features given in lon/lat (from an OGR source or a published product) into a TileLayer:
// checks coordinates, clamps latitudes to Web Mercator's range, splits geometries that cross the
// antimeridian, repairs invalid polygons on the world grid, and makes attribute text valid UTF-8.
#pragma once

#include "common/diagnostics.hpp"
#include "common/table.hpp"
#include "geo/geos_context.hpp"
#include "tiles/tile_layer.hpp"
#include "tiles/web_mercator.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace migratlas::tiles {

/// A feature's geometry as read: parts in lon/lat degrees.
struct LonLatGeometry {
    FeatureKind kind = FeatureKind::point;
    std::vector<std::vector<LonLat>> parts;  ///< rings, lines, or one part of points
    std::vector<bool> shell;                 ///< polygons: part opens a new polygon
};

/// Names a feature in messages ("feature 17 (FID 16)"); the text is made only when a message needs it.
struct FeatureLabel {
    std::uint64_t number = 0;  ///< 1-based position in the source
    std::uint64_t id = 0;      ///< the source's feature id
    [[nodiscard]] std::string text() const
    {
        return "feature " + std::to_string(number) + " (FID " + std::to_string(id) + ")";
    }
};

/// What the builder did to the features of one layer; each count has a warning or note in Diagnostics.
struct BuildCounts {
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t latitude_clamped = 0;
    std::uint64_t antimeridian_split = 0;
    std::uint64_t repaired = 0;
    std::uint64_t text_recoded = 0;
    std::uint64_t text_truncated = 0;
};

class LayerBuilder {
public:
    /// `max_attribute_bytes`: longer text values are cut at a character boundary (and reported).
    LayerBuilder(TileLayer& layer, std::size_t max_attribute_bytes, const geo::GeosContext& geos, Diagnostics& diagnostics);

    /// Adds one feature (its tile id is label.id) with one value per field of the layer (TableValue: integers also carry
    /// booleans). Returns false when the feature is rejected (reason in Diagnostics).
    bool add(const SourcePos& pos, const FeatureLabel& label, LonLatGeometry& geometry,
        std::span<const TableValue> values);

    [[nodiscard]] const BuildCounts& counts() const { return m_counts; }

private:
    bool project_points(const SourcePos& pos, const FeatureLabel& label, LonLatGeometry& geometry, std::vector<Point>& out);
    bool project_lines(const SourcePos& pos, const FeatureLabel& label, LonLatGeometry& geometry, MultiLine& out);
    bool project_polygons(const SourcePos& pos, const FeatureLabel& label, LonLatGeometry& geometry, MultiPolygon& out);
    /// Projects one part, longitudes unwrapped from `reference_lon` so it stays continuous.
    bool project_part(const std::vector<LonLat>& part, double reference_lon, std::vector<Point>& out, bool& clamped);
    void push_values(const SourcePos& pos, const FeatureLabel& label, std::span<const TableValue> values);
    std::string clean_text(const SourcePos& pos, const FeatureLabel& label, const std::string& field, const std::string& text);

    TileLayer& m_layer;
    std::size_t m_max_attribute_bytes;
    const geo::GeosContext& m_geos;
    Diagnostics& m_diagnostics;
    WebMercator m_mercator;
    BuildCounts m_counts;
    std::vector<double> m_x;
    std::vector<double> m_y;
    std::vector<double> m_turns;
};

/// Whether `text` is well-formed UTF-8.
[[nodiscard]] bool is_utf8(std::string_view text);
/// `text` read as Latin-1 (ISO 8859-1), the usual encoding of mislabelled Latin American files.
[[nodiscard]] std::string latin1_to_utf8(std::string_view text);
/// The longest prefix of valid UTF-8 `text` of at most `bytes` bytes that ends on a character boundary.
[[nodiscard]] std::string_view utf8_prefix(std::string_view text, std::size_t bytes);

} // namespace migratlas::tiles
