#include "tiles/layer_builder.hpp"

#include "tiles/clip.hpp"
#include "tiles/polygon_validity.hpp"

#include <cmath>
#include <limits>

namespace migratlas::tiles {

bool is_utf8(std::string_view text)
{
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3;
            code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4;
            code = c & 0x07;
        } else {
            return false;
        }
        if (i + length > n) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto d = static_cast<unsigned char>(text[i + k]);
            if ((d & 0xC0) != 0x80) {
                return false;
            }
            code = (code << 6) | (d & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        const std::uint32_t smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

std::string latin1_to_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size() * 2);
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out.push_back(ch);
        } else {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t bytes)
{
    if (text.size() <= bytes) {
        return text;
    }
    std::size_t end = bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return text.substr(0, end);
}

LayerBuilder::LayerBuilder(TileLayer& layer, std::size_t max_attribute_bytes, const geo::GeosContext& geos,
    Diagnostics& diagnostics)
    : m_layer(layer), m_max_attribute_bytes(max_attribute_bytes), m_geos(geos), m_diagnostics(diagnostics)
{
}

bool LayerBuilder::project_part(const std::vector<LonLat>& part, double reference_lon, std::vector<Point>& out, bool& clamped)
{
    const std::size_t n = part.size();
    m_x.resize(n);
    m_y.resize(n);
    m_turns.resize(n);
    double previous = reference_lon;
    for (std::size_t i = 0; i < n; ++i) {
        const double lon = part[i].lon;
        double lat = part[i].lat;
        if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lat) > 90.0 || std::abs(lon) > 540.0) {
            return false;
        }
        if (std::abs(lat) > max_latitude) {
            lat = std::copysign(max_latitude, lat);
            clamped = true;
        }
        // Unwrapped longitude: no step of more than 180 degrees between consecutive points, so a
        // line or ring that crosses the antimeridian stays in one piece (and leaves the square).
        const double unwrapped = lon + 360.0 * std::round((previous - lon) / 360.0);
        previous = unwrapped;
        const double wrapped = unwrapped - 360.0 * std::floor((unwrapped + 180.0) / 360.0);
        m_turns[i] = std::round((unwrapped - wrapped) / 360.0);
        m_x[i] = wrapped;
        m_y[i] = lat;
    }
    m_mercator.forward(m_x, m_y);
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i].x = std::llround(m_x[i]) + static_cast<std::int64_t>(m_turns[i]) * world_size;
        out[i].y = std::clamp<std::int64_t>(std::llround(m_y[i]), 0, world_size - 1);
    }
    return true;
}

namespace {

/// The world square as a clip box; cut points land one unit outside it and are clamped back in.
const ClipBox world_box{-1, -1, world_size, world_size};

Point clamp_to_world(const Point& p)
{
    return Point{std::clamp<std::int64_t>(p.x, 0, world_size - 1), std::clamp<std::int64_t>(p.y, 0, world_size - 1)};
}

bool outside_world(const Box& box)
{
    return box.min_x < 0 || box.max_x >= world_size;
}

} // namespace

bool LayerBuilder::project_points(const SourcePos& pos, const FeatureLabel& label, LonLatGeometry& geometry,
    std::vector<Point>& out)
{
    bool clamped = false;
    std::vector<Point> projected;
    for (const auto& part : geometry.parts) {
        if (!project_part(part, part.empty() ? 0.0 : part.front().lon, projected, clamped)) {
            return false;
        }
        // Points stand alone: a longitude past 180 simply wraps round.
        for (Point q : projected) {
            q.x = ((q.x % world_size) + world_size) % world_size;
            out.push_back(q);
        }
    }
    if (clamped) {
        ++m_counts.latitude_clamped;
        m_diagnostics.warn("latitude_clamped", pos, label.text() + ": latitude beyond Web Mercator's ±85.0511°; placed at the edge");
    }
    return true;
}

