// The viewer's files and its configuration (config.json, format in docs/serving.md): which
// tilesets and tables it shows, and for each map layer its classes, colours, popups, series
// and charts. Generated from the served tilesets when no config file is given.
#pragma once

#include "serve/tileset.hpp"

#include "common/diagnostics.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::serve {

/// A library file the viewer loads, under its URL name in /lib/, and where npm put it.
struct LibraryFile {
    std::string_view name;         ///< "maplibre-gl.js"
    std::string_view module_path;  ///< "maplibre-gl/dist/maplibre-gl.js", inside node_modules
};

/// Every file of /lib/ (MapLibre GL JS, pmtiles, d3, Observable Plot, and their licences).
[[nodiscard]] std::span<const LibraryFile> library_files();

/// The library files found under `node_modules`, by URL name; `missing` gets the names of those absent.
[[nodiscard]] std::map<std::string, std::filesystem::path> find_libraries(const std::filesystem::path& node_modules,
    std::vector<std::string>& missing);

/// Where the viewer and its libraries are when no setting says otherwise (the source tree this
/// migratlas was built from).
[[nodiscard]] std::filesystem::path built_in_viewer_dir();
[[nodiscard]] std::filesystem::path built_in_library_dir();

/// A config showing every vector layer of every tileset with a neutral style and popups of
/// all fields: what `serve` shows when it is given no config.
[[nodiscard]] nlohmann::json default_viewer_config(const std::vector<const Tileset*>& tilesets, bool has_data);

/// Replaces the generated layers of `config` by the atlas's (classes.json, format
/// migratlas-classes/1, written by `migratlas render` beside the pages): each atlas layer becomes a
/// viewer layer on the served vector layer named after its product (or holding its field), with
/// the same classes, colours, labels, symbol sizes and hatched statuses as the printed pages.
/// Atlas layers no served tileset carries are reported in `diagnostics` and left out.
void apply_atlas_classes(nlohmann::json& config, const nlohmann::json& classes, const std::vector<const Tileset*>& tilesets,
    const std::string& origin, Diagnostics& diagnostics);

/// Reads an atlas classes.json. Throws InputError naming the file when it is not one.
[[nodiscard]] nlohmann::json read_atlas_classes(const std::filesystem::path& path);

/// Gives layers with a key and no series the monthly series of a published table keyed by the
/// same thing (unit_code for code, point_id for point_id ...), with a month or period dimension,
/// and its sex and age group structure when the table has those breakdowns.
void attach_series(nlohmann::json& config, const nlohmann::json& datapackage);

/// Reads a config file. Throws InputError naming the file when it is not a JSON object or a
/// layer lacks `id`, `tileset` or `source_layer`.
[[nodiscard]] nlohmann::json read_viewer_config(const std::filesystem::path& path);

/// Points the config's tilesets at how they are reached: each tileset not named in the config
/// gets `{"tilejson": "<name>.json"}` (server) or `{"pmtiles": "<path>"}` (static site); `data`
/// is set to `data_url` unless the config has one. Throws InputError when a layer names a
/// tileset that is not there.
void attach_sources(nlohmann::json& config, const std::map<std::string, nlohmann::json>& sources,
    const std::string& data_url, const std::string& config_origin);

} // namespace migratlas::serve
