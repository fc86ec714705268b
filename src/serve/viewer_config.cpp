#include "serve/viewer_config.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <fstream>
#include <set>

#ifndef MIGRATLAS_VIEWER_DIR
#error "MIGRATLAS_VIEWER_DIR must be defined by the build"
#endif
#ifndef MIGRATLAS_NODE_MODULES_DIR
#error "MIGRATLAS_NODE_MODULES_DIR must be defined by the build"
#endif

namespace migratlas::serve {

namespace {

constexpr LibraryFile libraries[] = {
    {"maplibre-gl.js", "maplibre-gl/dist/maplibre-gl.js"},
    {"maplibre-gl.css", "maplibre-gl/dist/maplibre-gl.css"},
    {"maplibre-gl.LICENSE.txt", "maplibre-gl/LICENSE.txt"},
    {"pmtiles.js", "pmtiles/dist/pmtiles.js"},
    {"d3.min.js", "d3/dist/d3.min.js"},
    {"d3.LICENSE.txt", "d3/LICENSE"},
    {"plot.umd.min.js", "@observablehq/plot/dist/plot.umd.min.js"},
    {"plot.LICENSE.txt", "@observablehq/plot/LICENSE"},
};

// Distinct, colour-blind safe hues (Okabe-Ito) for layers that have no classes of their own.
constexpr std::string_view neutral_colours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"};

/// "polygon", "line" or "point" from the layer's tilestats (GDAL and tippecanoe write them);
/// "auto" when unknown (the viewer then draws each feature by its own geometry type).
std::string geometry_of(const nlohmann::json& metadata, const std::string& layer)
{
    const auto stats = metadata.find("tilestats");
    if (stats == metadata.end() || !stats->is_object() || !stats->contains("layers") || !(*stats)["layers"].is_array()) {
        return "auto";
    }
    for (const auto& entry : (*stats)["layers"]) {
        if (entry.is_object() && entry.value("layer", "") == layer) {
            const std::string geometry = entry.value("geometry", "");
            if (geometry == "Polygon" || geometry == "MultiPolygon") {
                return "polygon";
            }
            if (geometry == "LineString" || geometry == "MultiLineString") {
                return "line";
            }
            if (geometry == "Point" || geometry == "MultiPoint") {
                return "point";
            }
        }
    }
    return "auto";
}

/// The first of `candidates` that the layer has as a field.
std::string first_field(const nlohmann::json& fields, std::initializer_list<const char*> candidates)
{
    for (const char* candidate : candidates) {
        if (fields.contains(candidate)) {
            return candidate;
        }
    }
    return {};
}

} // namespace

std::span<const LibraryFile> library_files()
{
    return libraries;
}

std::map<std::string, std::filesystem::path> find_libraries(const std::filesystem::path& node_modules,
    std::vector<std::string>& missing)
{
    std::map<std::string, std::filesystem::path> found;
    for (const auto& library : libraries) {
        const auto path = node_modules / library.module_path;
        std::error_code error;
        if (std::filesystem::is_regular_file(path, error)) {
            found.emplace(std::string(library.name), path);
        } else {
            missing.emplace_back(library.module_path);
        }
    }
    return found;
}

std::filesystem::path built_in_viewer_dir()
{
    return MIGRATLAS_VIEWER_DIR;
}

std::filesystem::path built_in_library_dir()
{
    return MIGRATLAS_NODE_MODULES_DIR;
}

nlohmann::json default_viewer_config(const std::vector<const Tileset*>& tilesets, bool has_data)
{
    nlohmann::json layers = nlohmann::json::array();
    std::size_t colour = 0;
    for (const auto* tileset : tilesets) {
        for (const auto& vector_layer : tileset->vector_layers()) {
            const std::string id = vector_layer["id"];
            const auto& fields = vector_layer["fields"];
            nlohmann::json popup = nlohmann::json::array();
            for (const auto& [field, type] : fields.items()) {
                popup.push_back({{"property", field}, {"label", field}});
            }
            const std::string geometry = geometry_of(tileset->info().metadata, id);
            // Polygons nobody styled are the map's ground, in the printed pages' light grey; lines and
            // points get distinct colour-blind-safe colours.
            const std::string_view colour_of_layer =
                geometry == "polygon" ? std::string_view("#dedede") : neutral_colours[colour++ % std::size(neutral_colours)];
            nlohmann::json layer = {
                {"id", fmt::format("{}-{}", tileset->name(), id)},
                {"title", id},
                {"tileset", tileset->name()},
                {"source_layer", id},
                {"geometry", geometry},
                {"colour", std::string(colour_of_layer)},
                {"popup", std::move(popup)},
            };
            if (auto key = first_field(fields, {"code", "unit_code", "point_id", "corridor_id", "id"}); !key.empty()) {
                layer["key"] = key;
            }
            if (auto label = first_field(fields, {"name", "label", "code", "point_id"}); !label.empty()) {
                layer["label"] = label;
            }
            layers.push_back(std::move(layer));
        }
    }
    nlohmann::json config = {
        {"version", 1},
        {"title", tilesets.empty() ? std::string("migratlas viewer") : tilesets.front()->tilejson().value("name", "migratlas viewer")},
        {"layers", std::move(layers)},
    };
    // Open on everything the tilesets cover.
    std::optional<std::array<double, 4>> extent;
    for (const auto* tileset : tilesets) {
        if (const auto& bounds = tileset->info().bounds) {
            extent = extent ? std::array{std::min((*extent)[0], (*bounds)[0]), std::min((*extent)[1], (*bounds)[1]),
                                  std::max((*extent)[2], (*bounds)[2]), std::max((*extent)[3], (*bounds)[3])}
                            : *bounds;
        }
    }
    if (extent) {
        config["view"] = {{"bounds", *extent}};
    }
    if (has_data) {
        config["crosstab"] = nlohmann::json::object();
    }
    return config;
}

namespace {

/// Screen pixels of a length in millimetres on the page (CSS pixels: 96 per inch).
double pixels(double millimetres)
{
    return millimetres * 96.0 / 25.4;
}

std::string geometry_of_kind(const std::string& kind)
{
    if (kind == "symbols" || kind == "points") {
        return "point";
    }
    if (kind == "corridors" || kind == "outline") {  // not a product name
        return "line";  // an outline is a line layer over the polygons: MapLibre draws their rings
    }
    return "polygon";
}

/// Drawing order of the atlas's layer types, bottom to top, as on the printed pages (classes.json
/// lists layers by name, not in drawing order): context fills, choropleths, boundaries, corridors,
/// symbols and points.
int drawing_rank(const std::string& kind)
{
    static const std::map<std::string, int, std::less<>> ranks = {
        {"fill", 0}, {"choropleth", 1}, {"outline", 2}, {"corridors", 3}, {"symbols", 4}, {"points", 4}};  // not a product name
    const auto found = ranks.find(kind);
    return found == ranks.end() ? 1 : found->second;
}

/// Where a viewer layer goes in the stack: by its atlas type, or by its geometry for a generated one.
int stacking_rank(const nlohmann::json& layer)
{
    if (layer.contains("atlas_type")) {
        return drawing_rank(layer["atlas_type"].get<std::string>());
    }
    const std::string geometry = layer.value("geometry", "polygon");
    // A polygon layer the atlas does not style is the map's ground (light grey): under the choropleths.
    return geometry == "line" ? drawing_rank("corridors") : geometry == "point" ? drawing_rank("points") : drawing_rank("fill");  // not a product name
}

/// classes.json carries colours for classes, symbols and corridors only: the atlas's context
/// layers (fills, outlines, plain points) get the quiet greys of the printed pages.
std::string default_colour_of_kind(const std::string& kind)
{
    if (kind == "fill") {
        return "#e4e4e4";
    }
    if (kind == "outline") {
        return "#8c8c8c";
    }
    return "#333333";
}

/// The served (tileset, vector layer) an atlas layer draws: the layer named after its product
/// ("product:units" -> units) or after its input file, else the first that has its field.
std::pair<const Tileset*, const nlohmann::json*> served_layer_of(const nlohmann::json& atlas_layer,
    const std::vector<const Tileset*>& tilesets)
{
    const std::string source = atlas_layer.value("source", "");
    const std::string field = atlas_layer.value("field", "");
    std::string wanted = source.starts_with("product:") ? source.substr(8) : std::filesystem::path(source).stem().string();
    const auto has_field = [&](const nlohmann::json& layer) { return field.empty() || layer["fields"].contains(field); };
    for (const auto* tileset : tilesets) {
        for (const auto& layer : tileset->vector_layers()) {
            if (layer["id"] == wanted && has_field(layer)) {
                return {tileset, &layer};
            }
        }
    }
    for (const auto* tileset : tilesets) {
        for (const auto& layer : tileset->vector_layers()) {
            if (!field.empty() && has_field(layer)) {
                return {tileset, &layer};
            }
        }
    }
    return {nullptr, nullptr};
}

/// The column qualifying `field` with `suffix`: "persons_status" for persons, and for
/// "born_abroad_pct" also "born_abroad_cv" (the estimate's CV, whatever its unit suffix).
std::string qualifier(const nlohmann::json& fields, const std::string& field, const std::string& suffix)
{
    if (fields.contains(field + suffix)) {
        return field + suffix;
    }
    const auto underscore = field.rfind('_');
    if (underscore != std::string::npos && underscore > 0 && fields.contains(field.substr(0, underscore) + suffix)) {
        return field.substr(0, underscore) + suffix;
    }
    return {};
}

/// Popup rows for every field of a vector layer; `X_status` and `X_cv` qualify X rather than
/// having rows of their own.
nlohmann::json popup_fields(const nlohmann::json& fields)
{
    nlohmann::json popup = nlohmann::json::array();
    for (const auto& [field, type] : fields.items()) {
        if (field.ends_with("_status") || field.ends_with("_cv")) {
            continue;
        }
        nlohmann::json row = {{"property", field}, {"label", field}};
        if (auto status = qualifier(fields, field, "_status"); !status.empty()) {
            row["status"] = status;
        }
        if (auto cv = qualifier(fields, field, "_cv"); !cv.empty()) {
            row["cv"] = cv;
        }
        popup.push_back(std::move(row));
    }
    return popup;
}

void add_statuses(nlohmann::json& config, const nlohmann::json& hatches)
{
    auto& statuses = config["statuses"];
    if (!statuses.is_object()) {
        statuses = nlohmann::json::object();
    }
    for (const auto& [kind, hatch] : hatches.items()) {
        if (!hatch.is_object() || !hatch.contains("status")) {
            continue;
        }
        const auto codes = hatch["status"].is_array() ? hatch["status"] : nlohmann::json::array({hatch["status"]});
        for (const auto& code : codes) {
            if (code.is_string() && !statuses.contains(code.get<std::string>())) {
                // Suppressed and unreliable values are both empty in published tiles: hatched, not drawn.
                statuses[code.get<std::string>()] = {{"label", hatch.value("label", kind)},
                    {"short", kind == "suppressed" ? "suppressed" : "not reliable"}, {"hidden", true}};
            }
        }
    }
}

nlohmann::json viewer_layer_of(const nlohmann::json& atlas_layer, const Tileset& tileset, const nlohmann::json& served)
{
    const std::string kind = atlas_layer.value("type", "fill");
    const std::string field = atlas_layer.value("field", "");
    const auto& fields = served["fields"];
    nlohmann::json layer = {
        {"id", atlas_layer.value("layer", served["id"].get<std::string>())},
        {"title", atlas_layer.value("title", atlas_layer.value("layer", ""))},
        {"tileset", tileset.name()},
        {"source_layer", served["id"]},
        {"geometry", geometry_of_kind(kind)},
        {"atlas_type", kind},
        {"popup", popup_fields(fields)},
    };
    if (auto key = first_field(fields, {"code", "unit_code", "point_id", "corridor_id", "id"}); !key.empty()) {
        layer["key"] = key;
    }
    if (auto label = first_field(fields, {"name", "label", "code", "point_id"}); !label.empty()) {
        layer["label"] = label;
    }
    layer["colour"] = atlas_layer.contains("colour") ? atlas_layer["colour"] : nlohmann::json(default_colour_of_kind(kind));
    if (kind == "outline") {
        layer["width"] = {{"max", 1}};
    }
    if (!field.empty()) {
        nlohmann::json value = {{"property", field}, {"label", atlas_layer.value("title", field)}};
        if (auto status = qualifier(fields, field, "_status"); !status.empty()) {
            value["status"] = status;
        }
        if (atlas_layer.contains("unit") && atlas_layer["unit"].is_string()) {
            value["unit"] = atlas_layer["unit"];
        }
        layer["value"] = std::move(value);
    }
    if (kind == "choropleth" && atlas_layer.contains("breaks") && atlas_layer.contains("colours")) {
        const auto& breaks = atlas_layer["breaks"];
        const auto& colours = atlas_layer["colours"];
        const auto& labels = atlas_layer.contains("labels") ? atlas_layer["labels"] : nlohmann::json::array();
        nlohmann::json classes = nlohmann::json::array();
        for (std::size_t i = 0; i < colours.size() && i + 1 < breaks.size(); ++i) {
            nlohmann::json entry = {{"min", breaks[i]}, {"max", breaks[i + 1]}, {"colour", colours[i]}};
            if (i < labels.size()) {
                entry["label"] = labels[i];
            }
            classes.push_back(std::move(entry));
        }
        layer["classes"] = std::move(classes);
        // Choropleths are alternatives: one fills the units at a time, even when two come from
        // different vector layers of the same units (views of unit_flows and estimates, say).
        layer["group"] = "choropleths";
    } else if (kind == "symbols" && atlas_layer.contains("max_value")) {
        layer["size"] = {{"property", field}, {"max_value", atlas_layer["max_value"]},
            {"max_radius", pixels(atlas_layer.value("max_size_mm", 12.0)) / 2}};
    } else if (kind == "corridors" && atlas_layer.contains("max_value")) {  // not a product name
        layer["width"] = {{"property", field}, {"max_value", atlas_layer["max_value"]},
            {"max", pixels(atlas_layer.value("max_size_mm", 3.0))}};
    }
    return layer;
}

/// The published table's dimension that holds what a layer's `key` identifies.
std::string matching_dimension(const std::string& key, const std::vector<std::string>& dimensions)
{
    const std::vector<std::string> candidates = key == "code" ? std::vector<std::string>{"unit_code", "code", "REF_AREA"}
        : key == "point_id" ? std::vector<std::string>{"point_id", "crossing_point"} : std::vector<std::string>{key};
    for (const auto& candidate : candidates) {
        if (std::find(dimensions.begin(), dimensions.end(), candidate) != dimensions.end()) {
            return candidate;
        }
    }
    return {};
}

} // namespace

nlohmann::json read_atlas_classes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path.string() + ": cannot read the atlas classes");
    }
    auto classes = nlohmann::json::parse(in, nullptr, false);
    if (classes.is_discarded() || !classes.is_object() || !classes.value("format", "").starts_with("migratlas-classes/") ||
        !classes.contains("layers") || !classes["layers"].is_array()) {
        throw InputError(path.string() + ": not an atlas classes file (format migratlas-classes/1, as `migratlas render` writes)");
    }
    return classes;
}