bool LayerBuilder::project_lines(const SourcePos& pos, const FeatureLabel& label, LonLatGeometry& geometry, MultiLine& out)
{
    bool clamped = false;
    bool crosses = false;
    for (const auto& part : geometry.parts) {
        if (part.empty()) {
            continue;
        }
        Line line;
        if (!project_part(part, part.front().lon, line, clamped)) {
            return false;
        }
        line.erase(std::unique(line.begin(), line.end()), line.end());
        if (line.size() < 2) {
            continue;
        }
        Box box;
        for (const Point& p : line) {
            box.add(p);
        }
        if (!outside_world(box)) {
            out.push_back(std::move(line));
            continue;
        }
        crosses = true;
        for (const std::int64_t shift : {-world_size, std::int64_t{0}, world_size}) {
            Line shifted = line;
            for (Point& p : shifted) {
                p.x += shift;
            }
            MultiLine pieces;
            clip_line(shifted, world_box, pieces);
            for (Line& piece : pieces) {
                for (Point& p : piece) {
                    p = clamp_to_world(p);
                }
                piece.erase(std::unique(piece.begin(), piece.end()), piece.end());
                if (piece.size() >= 2) {
                    out.push_back(std::move(piece));
                }
            }
        }
    }
    if (clamped) {
        ++m_counts.latitude_clamped;
        m_diagnostics.warn("latitude_clamped", pos, label.text() + ": latitude beyond Web Mercator's ±85.0511°; clamped to it");
    }
    if (crosses) {
        ++m_counts.antimeridian_split;
        m_diagnostics.info("antimeridian_split", pos, label.text() + " crosses the antimeridian: split into its east and west parts");
    }
    return true;
}

bool LayerBuilder::project_polygons(const SourcePos& pos, const FeatureLabel& label, LonLatGeometry& geometry,
    MultiPolygon& out)
{
    bool clamped = false;
    double shell_lon = 0.0;
    MultiPolygon polygons;
    for (std::size_t k = 0; k < geometry.parts.size(); ++k) {
        const auto& part = geometry.parts[k];
        if (geometry.shell[k] || polygons.empty()) {
            polygons.emplace_back();
            shell_lon = part.empty() ? 0.0 : part.front().lon;
        }
        if (part.empty()) {
            continue;
        }
        Ring ring;
        // Holes unwrap from their shell's first longitude so they stay inside it.
        if (!project_part(part, shell_lon, ring, clamped)) {
            return false;
        }
        remove_repeats_and_spikes(ring);
        if (ring.size() >= 3 && (!polygons.back().rings.empty() || geometry.shell[k] || k == 0)) {
            polygons.back().rings.push_back(std::move(ring));
        }
    }
    std::erase_if(polygons, [](const Polygon& p) { return p.rings.empty(); });
    Box box;
    for (Polygon& polygon : polygons) {
        orient(polygon);
        box.add(bounds(polygon));
    }
    bool crosses = false;
    if (!box.empty() && outside_world(box)) {
        crosses = true;
        MultiPolygon pieces;
        for (const std::int64_t shift : {-world_size, std::int64_t{0}, world_size}) {
            for (const Polygon& polygon : polygons) {
                Polygon shifted = polygon;
                for (Ring& ring : shifted.rings) {
                    for (Point& p : ring) {
                        p.x += shift;
                    }
                }
                PolygonClip clip = clip_polygon(shifted, world_box);
                for (Polygon& piece : clip.polygons) {
                    for (Ring& ring : piece.rings) {
                        for (Point& p : ring) {
                            p = clamp_to_world(p);
                        }
                        remove_repeats_and_spikes(ring);
                    }
                    std::erase_if(piece.rings, [](const Ring& r) { return r.size() < 3; });
                    if (!piece.rings.empty()) {
                        pieces.push_back(std::move(piece));
                    }
                }
            }
        }
        polygons = std::move(pieces);
    }
    if (make_valid(m_geos, polygons)) {
        ++m_counts.repaired;
        m_diagnostics.warn("invalid_repaired", pos, label.text() + ": invalid polygon (self-intersection, bad nesting or "
            "collapse at 1 cm) repaired with GEOS MakeValid");
    }
    if (clamped) {
        ++m_counts.latitude_clamped;
        m_diagnostics.warn("latitude_clamped", pos, label.text() + ": latitude beyond Web Mercator's ±85.0511°; clamped to it");
    }
    if (crosses) {
        ++m_counts.antimeridian_split;
        m_diagnostics.info("antimeridian_split", pos, label.text() + " crosses the antimeridian: split into its east and west parts");
    }
    out = std::move(polygons);
    return true;
}

