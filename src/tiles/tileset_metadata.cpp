#include "tiles/tileset_metadata.hpp"

#include <cmath>
#include <cstdio>

namespace migratlas::tiles {

std::string format_degrees(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.7f", std::round(value * 1e7) / 1e7);
    std::string text(buffer);
    while (!text.empty() && text.back() == '0') {
        text.pop_back();
    }
    if (!text.empty() && text.back() == '.') {
        text.pop_back();
    }
    return text == "-0" ? "0" : text;
}

nlohmann::ordered_json vector_layers_json(const TilesetMetadata& metadata)
{
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const VectorLayerInfo& layer : metadata.layers) {
        nlohmann::ordered_json fields = nlohmann::ordered_json::object();
        for (const auto& [name, type] : layer.fields) {
            fields[name] = type;
        }
        layers.push_back({{"id", layer.id}, {"description", layer.description}, {"minzoom", layer.minzoom},
            {"maxzoom", layer.maxzoom}, {"fields", fields}});
    }
    return layers;
}

nlohmann::ordered_json tilestats_json(const TilesetMetadata& metadata)
{
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const VectorLayerInfo& layer : metadata.layers) {
        nlohmann::ordered_json entry{{"layer", layer.id}, {"count", layer.count}};
        if (!layer.geometry.empty()) {
            entry["geometry"] = layer.geometry;
        }
        entry["attributeCount"] = layer.fields.size();
        layers.push_back(std::move(entry));
    }
    return {{"layerCount", metadata.layers.size()}, {"layers", layers}};
}

nlohmann::ordered_json migratlas_json(const TilesetMetadata& metadata)
{
    nlohmann::ordered_json layers = nlohmann::ordered_json::object();
    for (const VectorLayerInfo& layer : metadata.layers) {
        if (!layer.publication.empty()) {
            layers[layer.id] = nlohmann::ordered_json::parse(layer.publication);
        }
    }
    if (layers.empty()) {
        return nullptr;
    }
    return {{"version", metadata.generator}, {"layers", std::move(layers)}};
}

namespace {
double rounded(double value)
{
    return std::round(value * 1e7) / 1e7;
}
} // namespace

nlohmann::ordered_json tilejson(const TilesetMetadata& metadata, const std::string& tile_url)
{
    nlohmann::ordered_json doc;
    doc["tilejson"] = "3.0.0";
    doc["name"] = metadata.name;
    if (!metadata.description.empty()) {
        doc["description"] = metadata.description;
    }
    if (!metadata.attribution.empty()) {
        doc["attribution"] = metadata.attribution;
    }
    doc["version"] = metadata.version;
    doc["scheme"] = "xyz";
    doc["tiles"] = nlohmann::ordered_json::array({tile_url});
    doc["minzoom"] = metadata.minzoom;
    doc["maxzoom"] = metadata.maxzoom;
    doc["bounds"] = {rounded(metadata.west), rounded(metadata.south), rounded(metadata.east), rounded(metadata.north)};
    doc["center"] = {rounded(metadata.center_lon), rounded(metadata.center_lat), metadata.center_zoom};
    doc["vector_layers"] = vector_layers_json(metadata);
    return doc;
}

std::string bounds_text(const TilesetMetadata& metadata)
{
    return format_degrees(metadata.west) + "," + format_degrees(metadata.south) + "," + format_degrees(metadata.east) +
        "," + format_degrees(metadata.north);
}

std::string center_text(const TilesetMetadata& metadata)
{
    return format_degrees(metadata.center_lon) + "," + format_degrees(metadata.center_lat) + "," +
        std::to_string(metadata.center_zoom);
}

} // namespace migratlas::tiles
