#include "render/page_builder.hpp"

#include "geo/geos_context.hpp"
#include "geo/measure.hpp"
#include "render/atlas_parser.hpp"
#include "render/palette.hpp"
#include "render/published_input.hpp"
#include "render/text_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <mutex>
#include <optional>
#include <set>

#include <tbb/parallel_for.h>

namespace migratlas::render {

namespace {

constexpr double mapnik_unit_mm = 0.28;  // Mapnik sizes are in 0.28 mm "standard pixels"

std::string fields_of(const FeatureLayer& layer)
{
    std::string text;
    for (const auto& column : layer.table.columns) {
        text += (text.empty() ? "" : ", ") + column.name;
    }
    return text;
}

std::size_t require_field(const FeatureLayer& layer, const Located<std::string>& field, const std::string& what)
{
    const auto column = layer.column(field.value);
    if (!column) {
        throw AtlasError(field.pos, what + ": '" + layer.name + "' has no field '" + field.value + "' (fields: " + fields_of(layer) + ")");
    }
    return *column;
}

/// Geometry helpers on WKB with one GEOS context (the planner runs on one thread).
class Geometry {
public:
    Geometry() : m_reader(GEOSWKBReader_create_r(m_geos.handle())) {}
    ~Geometry() { GEOSWKBReader_destroy_r(m_geos.handle(), m_reader); }
    Geometry(const Geometry&) = delete;
    Geometry& operator=(const Geometry&) = delete;

    [[nodiscard]] geo::GeosGeometryPtr read(const std::string& wkb) const
    {
        return m_geos.own(GEOSWKBReader_read_r(m_geos.handle(), m_reader, reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size()),
            "reading WKB");
    }

    [[nodiscard]] LonLatBox box(const GEOSGeometry* geometry) const
    {
        LonLatBox box;
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        if (GEOSGeom_getXMin_r(m_geos.handle(), geometry, &x0) && GEOSGeom_getYMin_r(m_geos.handle(), geometry, &y0) &&
            GEOSGeom_getXMax_r(m_geos.handle(), geometry, &x1) && GEOSGeom_getYMax_r(m_geos.handle(), geometry, &y1)) {
            box.add(x0, y0);
            box.add(x1, y1);
        }
        return box;
    }

    /// For polygons the pole of inaccessibility (centre of the largest inscribed circle): the label
    /// then sits where the unit is widest, not on a thin edge as a centroid or PointOnSurface can.
    [[nodiscard]] std::array<double, 2> anchor(const GEOSGeometry* geometry, GeometryKind kind, const LonLatBox& box) const
    {
        const auto handle = m_geos.handle();
        if (kind == GeometryKind::polygon) {
            const double tolerance = std::max(box.max_lon - box.min_lon, box.max_lat - box.min_lat) / 200;
            if (GEOSGeometry* circle = GEOSMaximumInscribedCircle_r(handle, geometry, tolerance)) {
                const auto owned = m_geos.own(circle, "inscribed circle");
                double x = 0, y = 0;
                const GEOSCoordSequence* sequence = GEOSGeom_getCoordSeq_r(handle, owned.get());
                if (sequence && GEOSCoordSeq_getXY_r(handle, sequence, 0, &x, &y)) {
                    return {x, y};
                }
            }
        }
        if (GEOSGeometry* point = GEOSPointOnSurface_r(handle, geometry)) {
            const auto owned = m_geos.own(point, "point on surface");
            double x = 0, y = 0;
            GEOSGeomGetX_r(handle, owned.get(), &x);
            GEOSGeomGetY_r(handle, owned.get(), &y);
            return {x, y};
        }
        return {(box.min_lon + box.max_lon) / 2, (box.min_lat + box.max_lat) / 2};
    }

