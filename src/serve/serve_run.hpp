// The serve stage: `migratlas serve` as a library call. A Request names the tile archives, the
// published tables and the server settings; run() serves them over HTTP until stopped (SIGINT or
// SIGTERM) and returns what it served. Publishing stage: it reads only published files.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "serve/http_server.hpp"
#include "serve/tile_cache.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace migratlas::serve {

/// One tile archive to serve, under `name` (empty: the file's stem).
struct TilesetSource {
    std::string name;
    std::filesystem::path path;
};

struct Request {
    std::vector<TilesetSource> tilesets;       ///< setting "tilesets": at least one
    std::filesystem::path data_dir;            ///< setting "data_dir": published tables, served under /data/ (empty: none)
    std::string bind = "127.0.0.1";            ///< setting "bind": loopback unless told otherwise
    int port = 8080;                           ///< setting "port": 0-65535, 0 = any free port
    int threads = 0;                           ///< setting "threads": 0 = one per core, at most 256
    std::filesystem::path viewer_dir;          ///< setting "viewer_dir": empty = the viewer built with migratlas
    std::filesystem::path library_dir;         ///< setting "library_dir": node_modules holding the viewer's libraries (empty = built-in)
    std::filesystem::path viewer_config;       ///< setting "viewer_config": a viewer config file (empty = generated)
    std::filesystem::path classes_file;        ///< setting "classes_file": the atlas's classes.json, styling the generated config
    std::string public_url;                    ///< setting "public_url": base URL in TileJSON (empty = from the Host header)
    int cache_mb = 256;                        ///< setting "cache_mb": hot-tile cache size, 0-65536
    int missing_tile_status = 204;             ///< setting "missing_tile_status": 204 or 404
    int tile_max_age_s = 3600;                 ///< setting "tile_max_age_s": Cache-Control max-age of tiles
    double read_timeout_s = 20;                ///< setting "read_timeout_s": idle or slow clients are closed after this
    double write_timeout_s = 30;               ///< setting "write_timeout_s"
    int max_connections = 4096;                ///< setting "max_connections"
};

struct TilesetSummary {
    std::string name;
    std::filesystem::path path;
    std::string container;
    int minzoom = 0;
    int maxzoom = 0;
    std::vector<std::string> layers;
};

struct Outcome {
    ServerStats server;
    TileCacheStats cache;
};

/// A configured server, listening, not yet serving: what run() builds before it blocks. Tests
/// use it directly to serve in a thread of their own.
class Server {
public:
    /// Checks the settings (SettingError naming the setting), opens every archive (InputError
    /// naming the file), reads the viewer config and binds the port.
    Server(const Request& request, Diagnostics& diagnostics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// "http://127.0.0.1:8080/".
    [[nodiscard]] std::string url() const;
    [[nodiscard]] unsigned port() const;
    [[nodiscard]] unsigned threads() const;
    [[nodiscard]] const std::vector<TilesetSummary>& tilesets() const { return m_summaries; }
    [[nodiscard]] bool has_viewer() const { return m_has_viewer; }

    void run(bool stop_on_signals);
    void stop();
    [[nodiscard]] Outcome outcome() const;

private:
    std::unique_ptr<TileCache> m_cache;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<HttpServer> m_http;
    std::vector<TilesetSummary> m_summaries;
    bool m_has_viewer = false;
};

/// Serves until SIGINT or SIGTERM. `on_listening` runs once the port is bound (the CLI prints
/// the URL there).
Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress,
    const std::function<void(const Server&)>& on_listening = {});

class Tileset;

/// The viewer config of `request` before its sources are attached: the config file, or one
/// generated from the tilesets' vector layers, styled by the atlas classes file when given, with
/// the published tables' monthly series. SettingError when both a config file and a classes
/// file are given.
[[nodiscard]] nlohmann::json viewer_config_for(const Request& request, const std::vector<const Tileset*>& tilesets,
    Diagnostics& diagnostics);

/// The URL name of an archive given without NAME=: its file stem with characters other than
/// [A-Za-z0-9_-] replaced by '_'.
[[nodiscard]] std::string default_tileset_name(const std::filesystem::path& path);

} // namespace migratlas::serve
