// `migratlas tiles`: maps flags to tiles::Request, runs the tiles stage and prints its outcome (per
// layer, per zoom: tiles, sizes, features kept and left out). The work is in src/tiles/tiles_run.hpp.
#include "cli/cli_context.hpp"
#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "common/parse.hpp"
#include "common/progress.hpp"
#include "tiles/tiles_run.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace migratlas::cli {

namespace {

struct TilesArgs {
    tiles::Request request;
    std::vector<std::string> outputs;
    std::vector<std::string> layer_zooms;
    std::vector<std::string> include;
    std::vector<std::string> exclude;
    std::vector<std::string> rank_by;
    std::vector<std::string> layers;
    bool strict = false;
};

std::vector<std::string> split_list(const std::vector<std::string>& values)
{
    std::vector<std::string> out;
    for (const std::string& value : values) {
        std::size_t start = 0;
        while (start <= value.size()) {
            const auto comma = value.find(',', start);
            const std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!item.empty()) {
                out.push_back(item);
            }
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
    }
    return out;
}

/// "name=z0-z1" or "name=z".
void parse_layer_zooms(const std::vector<std::string>& values, tiles::Request& request)
{
    for (const std::string& value : values) {
        const auto equals = value.rfind('=');
        const std::string name = equals == std::string::npos ? std::string() : value.substr(0, equals);
        const std::string range = equals == std::string::npos ? std::string() : value.substr(equals + 1);
        const auto dash = range.find('-');
        const auto low = parse_int(range.substr(0, dash));
        const auto high = dash == std::string::npos ? low : parse_int(range.substr(dash + 1));
        if (name.empty() || !low || !high) {
            throw UsageError("--layer-zooms '" + value + "' must be NAME=Z0-Z1 (e.g. units=0-10) or NAME=Z");
        }
        request.layer_zooms[name] = tiles::ZoomRange{static_cast<int>(*low), static_cast<int>(*high)};
    }
}

void parse_rank_by(const std::vector<std::string>& values, tiles::Request& request)
{
    for (const std::string& value : values) {
        const auto equals = value.rfind('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == value.size()) {
            throw UsageError("--rank-by '" + value + "' must be LAYER=ATTRIBUTE (e.g. flows=persons)");
        }
        request.rank_attributes[value.substr(0, equals)] = value.substr(equals + 1);
    }
}

void print_diagnostics(const Diagnostics& diagnostics)
{
    for (const auto& entry : diagnostics.entries()) {
        std::fprintf(stderr, "%s\n", entry.to_string().c_str());
    }
    if (diagnostics.suppressed() > 0) {
        std::fprintf(stderr, "(%llu more messages not shown)\n", static_cast<unsigned long long>(diagnostics.suppressed()));
    }
}

void print_outcome(const tiles::Outcome& outcome)
{
    std::string text;
    for (const tiles::LayerSummary& layer : outcome.layers) {
        text += fmt::format("layer {}: {} features read, {} accepted, {} rejected; zooms {}-{}; CRS {}\n", layer.name,
            layer.features_read, layer.accepted, layer.rejected, layer.minzoom, layer.maxzoom, layer.crs);
        if (layer.arcs > 0) {
            text += fmt::format("  shared borders: {} arcs, {} used by two rings or more\n", layer.arcs, layer.shared_arcs);
        }
        if (layer.latitude_clamped + layer.antimeridian_split + layer.repaired + layer.text_recoded + layer.text_truncated > 0) {
            text += fmt::format("  {} latitudes clamped, {} split at the antimeridian, {} repaired, {} texts recoded "
                "from Latin-1, {} texts truncated\n", layer.latitude_clamped, layer.antimeridian_split, layer.repaired,
                layer.text_recoded, layer.text_truncated);
        }
        text += fmt::format("  importance for the size policy: {}\n", layer.rank);
    }
    text += fmt::format("{:>4} {:>9} {:>12} {:>10}  {:<16} {:>7}  layer: features (left out, too small, one-pixel, clusters)\n",
        "zoom", "tiles", "bytes", "largest", "largest tile", "reduced");
    for (const tiles::ZoomSummary& zoom : outcome.zooms) {
        std::string layers;
        for (const tiles::LayerZoomSummary& row : zoom.layers) {
            layers += fmt::format("{}{}: {} ({}, {}, {}, {})", layers.empty() ? "" : "; ", row.layer, row.features,
                row.left_out, row.too_small, row.minimal, row.clusters);
        }
        text += fmt::format("{:>4} {:>9} {:>12} {:>10}  {:<16} {:>7}  {}\n", zoom.zoom, zoom.tiles, zoom.bytes,
            zoom.largest_bytes, zoom.largest_tile, zoom.reduced_tiles, layers);
    }
    text += fmt::format("{} tiles, {} distinct (identical tiles stored once); largest {} bytes ({}); {} tiles reduced "
        "by the size policy\n", outcome.tiles, outcome.unique_tiles, outcome.largest_tile_bytes, outcome.largest_tile,
        outcome.reduced.size());
    for (const tiles::OutputSummary& output : outcome.outputs) {
        text += fmt::format("wrote {} ({} bytes)\n", output.path.string(), output.bytes);
    }
    text += fmt::format("wrote {} (TileJSON 3.0)\n", outcome.tilejson.string());
    text += fmt::format("time: read {:.2f} s, tile {:.2f} s, write {:.2f} s\n", outcome.read_seconds,
        outcome.tile_seconds, outcome.write_seconds);
    std::fputs(text.c_str(), stderr);
}

} // namespace