    [[nodiscard]] const geo::GeosContext& geos() const { return m_geos; }

private:
    geo::GeosContext m_geos;
    GEOSWKBReader* m_reader;
};

ValueStatus decode_status(const std::string& text, const StatusSpec& spec)
{
    if (std::find(spec.suppressed.begin(), spec.suppressed.end(), text) != spec.suppressed.end()) {
        return ValueStatus::suppressed;
    }
    if (std::find(spec.unreliable.begin(), spec.unreliable.end(), text) != spec.unreliable.end()) {
        return ValueStatus::unreliable;
    }
    return ValueStatus::ok;
}

} // namespace

struct AnchorPoints::State {
    std::shared_ptr<const FeatureLayer> input;
    std::vector<LonLatBox> boxes;
    std::mutex mutex;  // guards points and the GEOS context of `geometry`
    std::vector<std::optional<std::array<double, 2>>> points;
    Geometry geometry;
};

AnchorPoints::AnchorPoints(std::shared_ptr<const FeatureLayer> input, std::vector<LonLatBox> boxes) : m_state(std::make_unique<State>())
{
    m_state->points.resize(input->size());
    m_state->input = std::move(input);
    m_state->boxes = std::move(boxes);
}

AnchorPoints::~AnchorPoints() = default;

std::array<double, 2> AnchorPoints::at(std::size_t row) const
{
    State& state = *m_state;
    const std::lock_guard lock(state.mutex);
    auto& point = state.points.at(row);
    if (!point) {
        const auto shape = state.geometry.read(state.input->table.geometry_wkb[row]);
        point = state.geometry.anchor(shape.get(), state.input->geometry, state.boxes[row]);
    }
    return *point;
}

std::string product_input_key(const LayerSpec& spec)
{
    return spec.filter.empty() && !drawn_on_units(spec.product.value) ? "product:" + spec.product.value : "view:" + spec.name;
}

namespace {

std::shared_ptr<FeatureLayer> layer_input(const LayerSpec& spec, const AtlasData& data)
{
    if (!spec.product.value.empty()) {
        const auto found = data.inputs.find(product_input_key(spec));
        if (found == data.inputs.end()) {
            throw AtlasError(spec.product.pos, "layer '" + spec.name + "' draws product '" + spec.product.value +
                    "', which only a workspace published through the disclosure stage provides; give --workspace");
        }
        return found->second;
    }
    const auto joined = data.inputs.find("layer:" + spec.name);
    return joined != data.inputs.end() ? joined->second : data.inputs.at(spec.input.value);
}

void read_values(PreparedLayer& prepared, const FeatureLayer& input, Diagnostics& diagnostics)
{
    const LayerSpec& spec = *prepared.spec;
    const bool thematic = !spec.field.value.empty();
    // SIZE_MAX = no such column (std::optional here trips GCC 12's maybe-uninitialized warning).
    const std::size_t value_column = thematic ? require_field(input, spec.field, "layer '" + spec.name + "' field") : SIZE_MAX;
    const std::size_t label_column = spec.label.value.empty() ? SIZE_MAX : require_field(input, spec.label, "layer '" + spec.name + "' label");
    const bool per_area = spec.divide_by.value == "area_km2" && !input.column("area_km2");
    const std::size_t divisor_column = spec.divide_by.value.empty() || per_area
        ? SIZE_MAX : require_field(input, spec.divide_by, "layer '" + spec.name + "' divide_by");
    const auto code_column = input.column(spec.code_field.value);
    if (!code_column && spec.code_field.pos.line > 0) {
        (void)require_field(input, spec.code_field, "layer '" + spec.name + "' code");
    }
    std::optional<std::size_t> status_column;
    if (!spec.status.field.value.empty()) {
        status_column = require_field(input, spec.status.field, "layer '" + spec.name + "' status field");
    } else if (thematic) {
        status_column = input.column(spec.field.value + "_status");
    }
    std::size_t not_numbers = 0;
    for (auto& feature : prepared.features) {
        const auto& row = input.table.rows[feature.row];
        feature.code = code_column ? value_text(row[*code_column]) : std::to_string(feature.row + 1);
        feature.label = label_column != SIZE_MAX ? value_text(row[label_column]) : std::string();
        if (value_column == SIZE_MAX) {
            continue;
        }
        feature.value = value_number(row[value_column]);
        if (!feature.value && !std::holds_alternative<std::monostate>(row[value_column])) {
            ++not_numbers;
        }
        if (feature.value && (per_area || divisor_column != SIZE_MAX)) {
            // A rate: a zero or missing denominator leaves the unit without a value, never infinite.
            const auto divisor = per_area ? std::optional(feature.area_km2) : value_number(row[divisor_column]);
            feature.value = divisor && *divisor != 0 ? std::optional(*feature.value / *divisor * spec.multiply) : std::nullopt;
        }
        feature.status = status_column ? decode_status(value_text(row[*status_column]), spec.status) : ValueStatus::ok;
        if (feature.status == ValueStatus::ok && !feature.value) {
            feature.status = ValueStatus::missing;
        }
        if (feature.status == ValueStatus::suppressed) {
            feature.value.reset();  // a suppressed cell never reaches the page, whatever the file held
        }
        if (feature.value && std::floor(*feature.value) != *feature.value) {
            prepared.integral_values = false;
        }
    }
    if (not_numbers > 0) {
        diagnostics.warn("not_a_number", spec.field.pos, "layer '" + spec.name + "': " + std::to_string(not_numbers) +
                " values of field '" + spec.field.value + "' are not numbers; drawn as " + spec.missing_label);
    }
}

std::vector<double> present_values(const PreparedLayer& prepared)
{
    std::vector<double> values;
    for (const auto& feature : prepared.features) {
        if (feature.value && feature.status != ValueStatus::suppressed) {
            values.push_back(*feature.value);
        }
    }
    return values;
}

void classify(PreparedLayer& prepared)
{
    const LayerSpec& spec = *prepared.spec;
    const auto values = present_values(prepared);
    if (values.empty()) {
        throw AtlasError(spec.field.pos, "layer '" + spec.name + "': field '" + spec.field.value + "' has no value to classify");
    }
    const int classes = spec.classify.classes;
    switch (spec.classify.method) {
    case ClassMethod::quantiles: prepared.breaks = quantile_breaks(values, classes); break;
    case ClassMethod::equal_interval: prepared.breaks = equal_interval_breaks(values, classes); break;
    case ClassMethod::natural_breaks: prepared.breaks = natural_breaks(values, classes); break;
    case ClassMethod::manual: prepared.breaks = manual_breaks(values, spec.classify.breaks); break;
    }
    const int count = prepared.breaks.classes();
    if (!spec.colours.empty()) {
        for (int i = 0; i < count; ++i) {
            prepared.colours.push_back(*parse_colour(spec.colours[static_cast<std::size_t>(std::min<int>(i, static_cast<int>(spec.colours.size()) - 1))].value));
        }
    } else {
        const Palette& palette = *find_palette(spec.palette.value);
        prepared.colours = palette.kind == PaletteKind::sequential ? sequential_colours(palette, count)
                                                                  : diverging_colours(palette, count / 2, count % 2 == 1, count / 2);
    }
    prepared.class_labels = class_labels(prepared.breaks, prepared.integral_values);
    for (auto& feature : prepared.features) {
        if (feature.value && feature.status != ValueStatus::suppressed) {
            feature.class_index = prepared.breaks.class_of(*feature.value);
        }
    }
}

void size_symbols(PreparedLayer& prepared)
{
    const LayerSpec& spec = *prepared.spec;
    const auto values = present_values(prepared);
    prepared.max_value = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
    if (prepared.max_value <= 0) {
        throw AtlasError(spec.field.pos, "layer '" + spec.name + "': field '" + spec.field.value + "' has no positive value to draw");
    }
    const double max_units = spec.max_size_mm / mapnik_unit_mm;
    for (auto& feature : prepared.features) {
        if (!feature.value || prepared.max_value <= 0) {
            continue;
        }
        const double share = std::max(0.0, *feature.value) / prepared.max_value;
        // Symbols: area proportional to the value; corridors: width proportional to the flow.
        feature.size = spec.kind == LayerKind::symbols ? max_units * std::sqrt(share) : std::max(1.0, max_units * share);
    }
    // Largest first, so that small symbols and thin corridors stay visible on top.
    std::stable_sort(prepared.features.begin(), prepared.features.end(),
        [](const PreparedFeature& a, const PreparedFeature& b) { return a.value.value_or(-1) > b.value.value_or(-1); });
    if (spec.kind == LayerKind::corridors && spec.top > 0 && prepared.features.size() > static_cast<std::size_t>(spec.top)) {
        prepared.features.resize(static_cast<std::size_t>(spec.top));
    }
}

/// Box and area of every feature of an input, and its anchor points: the same for every layer
/// drawn from it.
struct FeatureGeometry {
    std::vector<LonLatBox> boxes;
    std::vector<double> areas_km2;
    std::shared_ptr<const AnchorPoints> anchors;
};
using GeometryCache = std::map<std::string, FeatureGeometry>;

const FeatureGeometry& feature_geometry(const LayerSpec& spec, const std::shared_ptr<FeatureLayer>& input, const Geometry& geometry,
    GeometryCache& cache)
{
    const std::string key = spec.product.value.empty() ? "input:" + spec.input.value : product_input_key(spec);
    auto [it, inserted] = cache.try_emplace(key);
    if (inserted) {
        FeatureGeometry& info = it->second;
        for (std::size_t row = 0; row < input->size(); ++row) {
            const auto shape = geometry.read(input->table.geometry_wkb[row]);
            info.boxes.push_back(geometry.box(shape.get()));
            info.areas_km2.push_back(input->geometry == GeometryKind::polygon ? geo::area_km2(geometry.geos(), shape.get()) : 0.0);
        }
        info.anchors = std::make_shared<const AnchorPoints>(input, info.boxes);
    }
    return it->second;
}

PreparedLayer prepare_layer(const LayerSpec& spec, const AtlasData& data, Diagnostics& diagnostics, const Geometry& geometry,
    GeometryCache& cache)
{
    auto input = layer_input(spec, data);
    PreparedLayer prepared;
    prepared.spec = &spec;
    prepared.geometry = input->geometry;
    prepared.metadata = input->metadata;
    const bool polygons = input->geometry == GeometryKind::polygon;
    if (spec.kind == LayerKind::choropleth && !polygons) {
        throw AtlasError(spec.pos, "layer '" + spec.name + "' is a choropleth but input '" + input->name + "' has no polygons");
    }
    if (spec.kind == LayerKind::corridors && input->geometry != GeometryKind::line) {
        throw AtlasError(spec.pos, "layer '" + spec.name + "' draws corridors but input '" + input->name + "' has no lines");
    }
    const auto& geometries = feature_geometry(spec, input, geometry, cache);
    prepared.anchors = geometries.anchors;
    for (std::size_t row = 0; row < input->size(); ++row) {
        PreparedFeature feature;
        feature.row = row;
        feature.wkb = input->table.geometry_wkb[row];
        feature.box = geometries.boxes[row];
        feature.area_km2 = geometries.areas_km2[row];
        prepared.features.push_back(std::move(feature));
    }
    read_values(prepared, *input, diagnostics);
    const auto published = data.published_labels.find(spec.product.value);
    const std::string gate_suppressed = published == data.published_labels.end() ? "" : published->second.first;
    const std::string gate_unreliable = published == data.published_labels.end() ? "" : published->second.second;
    prepared.suppressed_label = !spec.status.suppressed_label.empty() ? spec.status.suppressed_label
        : !gate_suppressed.empty()                                  ? gate_suppressed
                                                                    : "fewer than 10 persons";
    prepared.unreliable_label = !spec.status.unreliable_label.empty() ? spec.status.unreliable_label
        : !gate_unreliable.empty()                                    ? gate_unreliable
                                                                      : "CV above 30%";
    if (spec.kind == LayerKind::choropleth) {
        classify(prepared);
    } else if (spec.kind == LayerKind::symbols || spec.kind == LayerKind::corridors) {
        size_symbols(prepared);
    }
    return prepared;
}

} // namespace

void prepare_layers(const AtlasFile& atlas, AtlasData& data, Diagnostics& diagnostics, const std::set<std::string>& layers)
{
    const Geometry geometry;
    GeometryCache cache;
    for (const auto& name : layers) {
        data.layers.emplace(name, prepare_layer(atlas.layers.at(name), data, diagnostics, geometry, cache));
    }
}

namespace {

/// One page before planning: its spec and, on series pages, the unit (a coverage row).
struct PageInstance {
    const PageSpec* spec = nullptr;
    const FeatureLayer* coverage = nullptr;
    std::size_t unit_row = 0;
};

bool passes(const FeatureLayer& layer, std::size_t row,
    const std::vector<std::pair<Located<std::string>, std::vector<std::string>>>& filter, const std::string& what)
{
    for (const auto& [field, accepted] : filter) {
        const auto column = require_field(layer, field, what + " filter");
        const std::string value = value_text(layer.table.rows[row][column]);
        if (std::find(accepted.begin(), accepted.end(), value) == accepted.end()) {
            return false;
        }
    }
    return true;
}

std::vector<PageInstance> expand_series(const PageSpec& page, const SeriesSpec& series, const AtlasData& data)
{
    const FeatureLayer& coverage = *data.inputs.at(series.coverage.value);
    const std::string what = "series of page '" + page.name.value + "'";
    std::vector<std::size_t> rows;
    std::set<std::int64_t> levels;
    const std::size_t level_column = series.level.value > 0 ? require_field(coverage, series.level_field, what + " level_field") : SIZE_MAX;
    for (std::size_t row = 0; row < coverage.size(); ++row) {
        if (level_column != SIZE_MAX) {
            const auto level = value_number(coverage.table.rows[row][level_column]);
            if (level) {
                levels.insert(static_cast<std::int64_t>(*level));
            }
            if (!level || static_cast<int>(*level) != series.level.value) {
                continue;
            }
        }
        if (passes(coverage, row, series.filter, what)) {
            rows.push_back(row);
        }
    }
    if (level_column != SIZE_MAX && !levels.count(series.level.value)) {
        std::string present;
        for (const auto level : levels) {
            present += (present.empty() ? "" : ", ") + std::to_string(level);
        }
        throw AtlasError(series.level.pos, what + ": input '" + coverage.name + "' has no unit of level " +
                std::to_string(series.level.value) + " (levels present: " + (present.empty() ? "none" : present) + ")");
    }
    if (rows.empty()) {
        throw AtlasError(series.pos, what + ": no unit of '" + coverage.name + "' passes the level and filter");
    }
    if (!series.sort.value.empty()) {
        const bool descending = series.sort.value[0] == '-';
        const Located<std::string> field{descending ? series.sort.value.substr(1) : series.sort.value, series.sort.pos};
        const auto column = require_field(coverage, field, what + " sort");
        std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
            const auto& va = coverage.table.rows[a][column];
            const auto& vb = coverage.table.rows[b][column];
            const auto na = value_number(va), nb = value_number(vb);
            const bool less = (na && nb) ? *na < *nb : value_text(va) < value_text(vb);
            const bool greater = (na && nb) ? *na > *nb : value_text(va) > value_text(vb);
            return descending ? greater : less;
        });
    }
    std::vector<PageInstance> pages;
    for (const auto row : rows) {
        pages.push_back({&page, &coverage, row});
    }
    return pages;
}

