// What a tileset says about itself: name, bounds, centre, zooms and the vector_layers with their
// field types, as MBTiles 1.3 metadata rows, PMTiles v3 JSON metadata and a TileJSON 3.0 document.
#pragma once

#include "tiles/tile_layer.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace migratlas::tiles {

struct VectorLayerInfo {
    std::string id;
    std::string description;
    int minzoom = 0;
    int maxzoom = 0;
    std::vector<std::pair<std::string, std::string>> fields; ///< name, "Number" | "String" | "Boolean"
    std::string geometry;    ///< "Polygon", "LineString", "Point" (tilestats); empty when the layer mixes them
    std::size_t count = 0;   ///< input features
    /// The disclosure gate's description of a published layer (TileLayer::publication), JSON
    /// text; empty for layers tiled from input files.
    std::string publication;
};

struct TilesetMetadata {
    std::string name;
    std::string description;
    std::string attribution;
    std::string version = "1.0.0";
    std::string generator;
    int minzoom = 0;
    int maxzoom = 0;
    double west = -180.0;
    double south = -85.0511287798066;
    double east = 180.0;
    double north = 85.0511287798066;
    double center_lon = 0.0;
    double center_lat = 0.0;
    int center_zoom = 0;
    std::vector<VectorLayerInfo> layers;
};

/// The "vector_layers" array (TileJSON 3.0 section 3.3), in layer order.
[[nodiscard]] nlohmann::ordered_json vector_layers_json(const TilesetMetadata& metadata);
/// The `tilestats` object GDAL and tippecanoe write (layer, count, geometry), which viewers read to
/// know a layer's geometry type before they see a tile.
nlohmann::ordered_json tilestats_json(const TilesetMetadata& metadata);
/// The `migratlas` object of the MBTiles `json` row and the PMTiles metadata: {"version",
/// "layers": {id: publication}} for the layers that came through the disclosure gate, which
/// `migratlas audit` reads to rebuild the published tables; null when no layer did.
[[nodiscard]] nlohmann::ordered_json migratlas_json(const TilesetMetadata& metadata);
/// A TileJSON 3.0 document; `tile_url` is the template of the "tiles" array.
[[nodiscard]] nlohmann::ordered_json tilejson(const TilesetMetadata& metadata, const std::string& tile_url);
/// Bounds as MBTiles writes them: "west,south,east,north".
[[nodiscard]] std::string bounds_text(const TilesetMetadata& metadata);
[[nodiscard]] std::string center_text(const TilesetMetadata& metadata);
/// A number with up to 7 decimals (1 cm), trailing zeros dropped, the same on every machine.
[[nodiscard]] std::string format_degrees(double value);

} // namespace migratlas::tiles
