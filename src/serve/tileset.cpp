#include "serve/tileset.hpp"

#include "serve/gzip.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

namespace migratlas::serve {

namespace {

/// A tile that inflates beyond this is refused: no real vector tile comes near it (the tiler caps
/// tiles at 500 kB compressed), and the cap keeps a hostile archive from exhausting memory.
constexpr std::size_t max_tile_bytes = 64U << 20;

std::string text_or(const nlohmann::json& metadata, const char* key, std::string fallback = {})
{
    const auto it = metadata.find(key);
    return it != metadata.end() && it->is_string() ? it->get<std::string>() : fallback;
}

} // namespace

std::string content_hash(std::string_view bytes)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return fmt::format("{:016x}", hash);
}

nlohmann::json make_tilejson(const std::string& name, const TilesetInfo& info)
{
    const auto& metadata = info.metadata;
    nlohmann::json tilejson = {
        {"tilejson", "3.0.0"},
        {"name", text_or(metadata, "name", name)},
        {"scheme", "xyz"},
        {"minzoom", info.minzoom},
        {"maxzoom", info.maxzoom},
    };
    for (const char* key : {"description", "attribution", "version"}) {
        if (auto text = text_or(metadata, key); !text.empty()) {
            tilejson[key] = text;
        }
    }
    if (info.bounds) {
        tilejson["bounds"] = *info.bounds;
    }
    if (info.center) {
        tilejson["center"] = *info.center;
    }
    nlohmann::json layers = nlohmann::json::array();
    if (const auto it = metadata.find("vector_layers"); it != metadata.end() && it->is_array()) {
        for (const auto& layer : *it) {
            if (!layer.is_object() || !layer.contains("id") || !layer["id"].is_string()) {
                continue;
            }
            nlohmann::json entry = {{"id", layer["id"]}, {"fields", nlohmann::json::object()}};
            if (layer.contains("fields") && layer["fields"].is_object()) {
                for (const auto& [field, type] : layer["fields"].items()) {
                    // TileJSON 3.0: field values are descriptions (strings); writers put types there.
                    entry["fields"][field] = type.is_string() ? type.get<std::string>() : type.dump();
                }
            }
            for (const char* key : {"description", "minzoom", "maxzoom"}) {
                if (layer.contains(key)) {
                    entry[key] = layer[key];
                }
            }
            layers.push_back(std::move(entry));
        }
    }
    tilejson["vector_layers"] = std::move(layers);
    return tilejson;
}

Tileset::Tileset(std::string name, std::uint32_t index, std::unique_ptr<TileSource> source, TileCache& cache,
    TileResponseSettings settings)
    : m_name(std::move(name)), m_index(index), m_source(std::move(source)), m_cache(cache), m_settings(settings),
      m_cache_control(fmt::format("public, max-age={}", settings.tile_max_age_s)),
      m_tilejson(make_tilejson(m_name, m_source->info()))
{
    const auto compression = m_source->info().compression;
    if (compression == TileCompression::brotli || compression == TileCompression::zstd) {
        throw InputError(m_source->info().path.string() + ": tiles are compressed with " +
            std::string(to_string(compression)) + ", which this server cannot re-encode (use gzip or none)");
    }
    auto missing = std::make_shared<PreparedTile>();
    missing->headers = fmt::format("Cache-Control: {}\r\nAccess-Control-Allow-Origin: *\r\n", m_cache_control);
    if (m_settings.missing_tile_status != 204) {
        missing->headers += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 0\r\n";
    }
    m_missing = std::move(missing);
}

std::shared_ptr<const PreparedTile> Tileset::tile(const TileAddress& address, bool gzip)
{
    if (info().format != TileFormat::mvt && info().format != TileFormat::unknown) {
        gzip = false;  // images are compressed already: sent as stored
    }
    const TileKey key{m_index, tile_id(address), gzip};
    if (auto cached = m_cache.find(key)) {
        return cached;
    }
    auto prepared = prepare(address, gzip);
    m_cache.insert(key, prepared);
    return prepared;
}

std::shared_ptr<const PreparedTile> Tileset::prepare(const TileAddress& address, bool gzip)
{
    auto stored = m_source->read(address);
    if (!stored) {
        return missing();
    }
    auto tile = std::make_shared<PreparedTile>();
    tile->present = true;
    const bool stored_gzip = is_gzip(*stored);
    const std::string hash = content_hash(*stored);
    const std::string where = fmt::format("{}: tile {}/{}/{}", m_source->info().path.string(), address.z, address.x, address.y);
    if (gzip == stored_gzip) {
        tile->body = std::move(*stored);
    } else if (stored_gzip) {
        tile->body = gzip_decompress(*stored, where, max_tile_bytes);
    } else {
        tile->body = gzip_compress(*stored);
    }
    tile->gzip = gzip;
    tile->etag = fmt::format("\"{}-{}\"", hash, gzip ? "gz" : "id");
    tile->headers = fmt::format(
        "Content-Type: {}\r\n{}Content-Length: {}\r\nETag: {}\r\nCache-Control: {}\r\nVary: Accept-Encoding\r\n"
        "Access-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: ETag\r\n",
        content_type(info().format), gzip ? "Content-Encoding: gzip\r\n" : "", tile->body.size(), tile->etag,
        m_cache_control);
    return tile;
}

} // namespace migratlas::serve
