#include "serve/serve_run.hpp"

#include "serve/router.hpp"
#include "serve/viewer_config.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <fstream>
#include <cmath>
#include <set>

namespace migratlas::serve {

namespace {

void check_range(const char* setting, double value, double low, double high, const char* unit = "")
{
    if (!(value >= low && value <= high)) {
        throw SettingError(setting, fmt::format("must be between {} and {}{}, got {}", low, high, unit, value));
    }
}

void check_settings(const Request& request)
{
    if (request.tilesets.empty()) {
        throw SettingError("tilesets", "at least one MBTiles or PMTiles archive is needed");
    }
    check_range("port", request.port, 0, 65535);
    check_range("threads", request.threads, 0, 256);
    check_range("cache_mb", request.cache_mb, 0, 65536, " MB");
    check_range("tile_max_age_s", request.tile_max_age_s, 0, 31536000, " s");
    check_range("read_timeout_s", request.read_timeout_s, 0.05, 3600, " s");
    check_range("write_timeout_s", request.write_timeout_s, 0.05, 3600, " s");
    check_range("max_connections", request.max_connections, 1, 1000000);
    if (request.missing_tile_status != 204 && request.missing_tile_status != 404) {
        throw SettingError("missing_tile_status", fmt::format("must be 204 or 404, got {}", request.missing_tile_status));
    }
    const auto& url = request.public_url;
    if (!url.empty() && ((!url.starts_with("http://") && !url.starts_with("https://")) ||
                            url.find_first_of(" \t\"'<>\\") != std::string::npos)) {
        throw SettingError("public_url", "must be an http:// or https:// URL, got '" + url + "'");
    }
}

std::chrono::milliseconds milliseconds(double seconds)
{
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

std::vector<std::unique_ptr<Tileset>> open_tilesets(const Request& request, TileCache& cache, Diagnostics& diagnostics)
{
    std::vector<std::unique_ptr<Tileset>> tilesets;
    std::set<std::string> names;
    const TileResponseSettings settings{static_cast<unsigned>(request.missing_tile_status), request.tile_max_age_s};
    for (const auto& source : request.tilesets) {
        const std::string name = source.name.empty() ? default_tileset_name(source.path) : source.name;
        if (!is_valid_tileset_name(name)) {
            throw SettingError("tilesets", fmt::format("'{}' cannot name a tileset: use 1-64 letters, digits, '_' or '-', "
                "not one of health, catalog, data, lib, viewer, config, index (give NAME=FILE)", name));
        }
        if (!names.insert(name).second) {
            throw SettingError("tilesets", fmt::format("two archives are named '{}' (give NAME=FILE)", name));
        }
        auto tileset = std::make_unique<Tileset>(name, static_cast<std::uint32_t>(tilesets.size()),
            open_tile_source(source.path), cache, settings);
        if (tileset->info().format == TileFormat::mvt && tileset->vector_layers().empty()) {
            diagnostics.warn("no_vector_layers", SourcePos{source.path.string(), 0, 0},
                "the archive's metadata lists no vector_layers: its TileJSON has none and the viewer cannot style its layers");
        }
        tilesets.push_back(std::move(tileset));
    }
    return tilesets;
}

ViewerAssets viewer_assets(const Request& request, const std::vector<std::unique_ptr<Tileset>>& tilesets,
    bool has_data, Diagnostics& diagnostics)
{
    ViewerAssets assets;
    const auto viewer_dir = request.viewer_dir.empty() ? built_in_viewer_dir() : request.viewer_dir;
    std::error_code error;
    if (std::filesystem::is_regular_file(viewer_dir / "index.html", error)) {
        assets.files.emplace(viewer_dir, "viewer_dir");
    } else if (!request.viewer_dir.empty()) {
        throw SettingError("viewer_dir", "'" + viewer_dir.string() + "' has no index.html");
    } else {
        diagnostics.warn("no_viewer", SourcePos{viewer_dir.string(), 0, 0},
            "the viewer files are not there: / answers 404 (tiles, TileJSON and /data/ are served)");
    }
    const auto library_dir = request.library_dir.empty() ? built_in_library_dir() : request.library_dir;
    std::vector<std::string> missing;
    assets.libraries = find_libraries(library_dir, missing);
    if (!missing.empty() && assets.files) {
        diagnostics.warn("no_viewer_libraries", SourcePos{library_dir.string(), 0, 0},
            fmt::format("{} of the viewer's library files are missing (e.g. {}): run tools/setup.sh", missing.size(),
                missing.front()));
    }
    std::vector<const Tileset*> served;
    std::map<std::string, nlohmann::json> sources;
    for (const auto& tileset : tilesets) {
        served.push_back(tileset.get());
        sources.emplace(tileset->name(), nlohmann::json{{"tilejson", tileset->name() + ".json"}});
    }
    auto config = viewer_config_for(request, served, diagnostics);
    std::error_code ignored;
    const bool has_package = has_data && std::filesystem::is_regular_file(request.data_dir / "datapackage.json", ignored);
    attach_sources(config, sources, has_package ? "data/datapackage.json" : "",
        request.viewer_config.empty() ? std::string("the generated viewer config") : request.viewer_config.string());
    assets.config_json = config.dump(2);
    return assets;
}

} // namespace

nlohmann::json viewer_config_for(const Request& request, const std::vector<const Tileset*>& tilesets,
    Diagnostics& diagnostics)
{
    if (!request.viewer_config.empty()) {
        if (!request.classes_file.empty()) {
            throw SettingError("classes_file", "give either a viewer config or the atlas classes, not both "
                "(a viewer config holds its own classes)");
        }
        return read_viewer_config(request.viewer_config);
    }
    const auto package_path = request.data_dir / "datapackage.json";
    std::error_code ignored;
    const bool has_package = !request.data_dir.empty() && std::filesystem::is_regular_file(package_path, ignored);
    auto config = default_viewer_config(tilesets, has_package);
    bool atlas_title = false;
    if (!request.classes_file.empty()) {
        const auto classes = read_atlas_classes(request.classes_file);
        atlas_title = classes.contains("title");
        apply_atlas_classes(config, classes, tilesets, request.classes_file.string(), diagnostics);
    }
    if (has_package) {
        std::ifstream in(package_path, std::ios::binary);
        const auto package = nlohmann::json::parse(in, nullptr, false);
        if (package.is_object()) {
            attach_series(config, package);
            if (!atlas_title && package.contains("title") && package["title"].is_string()) {
                config["title"] = package["title"];
            }
        } else {
            diagnostics.warn("bad_datapackage", SourcePos{package_path.string(), 0, 0},
                "not a JSON object: the viewer shows no charts or cross-table");
        }
    }
    return config;
}

std::string default_tileset_name(const std::filesystem::path& path)
{
    std::string name = path.stem().string();
    for (char& c : name) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!allowed) {
            c = '_';
        }
    }
    return name;
}

