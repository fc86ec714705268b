// One served tileset: a tile archive under a URL name, its TileJSON description and its tiles as
// ready-to-send responses (gzip passed through or inflated for clients that do not accept it),
// cached in the shared TileCache.
#pragma once

#include "serve/tile_cache.hpp"
#include "serve/tile_source.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace migratlas::serve {

struct TileResponseSettings {
    unsigned missing_tile_status = 204;  ///< answer for a valid address inside the zoom range with no tile (204 or 404)
    int tile_max_age_s = 3600;           ///< Cache-Control max-age of tiles and missing-tile answers
};

class Tileset {
public:
    Tileset(std::string name, std::uint32_t index, std::unique_ptr<TileSource> source, TileCache& cache,
        TileResponseSettings settings);

    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] const TilesetInfo& info() const { return m_source->info(); }
    /// The URL extension of its tiles ("pbf" for vector tiles).
    [[nodiscard]] std::string_view extension() const { return file_extension(info().format); }
    /// TileJSON 3.0.0 without the `tiles` member (the router adds the URL it was asked through).
    [[nodiscard]] const nlohmann::json& tilejson() const { return m_tilejson; }
    /// The archive's vector_layers; empty when its metadata has none.
    [[nodiscard]] const nlohmann::json& vector_layers() const { return m_tilejson["vector_layers"]; }
    [[nodiscard]] unsigned missing_status() const { return m_settings.missing_tile_status; }
    /// Cache-Control value of its tiles ("public, max-age=3600").
    [[nodiscard]] const std::string& cache_control() const { return m_cache_control; }

    /// The tile at `address` (valid and inside the zoom range) in gzip when `gzip`, identity
    /// otherwise; a `present == false` answer when the archive has no tile there. Never null.
    [[nodiscard]] std::shared_ptr<const PreparedTile> tile(const TileAddress& address, bool gzip);

private:
    [[nodiscard]] std::shared_ptr<const PreparedTile> prepare(const TileAddress& address, bool gzip);
    [[nodiscard]] std::shared_ptr<const PreparedTile> missing() const { return m_missing; }

    std::string m_name;
    std::uint32_t m_index;
    std::unique_ptr<TileSource> m_source;
    TileCache& m_cache;
    TileResponseSettings m_settings;
    std::string m_cache_control;
    nlohmann::json m_tilejson;
    std::shared_ptr<const PreparedTile> m_missing;
};

/// TileJSON 3.0.0 of an archive (no `tiles`): name, description, attribution, version, scheme,
/// minzoom, maxzoom, bounds, center and vector_layers with their fields.
[[nodiscard]] nlohmann::json make_tilejson(const std::string& name, const TilesetInfo& info);

/// 64-bit FNV-1a of `bytes` as 16 hex digits: the tag part of a tile's ETag.
[[nodiscard]] std::string content_hash(std::string_view bytes);

} // namespace migratlas::serve