std::string fill_text(const Located<std::string>& text, const AtlasFile& atlas, const PageInstance& instance, int number, int count)
{
    std::string out;
    std::size_t at = 0;
    while (at < text.value.size()) {
        const auto open = text.value.find('{', at);
        if (open == std::string::npos) {
            out.append(text.value, at, std::string::npos);
            break;
        }
        out.append(text.value, at, open - at);
        const auto close = text.value.find('}', open);
        const std::string name = text.value.substr(open + 1, close - open - 1);
        at = close + 1;
        if (name == "period") {
            out += atlas.period;
        } else if (name == "page") {
            out += std::to_string(number);
        } else if (name == "pages") {
            out += std::to_string(count);
        } else if (name == "atlas.title") {
            out += atlas.title;
        } else if (name == "atlas.source") {
            out += atlas.source;
        } else if (name == "date") {
            out += atlas.period;
        } else {
            const FeatureLayer& coverage = *instance.coverage;
            const Located<std::string> field{name.substr(5), text.pos};
            out += value_text(coverage.table.rows[instance.unit_row][require_field(coverage, field, "placeholder {" + name + "}")]);
        }
    }
    return out;
}

std::string file_stem(const std::string& text)
{
    std::string stem;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        stem += (std::isalnum(u) || c == '-' || c == '_' || c == '.') && u < 128 ? c : '-';
    }
    return stem.empty() ? "page" : stem;
}

