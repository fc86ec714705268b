#include "serve/router.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace migratlas::serve {

namespace {

constexpr std::string_view allowed_methods = "GET, HEAD, OPTIONS";

HttpResponse error(unsigned status, std::string_view message)
{
    auto response = HttpResponse::text(status, std::string(message) + "\n");
    response.add_header("Access-Control-Allow-Origin", "*");
    response.add_header("Cache-Control", "no-store");
    return response;
}

/// A Host header we may put into URLs: a DNS name or IPv4 address, or a bracketed IPv6
/// address, with an optional port. Anything else is ignored, so a request cannot make the
/// server write arbitrary text into the TileJSON it returns.
bool is_usable_host(std::string_view host)
{
    if (host.empty() || host.size() > 262) {
        return false;
    }
    return std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
            c == ':' || c == '[' || c == ']';
    });
}

/// Splits "a/b/c" at its first '/'.
std::pair<std::string_view, std::string_view> split_first(std::string_view path)
{
    const auto slash = path.find('/');
    if (slash == std::string_view::npos) {
        return {path, {}};
    }
    return {path.substr(0, slash), path.substr(slash + 1)};
}

} // namespace

bool is_reserved_name(std::string_view name)
{
    for (const std::string_view reserved : {"health", "catalog", "data", "lib", "viewer", "config", "index"}) {
        if (name == reserved) {
            return true;
        }
    }
    return false;
}

