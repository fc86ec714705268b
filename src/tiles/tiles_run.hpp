// The tiles stage: layers (any OGR source, or published products) in, vector tiles out as MBTiles
// 1.3 and/or PMTiles v3 with a TileJSON 3.0 document. Shared borders of polygon coverages stay
// shared at every zoom; tiles over the size limit are reduced by the size policy (size_policy.hpp).
// docs/tiles.md describes the method; `migratlas tiles` is the command (src/cli/tiles_command.cpp).
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "tiles/size_policy.hpp"
#include "tiles/tile_layer.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace migratlas::tiles {

struct ZoomRange {
    int minzoom = 0;
    int maxzoom = 0;
};

/// Settings by name; SettingError names them ("maxzoom", "max_tile_bytes", ...).
struct Request {
    std::vector<std::string> inputs;                   ///< "SOURCE[:layer][=name]", any OGR vector source
    std::filesystem::path workspace;                   ///< or: a workspace, whose `layers` pass the disclosure gate
    std::vector<std::string> layers;                   ///< product names (units, crossing_points, ...), in order
    std::vector<std::filesystem::path> outputs;        ///< each .mbtiles or .pmtiles
    int minzoom = 0;
    int maxzoom = 12;
    std::map<std::string, ZoomRange> layer_zooms;      ///< per layer name, within minzoom..maxzoom
    std::vector<std::string> include_attributes;       ///< empty: all
    std::vector<std::string> exclude_attributes;
    std::map<std::string, std::string> rank_attributes; ///< layer -> numeric attribute ordering importance
    std::uint64_t max_tile_bytes = 500000;              ///< gzipped
    int threads = 0;                                    ///< 0: every core
    bool disclosure_cache = true;                       ///< the gate's pattern cache between processes (--no-disclosure-cache)
    std::int64_t buffer = 64;                           ///< tile units (of 4096)
    double simplification = 1.0;                        ///< tolerance in tile units
    std::int64_t cluster_cell = 32;                     ///< tile units; a power of two
    std::size_t max_attribute_bytes = 4096;
    std::string name;                                   ///< tileset name; default: the first output's stem
    std::string description;
    std::string attribution;
    std::filesystem::path tilejson;                     ///< default: the first output with extension .json
    std::string tile_url;                               ///< TileJSON tiles template; default "<name>/{z}/{x}/{y}.pbf"
};

struct LayerSummary {
    std::string name;
    std::string source;
    std::string crs;
    std::uint64_t features_read = 0;
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t latitude_clamped = 0;
    std::uint64_t antimeridian_split = 0;
    std::uint64_t repaired = 0;
    std::uint64_t text_recoded = 0;
    std::uint64_t text_truncated = 0;
    int minzoom = 0;
    int maxzoom = 0;
    std::size_t arcs = 0;          ///< polygon layers: arcs of the shared-border topology
    std::size_t shared_arcs = 0;   ///< of which used by two rings or more
    std::string rank;
};

struct LayerZoomSummary {
    std::string layer;
    std::uint64_t features = 0;          ///< written at this zoom (clusters count as one)
    std::uint64_t left_out = 0;          ///< by the size policy, at this zoom or a higher one
    std::uint64_t too_small = 0;         ///< lines shorter than a pixel
    std::uint64_t minimal = 0;           ///< polygons kept as a one-pixel square
    std::uint64_t clusters = 0;          ///< point features merging 2+ points
    std::uint64_t clustered_points = 0;
};

struct ZoomSummary {
    int zoom = 0;
    std::uint64_t tiles = 0;
    std::uint64_t bytes = 0;             ///< gzipped, every tile counted
    std::uint64_t largest_bytes = 0;
    std::string largest_tile;
    std::uint64_t reduced_tiles = 0;
    std::vector<LayerZoomSummary> layers;
};

struct OutputSummary {
    std::filesystem::path path;
    std::uint64_t bytes = 0;
};

struct Outcome {
    std::vector<LayerSummary> layers;
    std::vector<ZoomSummary> zooms;        ///< ascending zoom
    std::vector<ReducedTile> reduced;      ///< every tile the size policy shrank
    std::uint64_t tiles = 0;
    std::uint64_t unique_tiles = 0;
    std::uint64_t largest_tile_bytes = 0;
    std::string largest_tile;
    std::vector<OutputSummary> outputs;
    std::filesystem::path tilejson;
    double read_seconds = 0.0;
    double tile_seconds = 0.0;
    double write_seconds = 0.0;
};

/// Checks the settings (SettingError), reads every input, tiles and writes the outputs. Outputs are
/// replaced only when everything succeeded; a failure leaves any previous file untouched.
Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress);

/// The same stage on layers already in memory (the published-layer path fills them).
Outcome run_layers(std::vector<TileLayer> layers, std::vector<LayerSummary> summaries, const Request& request,
    Diagnostics& diagnostics, Progress& progress);

/// Range checks of the settings that do not need the inputs.
void check_settings(const Request& request);

} // namespace migratlas::tiles
