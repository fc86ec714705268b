#include "tiles/tiles_run.hpp"

#include "common/error.hpp"
#include "common/output_file.hpp"
#include "common/version.hpp"
#include "tiles/mbtiles_writer.hpp"
#include "tiles/ogr_input.hpp"
#include "tiles/pmtiles_writer.hpp"
#include "tiles/published_input.hpp"
#include "tiles/tile_store.hpp"
#include "tiles/tileset_metadata.hpp"
#include "tiles/zoom.hpp"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <set>

namespace migratlas::tiles {

namespace {

/// The tilestats geometry of a layer whose features are all of one kind; empty when mixed.
std::string geometry_name(const TileLayer& layer)
{
    const bool points = layer.has_kind(FeatureKind::point);
    const bool lines = layer.has_kind(FeatureKind::line);
    const bool polygons = layer.has_kind(FeatureKind::polygon);
    if (points + lines + polygons != 1) {
        return {};
    }
    return polygons ? "Polygon" : lines ? "LineString" : "Point";
}

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t no_blob = ~std::uint32_t{0};

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool is_mbtiles(const std::filesystem::path& path)
{
    return lower(path.extension().string()) == ".mbtiles";
}

/// The outputs under temporary names beside their targets; renamed over them only by commit(), and
/// removed otherwise, so a failed run leaves every previous file as it was.
class PendingOutputs {
public:
    explicit PendingOutputs(const std::vector<std::filesystem::path>& targets)
    {
        for (const auto& target : targets) {
            std::filesystem::path partial = target;
            partial += ".partial-" + std::to_string(::getpid());
            if (std::filesystem::is_directory(target)) {
                throw InputError(target.string() + ": is a directory, not a file to write tiles to");
            }
            // Fail now, not after an hour of tiling, when the folder cannot take the file.
            std::FILE* probe = std::fopen(partial.c_str(), "wb");
            if (probe == nullptr) {
                throw InputError(target.string() + ": cannot write there: " + std::strerror(errno));
            }
            std::fclose(probe);
            m_files.push_back({target, partial});
        }
    }
    ~PendingOutputs()
    {
        if (!m_committed) {
            for (const auto& file : m_files) {
                std::error_code ec;
                std::filesystem::remove(file.partial, ec);
            }
        }
    }
    PendingOutputs(const PendingOutputs&) = delete;
    PendingOutputs& operator=(const PendingOutputs&) = delete;

    [[nodiscard]] std::size_t size() const { return m_files.size(); }
    [[nodiscard]] const std::filesystem::path& target(std::size_t i) const { return m_files[i].target; }
    [[nodiscard]] const std::filesystem::path& partial(std::size_t i) const { return m_files[i].partial; }

