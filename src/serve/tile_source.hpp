// A tile archive the server reads from: an MBTiles (SQLite) or PMTiles v3 file, behind one interface.
// The router asks a TileSource for stored tile bytes; caching and HTTP are the Tileset's business.
#pragma once

#include "serve/tile_address.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace migratlas::serve {

/// How stored tiles are compressed (the PMTiles header's TileCompression; MBTiles vector tiles are gzip by convention).
enum class TileCompression { unknown, none, gzip, brotli, zstd };

/// What the tiles are (the PMTiles header's TileType; the MBTiles `format` metadata).
enum class TileFormat { unknown, mvt, png, jpeg, webp, avif };

[[nodiscard]] std::string_view to_string(TileCompression compression);
/// "pbf" for vector tiles (the extension web maps use), "png", "jpg", "webp", "avif".
[[nodiscard]] std::string_view file_extension(TileFormat format);
[[nodiscard]] std::string_view content_type(TileFormat format);

/// What an archive says about itself, normalised across MBTiles and PMTiles.
struct TilesetInfo {
    std::filesystem::path path;
    std::string container;          ///< "mbtiles" or "pmtiles"
    TileFormat format = TileFormat::unknown;
    TileCompression compression = TileCompression::unknown;
    int minzoom = 0;
    int maxzoom = 0;
    std::optional<std::array<double, 4>> bounds;  ///< west, south, east, north (degrees)
    std::optional<std::array<double, 3>> center;  ///< lon, lat, zoom
    /// The archive's JSON metadata: name, description, attribution, version, vector_layers, ...
    /// (for MBTiles, the metadata table with its `json` row merged in).
    nlohmann::json metadata = nlohmann::json::object();
};

class TileSource {
public:
    TileSource() = default;
    virtual ~TileSource() = default;
    TileSource(const TileSource&) = delete;
    TileSource& operator=(const TileSource&) = delete;

    [[nodiscard]] virtual const TilesetInfo& info() const = 0;
    /// The tile's bytes as stored (compressed as info().compression says, or detected per tile),
    /// nullopt when the archive has no tile there. Safe to call from several threads at once.
    /// Throws DataError when the archive is corrupt at that tile.
    [[nodiscard]] virtual std::optional<std::string> read(const TileAddress& address) = 0;
};

/// Opens `path` as MBTiles or PMTiles, chosen by its first bytes (SQLite or PMTiles magic).
/// Throws InputError naming the file when it is missing, unreadable or neither format.
[[nodiscard]] std::unique_ptr<TileSource> open_tile_source(const std::filesystem::path& path);

} // namespace migratlas::serve