void apply_atlas_classes(nlohmann::json& config, const nlohmann::json& classes, const std::vector<const Tileset*>& tilesets,
    const std::string& origin, Diagnostics& diagnostics)
{
    if (classes.contains("title") && classes["title"].is_string() && !classes["title"].get<std::string>().empty()) {
        config["title"] = classes["title"];  // the atlas's title heads its viewer too
    }
    nlohmann::json layers = nlohmann::json::array();
    std::set<std::pair<std::string, std::string>> covered;
    std::set<std::string> groups_seen;
    for (const auto& atlas_layer : classes["layers"]) {
        const auto [tileset, served] = served_layer_of(atlas_layer, tilesets);
        if (tileset == nullptr) {
            diagnostics.warn("atlas_layer_not_served", SourcePos{origin, 0, 0},
                fmt::format("atlas layer '{}' ({}) is in no served tileset: the viewer leaves it out",
                    atlas_layer.value("layer", ""), atlas_layer.value("source", "")));
            continue;
        }
        auto layer = viewer_layer_of(atlas_layer, *tileset, *served);
        if (layer.contains("group") && !groups_seen.insert(layer["group"].get<std::string>()).second) {
            layer["visible"] = false;  // one choropleth of each unit layer at a time
        }
        if (atlas_layer.contains("hatches")) {
            add_statuses(config, atlas_layer["hatches"]);
        }
        covered.emplace(tileset->name(), (*served)["id"].get<std::string>());
        layers.push_back(std::move(layer));
    }
    // Generated layers of vector layers the atlas does not style stay, stacked by their geometry
    // among the atlas's (polygons with the fills, under the choropleths and boundaries).
    for (const auto& layer : config["layers"]) {
        if (!covered.contains({layer["tileset"].get<std::string>(), layer["source_layer"].get<std::string>()})) {
            layers.push_back(layer);
        }
    }
    std::stable_sort(layers.begin(), layers.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        return stacking_rank(a) < stacking_rank(b);
    });
    config["layers"] = std::move(layers);
}