    void commit()
    {
        for (const auto& file : m_files) {
            std::error_code ec;
            std::filesystem::rename(file.partial, file.target, ec);
            if (ec) {
                throw Error(file.target.string() + ": cannot replace the file: " + ec.message());
            }
        }
        m_committed = true;
    }

private:
    struct File {
        std::filesystem::path target;
        std::filesystem::path partial;
    };
    std::vector<File> m_files;
    bool m_committed = false;
};

ZoomRange zooms_of(const Request& request, const std::string& layer)
{
    const auto it = request.layer_zooms.find(layer);
    return it != request.layer_zooms.end() ? it->second : ZoomRange{request.minzoom, request.maxzoom};
}

void check_layer_names(const Request& request, const std::vector<TileLayer>& layers)
{
    std::set<std::string> names;
    for (const TileLayer& layer : layers) {
        if (!names.insert(layer.name()).second) {
            throw SettingError("inputs", "two inputs make a layer named '" + layer.name() +
                "'; give each its own name with SOURCE[:layer]=name");
        }
    }
    auto known = [&](const std::string& name) { return names.count(name) > 0; };
    for (const auto& [name, range] : request.layer_zooms) {
        if (!known(name)) {
            throw SettingError("layer_zooms", "no input layer is named '" + name + "'");
        }
    }
    for (const auto& [name, attribute] : request.rank_attributes) {
        if (!known(name)) {
            throw SettingError("rank_attributes", "no input layer is named '" + name + "'");
        }
    }
}

void check_attribute_names(const Request& request, const std::vector<InputSummary>& inputs, const std::vector<TileLayer>& layers)
{
    (void)inputs;
    for (const std::string& wanted : request.include_attributes) {
        const bool found = std::any_of(layers.begin(), layers.end(), [&](const TileLayer& l) { return l.field_index(wanted).has_value(); });
        if (!found) {
            throw SettingError("include_attributes", "no input layer has an attribute '" + wanted + "'");
        }
    }
}

/// Bounds of every feature, in lon/lat, and a centre zoom at which they fill about one tile.
void set_extent(const std::vector<TileLayer>& layers, const Request& request, TilesetMetadata& metadata)
{
    Box box;
    for (const TileLayer& layer : layers) {
        for (std::size_t i = 0; i < layer.point_count(); ++i) {
            box.add(Point{layer.point(i).x, layer.point(i).y});
        }
    }
    metadata.minzoom = request.minzoom;
    metadata.maxzoom = request.maxzoom;
    if (box.empty()) {
        return;
    }
    const WebMercator mercator;
    const LonLat north_west = mercator.inverse(static_cast<double>(box.min_x), static_cast<double>(box.min_y));
    const LonLat south_east = mercator.inverse(static_cast<double>(box.max_x + 1), static_cast<double>(box.max_y + 1));
    metadata.west = north_west.lon;
    metadata.north = north_west.lat;
    metadata.east = south_east.lon;
    metadata.south = south_east.lat;
    const LonLat centre = mercator.inverse((static_cast<double>(box.min_x) + static_cast<double>(box.max_x)) / 2.0,
        (static_cast<double>(box.min_y) + static_cast<double>(box.max_y)) / 2.0);
    metadata.center_lon = centre.lon;
    metadata.center_lat = centre.lat;
    const double span = static_cast<double>(std::max(box.max_x - box.min_x, box.max_y - box.min_y) + 1);
    const int fit = static_cast<int>(std::floor(std::log2(static_cast<double>(world_size) / span)));
    metadata.center_zoom = std::clamp(fit, request.minzoom, request.maxzoom);
}

TilesetMetadata make_metadata(const std::vector<TileLayer>& layers, const std::vector<LayerPlan>& plans, const Request& request)
{
    TilesetMetadata metadata;
    metadata.name = request.name.empty() ? request.outputs.front().stem().string() : request.name;
    metadata.description = request.description;
    metadata.attribution = request.attribution;
    metadata.generator = std::string("migratlas ") + version_string;
    set_extent(layers, request, metadata);
    for (std::size_t l = 0; l < layers.size(); ++l) {
        VectorLayerInfo info;
        info.id = layers[l].name();
        info.minzoom = plans[l].minzoom;
        info.maxzoom = plans[l].maxzoom;
        for (const Field& field : layers[l].fields()) {
            info.fields.emplace_back(field.name, std::string(tilejson_type(field.type)));
        }
        if (plans[l].has_points) {
            info.fields.emplace_back(std::string(point_count_name), "Number");
        }
        info.geometry = geometry_name(layers[l]);
        info.count = layers[l].size();
        info.publication = layers[l].publication();
        metadata.layers.push_back(std::move(info));
    }
    return metadata;
}

/// Progress of the tiles of one zoom, from worker threads.
class TileProgress {
public:
    TileProgress(Progress& progress, std::size_t total) : m_progress(progress), m_total(total) {}
    void tick()
    {
        const std::size_t done = ++m_done;
        if (done % 64 == 0 || done == m_total) {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_progress.update(static_cast<double>(done) / static_cast<double>(std::max<std::size_t>(1, m_total)));
        }
    }

private:
    Progress& m_progress;
    std::size_t m_total;
    std::atomic<std::size_t> m_done{0};
    std::mutex m_mutex;
};

ZoomSummary summarise_zoom(int zoom, const ZoomPlan& plan, const std::vector<LayerPlan>& plans, const ZoomDrops& drops,
    const std::vector<TileOutput>& outputs, std::size_t reduced)
{
    ZoomSummary summary;
    summary.zoom = zoom;
    summary.reduced_tiles = reduced;
    for (std::size_t t = 0; t < outputs.size(); ++t) {
        if (outputs[t].bytes == 0) {
            continue;
        }
        ++summary.tiles;
        summary.bytes += outputs[t].bytes;
        if (outputs[t].bytes > summary.largest_bytes) {
            summary.largest_bytes = outputs[t].bytes;
            const TileKey key = TileKey::unpack(plan.tiles[t]);
            summary.largest_tile = tile_name(zoom, key.x, key.y);
        }
    }
    for (std::size_t l = 0; l < plans.size(); ++l) {
        if (!plans[l].visible(zoom)) {
            continue;
        }
        const TileLayer& layer = *plans[l].layer;
        const ZoomLayer& zl = plan.layers[l];
        LayerZoomSummary row;
        row.layer = layer.name();
        row.too_small = zl.too_small;
        row.minimal = zl.collapsed;
        for (std::size_t f = 0; f < layer.size(); ++f) {
            const bool point = layer.kind(f) == FeatureKind::point;
            if (point ? drops[l][f] : plans[l].dropped[f]) {
                ++row.left_out;
            } else if (layer.kind(f) == FeatureKind::polygon) {
                row.features += zl.piece_start[f + 1] > zl.piece_start[f] ? 1 : 0;
            } else if (layer.kind(f) == FeatureKind::line) {
                row.features += zl.lines[f].empty() ? 0 : 1;
            }
        }
        for (const TileOutput& output : outputs) {
            if (l < output.layers.size()) {
                row.features += output.layers[l].points;
                row.clusters += output.layers[l].clusters;
                row.clustered_points += output.layers[l].clustered_points;
            }
        }
        summary.layers.push_back(std::move(row));
    }
    return summary;
}

} // namespace

void check_settings(const Request& request)
{
    if (request.outputs.empty()) {
        throw SettingError("outputs", "no output; give a .mbtiles or .pmtiles file");
    }
    for (const auto& output : request.outputs) {
        const std::string extension = lower(output.extension().string());
        if (extension != ".mbtiles" && extension != ".pmtiles") {
            throw SettingError("outputs", "'" + output.string() + "' must end in .mbtiles or .pmtiles");
        }
    }
    if (request.minzoom < 0 || request.minzoom > highest_zoom) {
        throw SettingError("minzoom", "must be between 0 and " + std::to_string(highest_zoom) + ", got " + std::to_string(request.minzoom));
    }
    if (request.maxzoom < request.minzoom || request.maxzoom > highest_zoom) {
        throw SettingError("maxzoom", "must be between minzoom (" + std::to_string(request.minzoom) + ") and " +
            std::to_string(highest_zoom) + ", got " + std::to_string(request.maxzoom));
    }
    for (const auto& [layer, range] : request.layer_zooms) {
        if (range.minzoom > range.maxzoom || range.minzoom < request.minzoom || range.maxzoom > request.maxzoom) {
            throw SettingError("layer_zooms", "layer '" + layer + "': " + std::to_string(range.minzoom) + "-" +
                std::to_string(range.maxzoom) + " must be an ascending range within minzoom-maxzoom (" +
                std::to_string(request.minzoom) + "-" + std::to_string(request.maxzoom) + ")");
        }
    }
    if (request.max_tile_bytes < 1024) {
        throw SettingError("max_tile_bytes", "must be at least 1024 bytes, got " + std::to_string(request.max_tile_bytes));
    }
    if (request.threads < 0 || request.threads > 1024) {
        throw SettingError("threads", "must be between 0 (every core) and 1024, got " + std::to_string(request.threads));
    }
    if (request.buffer < 0 || request.buffer > tile_extent / 2) {
        throw SettingError("buffer", "must be between 0 and 2048 tile units, got " + std::to_string(request.buffer));
    }
    if (!(request.simplification >= 0.0 && request.simplification <= 64.0)) {
        throw SettingError("simplification", "must be between 0 and 64 tile units, got " + std::to_string(request.simplification));
    }
    if (request.cluster_cell < 1 || request.cluster_cell > tile_extent || (request.cluster_cell & (request.cluster_cell - 1)) != 0) {
        throw SettingError("cluster_cell", "must be a power of two from 1 to 4096 tile units, got " + std::to_string(request.cluster_cell));
    }
    if (request.max_attribute_bytes < 16) {
        throw SettingError("max_attribute_bytes", "must be at least 16, got " + std::to_string(request.max_attribute_bytes));
    }
}

namespace {

LayerSummary summary_of(const std::string& name, const InputSummary& input)
{
    LayerSummary summary;
    summary.name = name;
    summary.source = input.source + (input.layer.empty() || input.driver == "workspace" ? "" : " (layer " + input.layer + ")");
    summary.crs = input.crs;
    summary.features_read = input.features_read;
    summary.accepted = input.counts.accepted;
    summary.rejected = input.counts.rejected;
    summary.latitude_clamped = input.counts.latitude_clamped;
    summary.antimeridian_split = input.counts.antimeridian_split;
    summary.repaired = input.counts.repaired;
    summary.text_recoded = input.counts.text_recoded;
    summary.text_truncated = input.counts.text_truncated;
    return summary;
}

/// Exactly one of the two inputs: OGR sources, or a workspace's products through the gate.
void check_input_choice(const Request& request)
{
    const bool from_workspace = !request.workspace.empty() || !request.layers.empty();
    if (from_workspace && !request.inputs.empty()) {
        throw SettingError("inputs", "give either input sources or a workspace with layers, not both");
    }
    if (!from_workspace && request.inputs.empty()) {
        throw SettingError("inputs", "no input layer; give at least one SOURCE[:layer][=name], or a workspace and its layers");
    }
    if (from_workspace && request.workspace.empty()) {
        throw SettingError("workspace", "layers are products of a workspace: name the workspace");
    }
    if (from_workspace && request.layers.empty()) {
        throw SettingError("layers", "name the products to tile (e.g. units,crossing_points)");
    }
}

} // namespace

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress)
{
    check_settings(request);
    check_input_choice(request);
    const auto started = Clock::now();
    const tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
        request.threads > 0 ? static_cast<std::size_t>(request.threads) : tbb::this_task_arena::max_concurrency());
    geo::GeosContext geos;
    AttributeSelection attributes{request.include_attributes, request.exclude_attributes};
    std::vector<TileLayer> layers;
    std::vector<InputSummary> inputs;
    if (request.inputs.empty()) {
        PublishedLayers published = read_published(request.workspace, request.layers, attributes,
            request.max_attribute_bytes, request.disclosure_cache, geos, diagnostics, progress);
        layers = std::move(published.layers);
        inputs = std::move(published.summaries);
    }
    for (const std::string& spec : request.inputs) {
        InputSummary input;
        layers.push_back(read_input(spec, attributes, request.max_attribute_bytes, geos, diagnostics, progress, input));
        inputs.push_back(std::move(input));
    }
    std::vector<LayerSummary> summaries;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        summaries.push_back(summary_of(layers[l].name(), inputs[l]));
    }
    check_attribute_names(request, inputs, layers);
    Outcome outcome = run_layers(std::move(layers), std::move(summaries), request, diagnostics, progress);
    outcome.read_seconds = seconds_since(started) - outcome.tile_seconds - outcome.write_seconds;
    return outcome;
}