Server::Server(const Request& request, Diagnostics& diagnostics)
{
    check_settings(request);
    m_cache = std::make_unique<TileCache>(static_cast<std::size_t>(request.cache_mb) << 20);
    auto tilesets = open_tilesets(request, *m_cache, diagnostics);
    for (const auto& tileset : tilesets) {
        TilesetSummary summary{tileset->name(), tileset->info().path, tileset->info().container, tileset->info().minzoom,
            tileset->info().maxzoom, {}};
        for (const auto& layer : tileset->vector_layers()) {
            summary.layers.push_back(layer["id"]);
        }
        m_summaries.push_back(std::move(summary));
    }
    std::optional<StaticRoot> data;
    if (!request.data_dir.empty()) {
        data.emplace(published_data_root(request.data_dir, "data_dir"));
    }
    auto assets = viewer_assets(request, tilesets, data.has_value(), diagnostics);
    m_has_viewer = assets.files.has_value();
    m_router = std::make_unique<Router>(std::move(tilesets), std::move(data), std::move(assets),
        RouterSettings{request.public_url.ends_with('/') ? request.public_url.substr(0, request.public_url.size() - 1)
                                                         : request.public_url});
    ServerSettings settings;
    settings.bind = request.bind;
    settings.port = static_cast<unsigned>(request.port);
    settings.threads = static_cast<unsigned>(request.threads);
    settings.read_timeout = milliseconds(request.read_timeout_s);
    settings.write_timeout = milliseconds(request.write_timeout_s);
    settings.max_connections = static_cast<std::size_t>(request.max_connections);
    m_http = std::make_unique<HttpServer>(*m_router, settings);
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(request.bind == "localhost" ? "127.0.0.1" : request.bind, error);
    if (!error && !address.is_loopback()) {
        diagnostics.warn("not_loopback", SourcePos{}, fmt::format("listening on {}: every machine that can reach this "
            "one can read the tiles and tables served", request.bind));
    }
}

Server::~Server() = default;

std::string Server::url() const
{
    return m_http->origin() + "/";
}

unsigned Server::port() const
{
    return m_http->port();
}

unsigned Server::threads() const
{
    return m_http->threads();
}

void Server::run(bool stop_on_signals)
{
    m_http->run(stop_on_signals);
}

void Server::stop()
{
    m_http->stop();
}

Outcome Server::outcome() const
{
    return Outcome{m_http->stats(), m_cache->stats()};
}

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress,
    const std::function<void(const Server&)>& on_listening)
{
    (void)progress;  // a server has no progress to show; kept for the stage shape
    Server server(request, diagnostics);
    if (on_listening) {
        on_listening(server);
    }
    server.run(true);
    return server.outcome();
}

} // namespace migratlas::serve