std::string LayerBuilder::clean_text(const SourcePos& pos, const FeatureLabel& label, const std::string& field,
    const std::string& text)
{
    std::string value = text;
    if (!is_utf8(value)) {
        value = latin1_to_utf8(value);
        ++m_counts.text_recoded;
        m_diagnostics.warn("non_utf8_recoded", pos, label.text() + ": attribute '" + field +
            "' is not valid UTF-8; read as Latin-1 (ISO 8859-1) and converted");
    }
    if (value.size() > m_max_attribute_bytes) {
        const std::size_t original = value.size();
        value = std::string(utf8_prefix(value, m_max_attribute_bytes));
        ++m_counts.text_truncated;
        m_diagnostics.warn("attribute_truncated", pos, label.text() + ": attribute '" + field + "' has " +
            std::to_string(original) + " bytes; cut to " + std::to_string(value.size()) + " (max_attribute_bytes)");
    }
    return value;
}

void LayerBuilder::push_values(const SourcePos& pos, const FeatureLabel& label, std::span<const TableValue> values)
{
    const auto& fields = m_layer.fields();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        AttributeColumn& column = m_layer.column(i);
        const TableValue& value = values[i];
        if (std::holds_alternative<std::monostate>(value)) {
            column.push_null();
            continue;
        }
        switch (fields[i].type) {
        case FieldType::integer:
            if (const auto* n = std::get_if<std::int64_t>(&value)) {
                column.push_integer(*n);
            } else if (const auto* d = std::get_if<double>(&value)) {
                column.push_integer(static_cast<std::int64_t>(*d));
            } else {
                column.push_null();
            }
            break;
        case FieldType::boolean:
            if (const auto* n = std::get_if<std::int64_t>(&value)) {
                column.push_boolean(*n != 0);
            } else {
                column.push_null();
            }
            break;
        case FieldType::real:
            if (const auto* d = std::get_if<double>(&value)) {
                if (std::isfinite(*d)) {
                    column.push_real(*d);
                } else {
                    column.push_null();
                }
            } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
                column.push_real(static_cast<double>(*n));
            } else {
                column.push_null();
            }
            break;
        case FieldType::text: {
            std::string text;
            if (const auto* s = std::get_if<std::string>(&value)) {
                text = clean_text(pos, label, fields[i].name, *s);
            } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
                text = std::to_string(*n);
            } else {
                text = std::to_string(std::get<double>(value));
            }
            column.push_string(m_layer.intern(text));
            break;
        }
        }
    }
}

bool LayerBuilder::add(const SourcePos& pos, const FeatureLabel& label, LonLatGeometry& geometry,
    std::span<const TableValue> values)
{
    auto reject = [&](const char* reason, const std::string& message) {
        ++m_counts.rejected;
        m_diagnostics.reject(reason, pos, label.text() + ": " + message);
        return false;
    };
    switch (geometry.kind) {
    case FeatureKind::point: {
        std::vector<Point> points;
        if (!project_points(pos, label, geometry, points)) {
            return reject("bad_coordinates", "a coordinate is not a longitude/latitude (|lat| <= 90)");
        }
        if (points.empty()) {
            return reject("missing_geometry", "has no points");
        }
        push_values(pos, label, values);
        m_layer.add_points(label.id, points);
        break;
    }
    case FeatureKind::line: {
        MultiLine lines;
        if (!project_lines(pos, label, geometry, lines)) {
            return reject("bad_coordinates", "a coordinate is not a longitude/latitude (|lat| <= 90)");
        }
        if (lines.empty()) {
            return reject("degenerate_geometry", "the line has no length at 1 cm precision");
        }
        push_values(pos, label, values);
        m_layer.add_lines(label.id, lines);
        break;
    }
    case FeatureKind::polygon: {
        MultiPolygon polygons;
        if (!project_polygons(pos, label, geometry, polygons)) {
            return reject("bad_coordinates", "a coordinate is not a longitude/latitude (|lat| <= 90)");
        }
        if (polygons.empty()) {
            return reject("degenerate_geometry", "the polygon has no area at 1 cm precision");
        }
        push_values(pos, label, values);
        m_layer.add_polygons(label.id, polygons);
        break;
    }
    }
    ++m_counts.accepted;
    return true;
}

} // namespace migratlas::tiles