Outcome run_layers(std::vector<TileLayer> layers, std::vector<LayerSummary> summaries, const Request& request,
    Diagnostics& diagnostics, Progress& progress)
{
    check_settings(request);
    check_layer_names(request, layers);
    const tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
        request.threads > 0 ? static_cast<std::size_t>(request.threads) : tbb::this_task_arena::max_concurrency());
    PendingOutputs pending(request.outputs);
    const auto tiling_started = Clock::now();

    std::vector<LayerPlan> plans;
    bool any_feature = false;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const TileLayer& layer = layers[l];
        if (layer.size() == 0) {
            diagnostics.warn("empty_layer", SourcePos{summaries[l].source, 0, 0},
                "layer '" + layer.name() + "' has no features to tile; it is listed in the metadata but in no tile");
        }
        any_feature = any_feature || layer.size() > 0;
        const ZoomRange zooms = zooms_of(request, layer.name());
        const auto rank = request.rank_attributes.find(layer.name());
        plans.push_back(make_plan(layer, zooms.minzoom, zooms.maxzoom, rank == request.rank_attributes.end() ? "" : rank->second));
        summaries[l].minzoom = zooms.minzoom;
        summaries[l].maxzoom = zooms.maxzoom;
        summaries[l].rank = plans.back().rank_description;
        if (plans.back().coverage) {
            summaries[l].arcs = plans.back().coverage->arc_count();
            summaries[l].shared_arcs = plans.back().coverage->shared_arc_count();
        }
    }
    if (!any_feature) {
        throw DataError("nothing to tile: every input layer is empty (see the rejects above)");
    }

    TilingSettings settings;
    settings.buffer = request.buffer;
    settings.simplification = request.simplification;
    settings.cluster_cell = request.cluster_cell;
    settings.max_tile_bytes = request.max_tile_bytes;
    std::filesystem::path scratch = pending.partial(0);
    scratch += ".tiles";
    TileStore store(scratch);
    GeosPool geos;
    ZoomDrops point_drops(layers.size());
    for (std::size_t l = 0; l < layers.size(); ++l) {
        point_drops[l].assign(layers[l].size(), false);
    }

    Outcome outcome;
    for (int zoom = request.maxzoom; zoom >= request.minzoom; --zoom) {
        progress.start("tiles zoom " + std::to_string(zoom));
        const ZoomPlan plan = prepare_zoom(zoom, plans, settings, geos);
        std::vector<TileOutput> outputs(plan.tiles.size());
        std::vector<TileOptions> options(plan.tiles.size());
        std::vector<std::uint32_t> blobs(plan.tiles.size(), no_blob);
        const TileContext context{plans, plan, settings, point_drops};
        TileProgress tick(progress, plan.tiles.size());
        // Tiles within the limit go to the store at once; the others wait for the size policy.
        auto keep = [&](std::size_t t) {
            TileOutput& output = outputs[t];
            if (output.bytes > 0 && output.bytes <= settings.max_tile_bytes) {
                blobs[t] = store.intern(output.data);
                std::string().swap(output.data);
            }
            output.items.clear();
        };
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, plan.tiles.size(), 4), [&](const tbb::blocked_range<std::size_t>& range) {
            const geo::GeosContext& local = geos.local();
            for (std::size_t t = range.begin(); t != range.end(); ++t) {
                outputs[t] = build_tile(context, t, options[t], local);
                keep(t);
                tick.tick();
            }
        });
        std::vector<ReducedTile> reduced = enforce_tile_size(context, plans, point_drops, outputs, options, geos);
        for (std::size_t t = 0; t < outputs.size(); ++t) {
            if (!outputs[t].data.empty()) {
                keep(t); // shrunk or rebuilt by the size policy
            }
        }
        progress.finish();
        for (const ReducedTile& tile : reduced) {
            diagnostics.info("tile_reduced", SourcePos{}, "tile " + tile_name(tile.zoom, tile.x, tile.y) + " was " +
                std::to_string(tile.bytes_before) + " bytes; " + std::to_string(tile.bytes_after) + " after simplifying " +
                std::to_string(tile.factor) + "x coarser" + (tile.features_left_out > 0 ? " and leaving out " +
                std::to_string(tile.features_left_out) + " least important features" : std::string()));
        }
        ZoomSummary summary = summarise_zoom(zoom, plan, plans, point_drops, outputs, reduced.size());
        for (std::size_t t = 0; t < outputs.size(); ++t) {
            if (outputs[t].bytes > 0) {
                const TileKey key = TileKey::unpack(plan.tiles[t]);
                store.add(zoom, key.x, key.y, blobs[t]);
            }
        }
        if (summary.largest_bytes > outcome.largest_tile_bytes) {
            outcome.largest_tile_bytes = summary.largest_bytes;
            outcome.largest_tile = summary.largest_tile;
        }
        outcome.tiles += summary.tiles;
        outcome.zooms.push_back(std::move(summary));
        outcome.reduced.insert(outcome.reduced.end(), reduced.begin(), reduced.end());
        // The geometry of this zoom is not needed once its tiles are stored.
    }
    std::reverse(outcome.zooms.begin(), outcome.zooms.end());
    if (outcome.tiles == 0) {
        throw DataError("no tile has any feature: every feature lies outside its layer's zoom range or collapsed");
    }
    store.finish_writing();
    std::vector<TileStore::Entry> canonical;
    std::vector<std::uint32_t> referenced;
    store.canonical_blobs(canonical, referenced);
    outcome.unique_tiles = referenced.size();
    outcome.tile_seconds = seconds_since(tiling_started);

    const auto writing_started = Clock::now();
    const TilesetMetadata metadata = make_metadata(layers, plans, request);
    progress.start("writing outputs");
    for (std::size_t i = 0; i < pending.size(); ++i) {
        const std::uint64_t bytes = is_mbtiles(pending.target(i)) ? write_mbtiles(pending.partial(i), store, metadata)
                                                                  : write_pmtiles(pending.partial(i), store, metadata).file_bytes;
        outcome.outputs.push_back(OutputSummary{pending.target(i), bytes});
        progress.update(static_cast<double>(i + 1) / static_cast<double>(pending.size()));
    }
    outcome.tilejson = request.tilejson.empty() ? std::filesystem::path(request.outputs.front()).replace_extension(".json")
                                                : request.tilejson;
    const std::string tile_url = request.tile_url.empty() ? metadata.name + "/{z}/{x}/{y}.pbf" : request.tile_url;
    OutputFile tilejson_file(outcome.tilejson);
    tilejson_file.write(tilejson(metadata, tile_url).dump(2) + "\n");
    pending.commit();
    tilejson_file.commit();
    progress.finish();
    outcome.layers = std::move(summaries);
    outcome.write_seconds = seconds_since(writing_started);
    return outcome;
}

} // namespace migratlas::tiles