void attach_series(nlohmann::json& config, const nlohmann::json& datapackage)
{
    if (!datapackage.contains("resources") || !datapackage["resources"].is_array() || !config.contains("layers")) {
        return;
    }
    for (auto& layer : config["layers"]) {
        if (layer.contains("series") || !layer.contains("key")) {
            continue;
        }
        for (const auto& resource : datapackage["resources"]) {
            if (!resource.contains("schema") || !resource["schema"].contains("fields")) {
                continue;
            }
            const auto& schema = resource["schema"];
            std::vector<std::string> dimensions;
            std::string count;
            const auto primary = schema.value("primaryKey", nlohmann::json::array());
            for (const auto& field : schema["fields"]) {
                const std::string name = field.value("name", "");
                const std::string role = field.value("role", "");
                const bool in_key = primary.is_array() && std::find(primary.begin(), primary.end(), name) != primary.end();
                if (role == "key" || (role.empty() && in_key)) {
                    dimensions.push_back(name);
                } else if (count.empty() && (role == "count" || (role.empty() && field.value("type", "") == "integer"))) {
                    count = name;
                }
            }
            const auto key = matching_dimension(layer["key"].get<std::string>(), dimensions);
            const auto time = matching_dimension("month", dimensions).empty()
                ? (std::find(dimensions.begin(), dimensions.end(), "period") != dimensions.end() ? "period" : "")
                : std::string("month");
            if (key.empty() || time.empty() || count.empty()) {
                continue;
            }
            layer["series"] = {{"table", resource.value("name", "")}, {"key", key}, {"time", time}, {"value", count}};
            const bool has_sex = std::find(dimensions.begin(), dimensions.end(), "sex") != dimensions.end();
            const bool has_age = std::find(dimensions.begin(), dimensions.end(), "age_group") != dimensions.end();
            if (has_sex && has_age) {
                layer["structure"] = {{"sex", "sex"}, {"age", "age_group"}};
            }
            break;
        }
    }
}