void add_tiles_command(CLI::App& app, CliContext& context)
{
    auto args = std::make_shared<TilesArgs>();
    CLI::App* command = app.add_subcommand("tiles",
        "Vector tiles (MVT) from any OGR source or a workspace's published products: MBTiles and/or PMTiles plus "
        "TileJSON; shared borders stay shared");
    tiles::Request& request = args->request;
    command->add_option("--input", request.inputs,
        "Layer to tile, SOURCE[:layer][=name] (GeoPackage, Shapefile, GeoJSON, TopoJSON, FlatGeobuf, PG:...); repeatable");
    command->add_option("--workspace", request.workspace, "Workspace whose --layers are tiled (instead of --input)");
    command->add_option("--layers", args->layers,
        "Products of the workspace to tile, comma list (e.g. units,crossing_points); only what the disclosure gate publishes");
    command->add_option("--out", args->outputs, "Output T.mbtiles and/or T.pmtiles (repeatable)")->required();
    command->add_option("--minzoom", request.minzoom, "Lowest zoom")->capture_default_str();
    command->add_option("--maxzoom", request.maxzoom, "Highest zoom (at most 20)")->capture_default_str();
    command->add_option("--layer-zooms", args->layer_zooms, "Zoom range of one layer, NAME=Z0-Z1 (repeatable)");
    command->add_option("--include", args->include, "Only these attributes (comma list, repeatable)");
    command->add_option("--exclude", args->exclude, "Leave out these attributes (comma list, repeatable)");
    command->add_option("--rank-by", args->rank_by,
        "Numeric attribute ordering a layer's features by importance for the size policy, LAYER=ATTRIBUTE "
        "(default: area, length; points thin evenly)");
    command->add_option("--max-tile-bytes", request.max_tile_bytes,
        "Largest gzipped tile; bigger tiles are simplified more, then lose their least important features")
        ->capture_default_str();
    command->add_option("--threads", request.threads, "Worker threads (0 = every core)")->capture_default_str();
    command->add_option("--name", request.name, "Tileset name (default: the output's file name)");
    command->add_option("--description", request.description, "Tileset description");
    command->add_option("--attribution", request.attribution, "Attribution shown by map viewers");
    command->add_option("--tile-url", request.tile_url,
        "Tile URL template written to the TileJSON (default NAME/{z}/{x}/{y}.pbf, as migratlas serve answers)");
    command->add_flag("--strict", args->strict, "Stop at the first rejected feature");
    command->add_flag("--no-disclosure-cache{false}", request.disclosure_cache,
        "Protect every family anew: neither read nor write the disclosure gate's pattern cache (<workspace>.disclosure-cache/)");
    command->callback([args, command, &context]() {
        auto& req = args->request;
        for (const std::string& out : args->outputs) {
            req.outputs.emplace_back(out);
        }
        parse_layer_zooms(args->layer_zooms, req);
        parse_rank_by(args->rank_by, req);
        req.include_attributes = split_list(args->include);
        req.exclude_attributes = split_list(args->exclude);
        req.layers = split_list(args->layers);
        const std::pair<const char*, const char*> flags[] = {{"inputs", "--input"}, {"workspace", "--workspace"},
            {"layers", "--layers"}, {"outputs", "--out"}, {"minzoom", "--minzoom"}, {"maxzoom", "--maxzoom"}, {"layer_zooms", "--layer-zooms"},
            {"include_attributes", "--include"}, {"exclude_attributes", "--exclude"}, {"rank_attributes", "--rank-by"},
            {"max_tile_bytes", "--max-tile-bytes"}, {"threads", "--threads"}};
        for (const auto& [setting, flag] : flags) {
            if (command->count(flag) > 0) {
                context.origins.set(setting, flag);
            }
        }
        Diagnostics diagnostics(args->strict);
        Progress progress = Progress::for_terminal(context.quiet);
        tiles::Outcome outcome;
        try {
            outcome = tiles::run(req, diagnostics, progress);
        } catch (const SettingError&) {
            print_diagnostics(diagnostics);
            throw;
        } catch (const Error&) {
            print_diagnostics(diagnostics);
            throw;
        }
        print_diagnostics(diagnostics);
        if (!context.quiet) {
            print_outcome(outcome);
        }
    });
}

} // namespace migratlas::cli
