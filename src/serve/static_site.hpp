// The viewer as static files: index.html, its scripts and libraries, config.json, the PMTiles
// archives and the published tables in one folder that any static host (HTTP range requests)
// can serve; the viewer then reads the tiles with the pmtiles protocol. Written all or nothing.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "serve/serve_run.hpp"

#include <cstdint>
#include <filesystem>

namespace migratlas::serve {

struct StaticSiteOutcome {
    std::filesystem::path directory;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
};

/// Writes the static site of `request` (its tilesets, data_dir, viewer_config, viewer_dir and
/// library_dir; server settings are ignored) into `directory`. Every tileset must be PMTiles
/// (SettingError "tilesets" otherwise: a static host cannot answer z/x/y from an MBTiles).
/// `directory` must be new, empty, or an earlier static site, which is replaced only once the
/// new one is complete (SettingError "static_dir" otherwise).
StaticSiteOutcome write_static_site(const Request& request, const std::filesystem::path& directory,
    Diagnostics& diagnostics, Progress& progress);

/// The file that marks a folder as written by write_static_site (so that only those are replaced).
inline constexpr const char* static_site_marker = ".migratlas-static-site";

} // namespace migratlas::serve
