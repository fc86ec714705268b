#include "serve/viewer_config.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <fstream>

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
            nlohmann::json layer = {
                {"id", fmt::format("{}-{}", tileset->name(), id)},
                {"title", id},
                {"tileset", tileset->name()},
                {"source_layer", id},
                {"geometry", geometry_of(tileset->info().metadata, id)},
                {"colour", neutral_colours[colour++ % std::size(neutral_colours)]},
                {"popup", std::move(popup)},
            };
            if (auto key = first_field(fields, {"code", "point_id", "corridor_id", "id"}); !key.empty()) {
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
        {"title", "migratlas viewer"},
        {"layers", std::move(layers)},
    };
    if (has_data) {
        config["crosstab"] = nlohmann::json::object();
    }
    return config;
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
