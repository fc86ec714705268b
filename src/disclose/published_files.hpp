// Reading what an export published, as the audit sees it: the datapackage.json descriptors found
// at the paths given, and every tabular resource they describe (CSV, SDMX-CSV, GeoJSON, GeoPackage
// layers, PostGIS tables) as rows of text. Uses no workspace and nothing but the published bytes.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

namespace migratlas::disclose {

/// One published table, its values as text (NULL = nullopt) and the resource's descriptor.
struct PublishedTable {
    std::string name;       ///< resource name (the product)
    std::string where;      ///< file (and layer) or table, for messages
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    nlohmann::json resource;  ///< the resource entry of datapackage.json (for tiles: the gate's description)
    /// Its counts were checked against the threshold where they were read (tiles: per tile, so a
    /// finding names the tile), not row by row.
    bool counts_checked = false;
    [[nodiscard]] std::optional<std::size_t> column(const std::string& wanted) const;
};

/// A finding made while reading (tiles: a count below the threshold in one tile).
struct ReadFinding {
    std::string kind;
    std::string where;
    std::string message;
};

/// What the reader checks as it decodes tiles.
struct TileChecks {
    std::optional<std::int64_t> threshold;  ///< overrides the threshold the metadata states
    /// Called with decoded text (attribute keys and values of a tile, the metadata) for the byte
    /// scan, with the file and the part of it ("tile 6/32/31"); may be empty.
    std::function<void(const std::string& file, const std::string& part, std::string_view text)> scan;
};

/// What the audit reads at its paths.
struct PublishedSet {
    std::vector<PublishedTable> tables;
    std::vector<std::filesystem::path> files;  ///< every file under the paths (scanned byte by byte)
    std::vector<std::string> database_text;    ///< PostGIS: every table's text, for the byte scan
    std::vector<std::string> notes;            ///< resources read only as bytes
    std::vector<ReadFinding> findings;         ///< found while reading (tiles)
    std::size_t tilesets = 0;
    std::size_t tiles = 0;                     ///< tiles decoded (each stored tile once)
};

/// Reads `paths` (export folders, files inside one, tilesets (.mbtiles, .pmtiles) or folders holding
/// them, PG: connection strings). InputError when a path has neither a datapackage.json beside it
/// nor a tileset ("metadata-less"), or a resource or tileset cannot be read.
[[nodiscard]] PublishedSet read_published(const std::vector<std::string>& paths, const TileChecks& checks = {});

} // namespace migratlas::disclose