bool is_valid_tileset_name(std::string_view name)
{
    if (name.empty() || name.size() > 64 || is_reserved_name(name)) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

Router::Router(std::vector<std::unique_ptr<Tileset>> tilesets, std::optional<StaticRoot> data, ViewerAssets viewer,
    RouterSettings settings)
    : m_tilesets(std::move(tilesets)), m_data(std::move(data)), m_viewer(std::move(viewer)),
      m_settings(std::move(settings)), m_files(128U << 20)
{
}

Tileset* Router::find_tileset(std::string_view name) const
{
    for (const auto& tileset : m_tilesets) {
        if (tileset->name() == name) {
            return tileset.get();
        }
    }
    return nullptr;
}

HttpResponse Router::handle(const HttpRequest& request)
{
    std::string_view target = request.target;
    // Absolute-form targets ("http://host/path") are legal in HTTP/1.1 requests.
    if (target.starts_with("http://") || target.starts_with("https://")) {
        const auto authority = target.find("//") + 2;
        const auto slash = target.find('/', authority);
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    if (!target.starts_with('/')) {
        return error(400, "400 Bad Request: the request target must be a path");
    }
    const auto path = target.substr(0, target.find_first_of("?#"));
    if (request.method == "OPTIONS") {
        // CORS preflight: any origin may read tiles and tables with GET or HEAD.
        HttpResponse response(204);
        response.add_header("Access-Control-Allow-Origin", "*");
        response.add_header("Access-Control-Allow-Methods", allowed_methods);
        response.add_header("Access-Control-Allow-Headers", "If-None-Match, Accept-Encoding, Range, Content-Type");
        response.add_header("Access-Control-Max-Age", "86400");
        response.add_header("Allow", allowed_methods);
        return response;
    }
    if (request.method != "GET" && request.method != "HEAD") {
        auto response = error(405, "405 Method Not Allowed: only GET, HEAD and OPTIONS");
        response.add_header("Allow", allowed_methods);
        return response;
    }
    auto response = route(request, path);
    if (request.method == "HEAD") {
        response.omit_body();
    }
    return response;
}

HttpResponse Router::route(const HttpRequest& request, std::string_view path)
{
    if (path == "/" || path == "/index.html") {
        if (!m_viewer.files) {
            return error(404, "404 Not Found: this server has no viewer files");
        }
        const auto index = m_viewer.files->resolve("index.html");
        return index ? file(request, *index) : error(404, "404 Not Found: the viewer has no index.html");
    }
    if (path == "/health") {
        return json_document(nlohmann::json{{"status", "ok"}, {"tilesets", m_tilesets.size()}}.dump());
    }
    if (path == "/catalog") {
        return json_document(catalog(base_url(request)).dump(2));
    }
    if (path == "/config.json") {
        if (m_viewer.config_json.empty()) {
            return error(404, "404 Not Found: no viewer configuration");
        }
        return json_document(m_viewer.config_json);
    }
    const auto [first, rest] = split_first(path.substr(1));
    if (first == "data") {
        if (!m_data) {
            return error(404, "404 Not Found: this server publishes no tables (start it with --data DIR)");
        }
        const auto resolved = m_data->resolve(rest);
        return resolved ? file(request, *resolved) : error(404, "404 Not Found: no such published file");
    }
    if (first == "viewer") {
        const auto resolved = m_viewer.files ? m_viewer.files->resolve(rest) : std::nullopt;
        return resolved ? file(request, *resolved) : error(404, "404 Not Found: no such viewer file");
    }
    if (first == "lib") {
        const auto it = m_viewer.libraries.find(std::string(rest));
        return it != m_viewer.libraries.end() ? file(request, it->second)
                                              : error(404, "404 Not Found: no such library file");
    }
    if (rest.empty() && first.ends_with(".json")) {
        if (const auto* tileset = find_tileset(first.substr(0, first.size() - 5))) {
            return tilejson(request, *tileset);
        }
        return error(404, "404 Not Found: no such tileset");
    }
    if (auto* tileset = find_tileset(first); tileset != nullptr && !rest.empty()) {
        return tile(request, *tileset, rest);
    }
    return error(404, "404 Not Found");
}

HttpResponse Router::tile(const HttpRequest& request, Tileset& tileset, std::string_view rest)
{
    // rest = "z/x/y.ext"
    const auto [z, after_z] = split_first(rest);
    const auto [x, y_ext] = split_first(after_z);
    const auto dot = y_ext.rfind('.');
    if (z.empty() || x.empty() || dot == std::string_view::npos || y_ext.find('/') != std::string_view::npos) {
        return error(404, "404 Not Found: tiles are at /{tileset}/{z}/{x}/{y}." + std::string(tileset.extension()));
    }
    const auto extension = y_ext.substr(dot + 1);
    const bool vector_alias = tileset.info().format == TileFormat::mvt && extension == "mvt";
    if (extension != tileset.extension() && !vector_alias) {
        return error(404, "404 Not Found: this tileset's tiles end in ." + std::string(tileset.extension()));
    }
    const auto address = parse_tile_address(z, x, y_ext.substr(0, dot));
    if (!address) {
        return error(400, "400 Bad Request: z, x and y must be integers with 0 <= x, y < 2^z and z <= 30");
    }
    const auto& info = tileset.info();
    if (address->z < info.minzoom || address->z > info.maxzoom) {
        return error(404, fmt::format("404 Not Found: zoom {} is outside this tileset's zooms {}-{}", address->z,
            info.minzoom, info.maxzoom));
    }
    std::shared_ptr<const PreparedTile> prepared;
    try {
        prepared = tileset.tile(*address, accepts_gzip(request.accept_encoding));
    } catch (const Error& failure) {
        // A corrupt tile in the archive: this request fails, the server goes on.
        return error(500, fmt::format("500 Internal Server Error: {}", failure.what()));
    }
    HttpResponse response(prepared->present ? 200U : tileset.missing_status());
    if (prepared->present && !request.if_none_match.empty() && etag_matches(request.if_none_match, prepared->etag)) {
        response.set_status(304);
        response.add_header("ETag", prepared->etag);
        response.add_header("Cache-Control", tileset.cache_control());
        response.add_header("Vary", "Accept-Encoding");
        response.add_header("Access-Control-Allow-Origin", "*");
        return response;
    }
    response.set_shared_headers(prepared, prepared->headers, true);
    response.set_shared_body(prepared, prepared->body);
    return response;
}

HttpResponse Router::tilejson(const HttpRequest& request, const Tileset& tileset) const
{
    auto document = tileset.tilejson();
    document["tiles"] = nlohmann::json::array(
        {fmt::format("{}/{}/{{z}}/{{x}}/{{y}}.{}", base_url(request), tileset.name(), tileset.extension())});
    return json_document(document.dump(2));
}

nlohmann::json Router::catalog(const std::string& base) const
{
    nlohmann::json tilesets = nlohmann::json::array();
    for (const auto& tileset : m_tilesets) {
        const auto& info = tileset->info();
        nlohmann::json layers = nlohmann::json::array();
        for (const auto& layer : tileset->vector_layers()) {
            layers.push_back(layer["id"]);
        }
        nlohmann::json entry = {
            {"name", tileset->name()},
            {"tilejson", fmt::format("{}/{}.json", base, tileset->name())},
            {"container", info.container},
            {"file", info.path.filename().string()},
            {"format", std::string(tileset->extension())},
            {"minzoom", info.minzoom},
            {"maxzoom", info.maxzoom},
            {"vector_layers", std::move(layers)},
        };
        if (info.bounds) {
            entry["bounds"] = *info.bounds;
        }
        tilesets.push_back(std::move(entry));
    }
    nlohmann::json document = {{"tilesets", std::move(tilesets)}, {"viewer", base + "/"}};
    if (m_data) {
        std::error_code ignored;
        const bool has_package = std::filesystem::is_regular_file(m_data->directory() / "datapackage.json", ignored);
        document["data"] = has_package ? nlohmann::json(base + "/data/datapackage.json") : nlohmann::json(base + "/data/");
    }
    return document;
}

HttpResponse Router::file(const HttpRequest& request, const std::filesystem::path& path)
{
    const auto file = m_files.get(path);
    if (!file) {
        return error(404, "404 Not Found: the file cannot be read");
    }
    const bool gzip = !file->gzip_bytes.empty() && accepts_gzip(request.accept_encoding);
    const auto& etag = gzip ? file->gzip_etag : file->etag;
    const auto cache_control = fmt::format("public, max-age={}, must-revalidate", m_settings.metadata_max_age_s);
    if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
        HttpResponse response(304);
        response.add_header("ETag", etag);
        response.add_header("Cache-Control", cache_control);
        response.add_header("Access-Control-Allow-Origin", "*");
        return response;
    }
    HttpResponse response(200);
    response.add_header("Content-Type", file->content_type);
    if (gzip) {
        response.add_header("Content-Encoding", "gzip");
    }
    if (!file->gzip_bytes.empty()) {
        response.add_header("Vary", "Accept-Encoding");
    }
    response.add_header("ETag", etag);
    response.add_header("Cache-Control", cache_control);
    response.add_header("Access-Control-Allow-Origin", "*");
    response.add_header("X-Content-Type-Options", "nosniff");
    response.set_shared_body(file, gzip ? file->gzip_bytes : file->bytes);
    return response;
}

HttpResponse Router::json_document(std::string body) const
{
    auto response = HttpResponse::json(200, std::move(body));
    response.add_header("Cache-Control", fmt::format("public, max-age={}", m_settings.metadata_max_age_s));
    response.add_header("Access-Control-Allow-Origin", "*");
    return response;
}

std::string Router::base_url(const HttpRequest& request) const
{
    if (!m_settings.public_url.empty()) {
        return m_settings.public_url;
    }
    if (is_usable_host(request.host)) {
        return "http://" + std::string(request.host);
    }
    return m_settings.fallback_origin;
}

} // namespace migratlas::serve