LonLatBox extent_box(const PageSpec& page, const PageInstance& instance, const AtlasData& data)
{
    LonLatBox box;
    const Geometry geometry;
    const auto add_features = [&](const FeatureLayer& layer, const std::vector<std::string>& codes) {
        const auto code_column = layer.column("code");
        for (std::size_t row = 0; row < layer.size(); ++row) {
            if (!codes.empty() && (!code_column || std::find(codes.begin(), codes.end(), value_text(layer.table.rows[row][*code_column])) == codes.end())) {
                continue;
            }
            box.add(geometry.box(geometry.read(layer.table.geometry_wkb[row]).get()));
        }
    };
    if (instance.coverage) {
        box.add(geometry.box(geometry.read(instance.coverage->table.geometry_wkb[instance.unit_row]).get()));
    } else if (page.extent.bbox) {
        const auto& b = *page.extent.bbox;
        box.add(b[0], b[1]);
        box.add(b[2], b[3]);
    } else if (!page.extent.input.value.empty()) {
        add_features(*data.inputs.at(page.extent.input.value), page.extent.codes);
        if (box.empty()) {
            throw AtlasError(page.extent.pos, "extent: no feature of '" + page.extent.input.value + "' has the codes given");
        }
    } else {
        for (const auto& layer : page.layers) {
            for (const auto& feature : data.layers.at(layer.value).features) {
                box.add(feature.box);
            }
        }
    }
    return box;
}

