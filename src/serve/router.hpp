// Maps one HTTP request to one response: tiles, TileJSON, the catalog, published tables under
// /data/, the viewer and its libraries, /health. Pure request → response, no sockets, so each
// route and each bad request has a unit test; the HTTP server only moves bytes.
#pragma once

#include "serve/http_message.hpp"
#include "serve/static_files.hpp"
#include "serve/tileset.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::serve {

/// The viewer: its own files (index.html, *.js, *.css) and the library files it loads from
/// node_modules, each under a fixed name in /lib/ (an allow-list: nothing else of node_modules is reachable).
struct ViewerAssets {
    std::optional<StaticRoot> files;
    std::map<std::string, std::filesystem::path> libraries;  ///< "maplibre-gl.js" -> .../maplibre-gl/dist/maplibre-gl.js
    std::string config_json;  ///< the viewer config served as /config.json (docs/serving.md)
};

struct RouterSettings {
    /// Base URL that TileJSON `tiles` URLs start with ("https://maps.example.org/atlas"); empty:
    /// taken from the request's Host header, or `fallback_origin` when that is missing or malformed.
    std::string public_url;
    std::string fallback_origin = "http://127.0.0.1:8080";
    int metadata_max_age_s = 60;  ///< Cache-Control of TileJSON, catalog, config and files
};

class Router {
public:
    Router(std::vector<std::unique_ptr<Tileset>> tilesets, std::optional<StaticRoot> data, ViewerAssets viewer,
        RouterSettings settings);

    [[nodiscard]] HttpResponse handle(const HttpRequest& request);

    /// Where the server listens, once bound (port 0 picks a free one).
    void set_fallback_origin(std::string origin) { m_settings.fallback_origin = std::move(origin); }
    [[nodiscard]] const std::vector<std::unique_ptr<Tileset>>& tilesets() const { return m_tilesets; }
    [[nodiscard]] Tileset* find_tileset(std::string_view name) const;
    /// The /catalog document (tilesets with their TileJSON URLs, the data package if any).
    [[nodiscard]] nlohmann::json catalog(const std::string& base_url) const;

private:
    [[nodiscard]] HttpResponse route(const HttpRequest& request, std::string_view path);
    [[nodiscard]] HttpResponse tile(const HttpRequest& request, Tileset& tileset, std::string_view rest);
    [[nodiscard]] HttpResponse tilejson(const HttpRequest& request, const Tileset& tileset) const;
    [[nodiscard]] HttpResponse file(const HttpRequest& request, const std::filesystem::path& path);
    [[nodiscard]] HttpResponse json_document(std::string body) const;
    [[nodiscard]] std::string base_url(const HttpRequest& request) const;

    std::vector<std::unique_ptr<Tileset>> m_tilesets;
    std::optional<StaticRoot> m_data;
    ViewerAssets m_viewer;
    RouterSettings m_settings;
    FileCache m_files;
};

/// True for names a tileset may have in URLs: 1-64 of [A-Za-z0-9_-], not a reserved route name.
[[nodiscard]] bool is_valid_tileset_name(std::string_view name);
/// Route names no tileset may take: health, catalog, data, lib, viewer, config, index.
[[nodiscard]] bool is_reserved_name(std::string_view name);

} // namespace migratlas::serve
