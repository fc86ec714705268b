// The export stage (`migratlas export`): products leave the workspace only through the disclosure
// gate (disclose::run) and are written as CSV, GeoJSON, GeoPackage, SDMX-CSV or PostGIS tables,
// each with a Frictionless datapackage.json. A publishing stage: it never links the workspace.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "disclose/gate.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::publish {

enum class Format { csv, geojson, gpkg, sdmx_csv, pg };

/// The format called `text` ("csv", "geojson", "gpkg", "sdmx-csv", "pg"); SettingError("format")
/// naming the known ones otherwise.
[[nodiscard]] Format parse_format(std::string_view text);
[[nodiscard]] std::string_view to_string(Format format);

struct Request {
    /// Workspace, products (the layers to export) and disclosure rules.
    disclose::Request gate;
    Format format = Format::csv;
    /// A folder for csv, geojson, gpkg and sdmx-csv (created or replaced as a whole); a PG:
    /// connection string for pg (setting `target`).
    std::string target;
};

struct Outcome {
    std::vector<disclose::ProductReport> reports;
    std::vector<std::filesystem::path> files;  ///< written files (empty for pg)
    std::string target_label;                  ///< the target as shown (PG passwords masked)
    std::size_t rows = 0;
};

/// Protects the requested products and writes them with their metadata. Nothing is written
/// unless everything succeeds: folders are built beside the target and renamed over it; PostGIS
/// tables are written in one transaction.
Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::publish