LegendBlock legend_for(const PreparedLayer& layer, const PageLayerPlan& plan)
{
    const LayerSpec& spec = *layer.spec;
    LegendBlock block;
    block.heading = spec.title.empty() ? spec.name : spec.title;
    block.unit = spec.unit;
    block.kind = spec.kind;
    std::set<int> classes;
    bool missing = false, suppressed = false, unreliable = false;
    for (std::size_t i = 0; i < plan.visible.size(); ++i) {
        const auto& feature = layer.features[plan.visible[i]];
        if (!plan.focus[i] && spec.kind == LayerKind::choropleth) {
            continue;
        }
        if (feature.class_index >= 0) {
            classes.insert(feature.class_index);
        }
        missing |= feature.status == ValueStatus::missing;
        suppressed |= feature.status == ValueStatus::suppressed;
        unreliable |= feature.status == ValueStatus::unreliable;
    }
    // The same defaults as the styles (page_xml.cpp): symbols blue, corridors red-brown, points red.
    const char* fallback = spec.kind == LayerKind::points ? "#c0392b" : spec.kind == LayerKind::corridors ? "#b2182b" : "#3b6fb6";
    const Colour colour = parse_colour(spec.colour.value.empty() ? fallback : spec.colour.value).value_or(Colour{});
    switch (spec.kind) {
    case LayerKind::choropleth:
        for (const int c : classes) {
            block.rows.push_back({LegendRow::Swatch::fill, layer.colours[static_cast<std::size_t>(c)], 0,
                layer.class_labels[static_cast<std::size_t>(c)]});
        }
        if (missing) {
            block.rows.push_back({LegendRow::Swatch::fill, *parse_colour("#d4d4d4"), 0, spec.missing_label});
        }
        break;
    case LayerKind::symbols: {
        // Nested circles: the largest value, then about a quarter and a sixteenth of it, rounded.
        if (layer.max_value > 0) {
            for (const double share : {1.0, 0.25, 0.0625}) {
                const double raw = layer.max_value * share;
                const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
                const double nice = share == 1.0 ? raw : std::round(raw / magnitude) * magnitude;
                block.rows.push_back({LegendRow::Swatch::circle, colour, spec.max_size_mm * std::sqrt(nice / layer.max_value),
                    format_number(nice, layer.integral_values || nice >= 100 ? 0 : 1)});
            }
        }
        break;
    }
    case LayerKind::corridors:
        if (layer.max_value > 0) {
            for (const double share : {1.0, 0.5, 0.2}) {
                const double value = layer.max_value * share;
                block.rows.push_back({LegendRow::Swatch::line, colour, std::max(0.28, spec.max_size_mm * share),
                    format_number(value, layer.integral_values || value >= 100 ? 0 : 1)});
            }
        }
        break;
    case LayerKind::points:
        block.rows.push_back({LegendRow::Swatch::marker, colour, 2.2, spec.title.empty() ? spec.name : spec.title});
        block.heading.clear();
        break;
    case LayerKind::outline:
    case LayerKind::fill:
        block.rows.push_back({spec.kind == LayerKind::fill ? LegendRow::Swatch::fill : LegendRow::Swatch::line,
            parse_colour(spec.kind == LayerKind::fill ? (spec.colour.value.empty() ? "#e0e0e0" : spec.colour.value)
                                                      : (spec.stroke.value.empty() ? "#555555" : spec.stroke.value))
                .value_or(Colour{}),
            spec.stroke_width * mapnik_unit_mm, spec.title.empty() ? spec.name : spec.title});
        block.heading.clear();
        break;
    }
    if (suppressed) {
        block.rows.push_back({LegendRow::Swatch::pattern_suppressed, {}, 0, "Suppressed: " + layer.suppressed_label});
    }
    if (unreliable) {
        block.rows.push_back({LegendRow::Swatch::pattern_unreliable, {}, 0, "Unreliable: " + layer.unreliable_label});
    }
    return block;
}

/// The source and method note: the atlas's own, then what the layers' metadata say.
/// The text ending in a full stop: metadata texts that already end in one are not given a second.
std::string sentence(const std::string& text)
{
    return text.ends_with('.') ? text : text + ".";
}