nlohmann::json read_viewer_config(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path.string() + ": cannot read the viewer config");
    }
    nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
    if (config.is_discarded() || !config.is_object()) {
        throw InputError(path.string() + ": the viewer config is not a JSON object (see docs/serving.md)");
    }
    if (config.contains("layers")) {
        if (!config["layers"].is_array()) {
            throw InputError(path.string() + ": 'layers' must be an array");
        }
        std::size_t index = 0;
        for (const auto& layer : config["layers"]) {
            for (const char* key : {"id", "tileset", "source_layer"}) {
                if (!layer.is_object() || !layer.contains(key) || !layer[key].is_string()) {
                    throw InputError(fmt::format("{}: layers[{}] needs a string '{}'", path.string(), index, key));
                }
            }
            ++index;
        }
    }
    return config;
}

void attach_sources(nlohmann::json& config, const std::map<std::string, nlohmann::json>& sources,
    const std::string& data_url, const std::string& config_origin)
{
    auto& tilesets = config["tilesets"];
    if (!tilesets.is_object()) {
        tilesets = nlohmann::json::object();
    }
    for (const auto& [name, source] : sources) {
        if (!tilesets.contains(name)) {
            tilesets[name] = source;
        }
    }
    if (config.contains("layers")) {
        for (const auto& layer : config["layers"]) {
            const std::string tileset = layer.value("tileset", "");
            if (!tilesets.contains(tileset)) {
                throw InputError(fmt::format("{}: layer '{}' shows tileset '{}', which is not served", config_origin,
                    layer.value("id", ""), tileset));
            }
        }
    }
    if (!data_url.empty() && !config.contains("data")) {
        config["data"] = data_url;
    }
}

} // namespace migratlas::serve
