// Reading what an export published, as the audit sees it: the datapackage.json descriptors found
// at the paths given, and every tabular resource they describe (CSV, SDMX-CSV, GeoJSON, GeoPackage
// layers, PostGIS tables) as rows of text. Uses no workspace and nothing but the published bytes.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::disclose {

/// One published table, its values as text (NULL = nullopt) and the resource's descriptor.
struct PublishedTable {
    std::string name;       ///< resource name (the product)
    std::string where;      ///< file (and layer) or table, for messages
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    nlohmann::json resource;  ///< the resource entry of datapackage.json
    [[nodiscard]] std::optional<std::size_t> column(const std::string& wanted) const;
};

/// What the audit reads at its paths.
struct PublishedSet {
    std::vector<PublishedTable> tables;
    std::vector<std::filesystem::path> files;  ///< every file under the paths (scanned byte by byte)
    std::vector<std::string> database_text;    ///< PostGIS: every table's text, for the byte scan
    std::vector<std::string> notes;            ///< resources read only as bytes (tiles, viewer data)
};

/// Reads `paths` (folders, files inside an export folder, or PG: connection strings). InputError
/// when a path has no datapackage.json beside it ("metadata-less"), or a resource cannot be read.
[[nodiscard]] PublishedSet read_published(const std::vector<std::string>& paths);

} // namespace migratlas::disclose