std::vector<std::string> source_notes(const AtlasFile& atlas, const std::vector<PageLayerPlan>& layers)
{
    std::vector<std::string> notes;
    std::set<std::string> files, methods, disclosure, layer_sources;
    for (const auto& plan : layers) {
        if (!plan.layer->spec->source.empty()) {
            layer_sources.insert(plan.layer->spec->source);
        }
        if (!plan.layer->spec->method.empty()) {
            methods.insert(plan.layer->spec->method);
        }
        for (const auto& source : plan.layer->metadata.sources) {
            const auto slash = source.path.find_last_of('/');
            files.insert(slash == std::string::npos ? source.path : source.path.substr(slash + 1));
        }
        if (!plan.layer->metadata.method.empty()) {
            methods.insert(plan.layer->metadata.method);
        }
        if (!plan.layer->metadata.disclosure.empty()) {
            disclosure.insert(plan.layer->metadata.disclosure);
        }
    }
    std::string source = atlas.source.empty() ? "" : "Source: " + atlas.source + ".";
    for (const auto& text : layer_sources) {
        source += (source.empty() ? "Source: " : " ") + sentence(text);
    }
    if (!files.empty()) {
        std::string list;
        for (const auto& file : files) {
            list += (list.empty() ? "" : ", ") + file;
        }
        source += (source.empty() ? "" : " ") + std::string("Data: ") + list + ".";
    }
    notes.push_back(source);
    std::string method = atlas.method.empty() ? "" : "Method: " + atlas.method + ".";
    for (const auto& text : methods) {
        method += (method.empty() ? "Method: " : " ") + sentence(text);
    }
    for (const auto& text : disclosure) {
        method += (method.empty() ? "" : " ") + std::string("Disclosure control: ") + sentence(text);
    }
    if (!method.empty()) {
        notes.push_back(method);
    }
    return notes;
}

struct Focus {
    const Geometry* geometry = nullptr;
    geo::GeosGeometryPtr unit;
    geo::GeosPreparedPtr prepared;
    std::string code;
};

bool in_focus(const Focus& focus, const PreparedLayer& layer, const PreparedFeature& feature)
{
    if (!focus.prepared) {
        return true;
    }
    if (feature.code == focus.code) {
        return true;
    }
    const auto anchor = layer.anchor(feature);
    const auto& geos = focus.geometry->geos();
    const auto point = geos.own(GEOSGeom_createPointFromXY_r(geos.handle(), anchor[0], anchor[1]), "point");
    return geos.predicate(GEOSPreparedContains_r(geos.handle(), focus.prepared.get(), point.get()), "contains");
}

/// The union of the units an extent names: what a page about them shows at full strength.
geo::GeosGeometryPtr extent_union(const FeatureLayer& layer, const std::vector<std::string>& codes, const Geometry& geometry)
{
    const auto code_column = layer.column("code");
    std::vector<geo::GeosGeometryPtr> parts;
    for (std::size_t row = 0; row < layer.size() && code_column; ++row) {
        if (std::find(codes.begin(), codes.end(), value_text(layer.table.rows[row][*code_column])) != codes.end()) {
            parts.push_back(geometry.read(layer.table.geometry_wkb[row]));
        }
    }
    if (parts.empty()) {
        return {};
    }
    const auto& geos = geometry.geos();
    std::vector<GEOSGeometry*> raw;
    for (auto& part : parts) {
        raw.push_back(part.release());
    }
    const auto collection = geos.own(GEOSGeom_createCollection_r(geos.handle(), GEOS_GEOMETRYCOLLECTION, raw.data(),
        static_cast<unsigned>(raw.size())), "collection");
    return geos.own(GEOSUnaryUnion_r(geos.handle(), collection.get()), "union");
}

PageLayerPlan plan_layer(const PreparedLayer& layer, const PagePlan& page, const LonLatBox& visible_box, const Focus& focus)
{
    PageLayerPlan plan;
    plan.layer = &layer;
    const auto& map = page.layout.map;
    const double metres_per_mm = page.extent.width() / map.w;
    const double inset_m = 4 * metres_per_mm;  // labels keep 4 mm off the frame
    for (std::size_t i = 0; i < layer.features.size(); ++i) {
        const auto& feature = layer.features[i];
        if (!feature.box.intersects(visible_box)) {
            continue;
        }
        plan.visible.push_back(i);
        const bool focused = in_focus(focus, layer, feature);
        plan.focus.push_back(focused ? 1 : 0);
        // Points are never faded: a crossing point on the border belongs to both sides.
        bool label = (focused || layer.geometry == GeometryKind::point) && !feature.label.empty();
        if (label && layer.geometry == GeometryKind::polygon) {
            const double paper_mm2 = feature.area_km2 * 1e6 / (metres_per_mm * metres_per_mm);
            label = paper_mm2 >= layer.spec->label_min_area_mm2;
        }
        if (label) {
            const auto anchor = layer.anchor(feature);
            const auto [x, y] = page.projection->forward(anchor[0], anchor[1]);
            label = x > page.extent.min_x + inset_m && x < page.extent.max_x - inset_m && y > page.extent.min_y + inset_m &&
                y < page.extent.max_y - inset_m;
        }
        plan.labelled.push_back(label ? 1 : 0);
    }
    return plan;
}

void plan_overview(PagePlan& plan, const std::vector<Located<std::string>>& layers, const AtlasData& data, const SourcePos& pos)
{
    LonLatBox box;
    for (const auto& name : layers) {
        for (const auto& feature : data.layers.at(name.value).features) {
            box.add(feature.box);
        }
    }
    // The locator map shows the page's surroundings: at most about five times the frame's size,
    // even when its layers cover the world.
    LonLatBox frame;
    for (const auto& [lon, lat] : plan.frame_outline) {
        frame.add(lon, lat);
    }
    const double grow_lon = std::max(frame.max_lon - frame.min_lon, 2.0) * 2, grow_lat = std::max(frame.max_lat - frame.min_lat, 2.0) * 2;
    LonLatBox limit;
    limit.add(std::max(-180.0, frame.min_lon - grow_lon), std::max(-85.0, frame.min_lat - grow_lat));
    limit.add(std::min(180.0, frame.max_lon + grow_lon), std::min(85.0, frame.max_lat + grow_lat));
    if (box.empty()) {
        box = limit;
    } else {
        box = LonLatBox{std::max(box.min_lon, limit.min_lon), std::max(box.min_lat, limit.min_lat),
            std::min(box.max_lon, limit.max_lon), std::min(box.max_lat, limit.max_lat)};
    }
    box.add(frame);
    plan.overview_projection = std::make_shared<MapProjection>("laea", box, pos);
    plan.overview_extent = fit_extent(plan.overview_projection->project(box), 0.04, plan.layout.overview.w, plan.layout.overview.h);
    for (const auto& name : layers) {
        PageLayerPlan layer_plan;
        layer_plan.layer = &data.layers.at(name.value);
        for (std::size_t i = 0; i < layer_plan.layer->features.size(); ++i) {
            layer_plan.visible.push_back(i);
            layer_plan.focus.push_back(1);
            layer_plan.labelled.push_back(0);
        }
        plan.overview_layers.push_back(std::move(layer_plan));
    }
}

PagePlan plan_page(const AtlasFile& atlas, const AtlasData& data, const TextMetrics& metrics, const PageInstance& instance,
    int number, int count)
{
    const PageSpec& page = *instance.spec;
    PagePlan plan;
    plan.number = number;
    plan.count = count;
    plan.neighbour_opacity = atlas.style.neighbour_opacity;
    plan.name = file_stem(fill_text(page.name, atlas, instance, number, count));
    plan.title = fill_text(page.title, atlas, instance, number, count);
    plan.subtitle = fill_text(page.subtitle, atlas, instance, number, count);
    const LonLatBox box = extent_box(page, instance, data);
    plan.projection = std::make_shared<MapProjection>(page.projection.value, box, page.projection.pos);
    // The layout does not depend on the legend (it flows into columns), so the frame is known first.
    const double margin = instance.coverage ? std::max(page.extent.margin, 0.08) : page.extent.margin;
    const ProjectedBox bare = plan.projection->project(box);
    const double aspect = (bare.height() * (1 + 2 * margin)) / (bare.width() * (1 + 2 * margin));
    plan.layout = layout_page(atlas.paper, 3, aspect);
    plan.extent = fit_extent(plan.projection->project(box), margin, plan.layout.map.w, plan.layout.map.h);
    plan.frame_outline = plan.projection->outline(plan.extent);
    LonLatBox visible_box;
    for (const auto& [lon, lat] : plan.frame_outline) {
        visible_box.add(lon, lat);
    }
    Focus focus;
    const Geometry geometry;
    focus.geometry = &geometry;
    if (instance.coverage && page.series->fade_neighbours) {
        focus.unit = geometry.read(instance.coverage->table.geometry_wkb[instance.unit_row]);
        const auto code_column = instance.coverage->column(page.series->code_field);
        focus.code = code_column ? value_text(instance.coverage->table.rows[instance.unit_row][*code_column]) : "";
    } else if (!instance.coverage && !page.extent.codes.empty()) {
        focus.unit = extent_union(*data.inputs.at(page.extent.input.value), page.extent.codes, geometry);
    }
    if (focus.unit) {
        focus.prepared = geometry.geos().own_prepared(GEOSPrepare_r(geometry.geos().handle(), focus.unit.get()), "prepare");
    }
    for (const auto& name : page.layers) {
        plan.layers.push_back(plan_layer(data.layers.at(name.value), plan, visible_box, focus));
        if (data.layers.at(name.value).spec->legend) {
            auto block = legend_for(data.layers.at(name.value), plan.layers.back());
            if (!block.rows.empty()) {
                plan.legend.push_back(std::move(block));
            }
        }
    }
    // Thematic legends first (top layer first), then points, then reference lines and fills.
    std::reverse(plan.legend.begin(), plan.legend.end());
    const auto rank = [](LayerKind kind) {
        return kind == LayerKind::outline || kind == LayerKind::fill ? 2 : kind == LayerKind::points ? 1 : 0;
    };
    std::stable_sort(plan.legend.begin(), plan.legend.end(),
        [&](const LegendBlock& a, const LegendBlock& b) { return rank(a.kind) < rank(b.kind); });
    const auto& overview = page.overview.empty() ? atlas.overview : page.overview;
    if (!overview.empty()) {
        plan_overview(plan, overview, data, page.pos);
    }
    const double metres_per_mm = plan.extent.width() / plan.layout.map.w;
    const double cx = (plan.extent.min_x + plan.extent.max_x) / 2, cy = (plan.extent.min_y + plan.extent.max_y) / 2;
    plan.scale_bar = make_scale_bar(plan.projection->ground_km_per_metre(cx, cy) * metres_per_mm, plan.layout.scale_bar.w - 8);
    std::vector<std::string> notes;
    if (!page.notes.value.empty()) {
        notes.push_back(fill_text(page.notes, atlas, instance, number, count));
    }
    for (auto& note : source_notes(atlas, plan.layers)) {
        if (!note.empty()) {
            notes.push_back(std::move(note));
        }
    }
    for (const auto& note : notes) {
        for (auto& line : metrics.wrap(note, 6.5, plan.layout.notes.w)) {
            plan.notes.push_back(std::move(line));
        }
    }
    if (plan.notes.size() > 3) {
        plan.layout = layout_page(atlas.paper, plan.notes.size(), aspect);
        // A taller footer shrinks the frame: refit so that the scale stays exact.
        plan.extent = fit_extent(plan.projection->project(box), margin, plan.layout.map.w, plan.layout.map.h);
        plan.frame_outline = plan.projection->outline(plan.extent);
    }
    return plan;
}

} // namespace

namespace {

/// Every page of the atlas, numbered 1..N in atlas order, with its unique file name.
struct NamedPages {
    std::vector<PageInstance> instances;
    std::vector<std::string> names;
};

NamedPages name_pages(const AtlasFile& atlas, const AtlasData& data, Diagnostics& diagnostics)
{
    NamedPages result;
    for (const auto& page : atlas.pages) {
        if (page.series) {
            const auto pages = expand_series(page, *page.series, data);
            result.instances.insert(result.instances.end(), pages.begin(), pages.end());
        } else {
            result.instances.push_back({&page, nullptr, 0});
        }
    }
    std::set<std::string> names;
    const int count = static_cast<int>(result.instances.size());
    for (std::size_t i = 0; i < result.instances.size(); ++i) {
        const PageInstance& instance = result.instances[i];
        const std::string stem = file_stem(fill_text(instance.spec->name, atlas, instance, static_cast<int>(i) + 1, count));
        std::string name = stem;
        for (int suffix = 2; names.count(name); ++suffix) {
            name = stem + "-" + std::to_string(suffix);
        }
        if (name != stem) {
            diagnostics.warn("page_name_repeated", instance.spec->name.pos,
                "page name '" + stem + "' is used twice; page " + std::to_string(i + 1) + " is named '" + name + "'");
        }
        names.insert(name);
        result.names.push_back(name);
    }
    return result;
}

} // namespace

PageNeeds needs_of_pages(const AtlasFile& atlas, const AtlasData& data, const std::function<bool(const std::string&)>& wanted)
{
    Diagnostics ignored;  // plan_pages names the pages again and reports repeated names then
    const NamedPages pages = name_pages(atlas, data, ignored);
    PageNeeds needs;
    for (const auto& layer : atlas.overview) {
        needs.layers.insert(layer.value);
    }
    std::set<const PageSpec*> specs;
    for (std::size_t i = 0; i < pages.names.size(); ++i) {
        if (wanted(pages.names[i])) {
            specs.insert(pages.instances[i].spec);
        }
    }
    for (const PageSpec* page : specs) {
        for (const auto* list : {&page->layers, &page->overview}) {
            for (const auto& layer : *list) {
                needs.layers.insert(layer.value);
            }
        }
        if (!page->extent.input.value.empty()) {
            needs.inputs.insert(page->extent.input.value);
        }
    }
    return needs;
}

std::vector<PageLayers> layers_of_pages(const AtlasFile& atlas, const AtlasData& data)
{
    Diagnostics ignored;  // plan_pages names the pages again and reports repeated names then
    const NamedPages pages = name_pages(atlas, data, ignored);
    std::vector<PageLayers> result;
    for (std::size_t i = 0; i < pages.names.size(); ++i) {
        const PageSpec& page = *pages.instances[i].spec;
        PageLayers entry{pages.names[i], {}};
        // As plan_page draws them: the page's own locator layers, else the atlas's.
        for (const auto* list : {&page.layers, page.overview.empty() ? &atlas.overview : &page.overview}) {
            for (const auto& layer : *list) {
                entry.layers.insert(layer.value);
            }
        }
        result.push_back(std::move(entry));
    }
    return result;
}

PagePlans plan_pages(const AtlasFile& atlas, const AtlasData& data, const TextMetrics& metrics, Diagnostics& diagnostics,
    const std::function<bool(const std::string&)>& wanted)
{
    // Names first (cheap), so that only the pages asked for are planned.
    NamedPages pages = name_pages(atlas, data, diagnostics);
    PagePlans result;
    result.names = std::move(pages.names);
    const int count = static_cast<int>(pages.instances.size());
    std::vector<std::size_t> chosen;
    for (std::size_t i = 0; i < result.names.size(); ++i) {
        if (wanted(result.names[i])) {
            chosen.push_back(i);
        }
    }
    result.pages.resize(chosen.size());
    // Plans are independent (each has its own projection and GEOS context): plan them in parallel.
    tbb::parallel_for(std::size_t{0}, chosen.size(), [&](std::size_t k) {
        const std::size_t i = chosen[k];
        result.pages[k] = plan_page(atlas, data, metrics, pages.instances[i], static_cast<int>(i) + 1, count);
        result.pages[k].name = result.names[i];
    });
    return result;
}

} // namespace migratlas::render
