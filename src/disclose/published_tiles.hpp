// Reading what a tileset published, as the audit sees it: every tile of an MBTiles or PMTiles v3
// archive decoded (gzip, MVT), every feature's attributes, and the gate's description of each
// vector layer from the tileset metadata (`migratlas.layers`, written by `migratlas tiles`). Each
// vector layer becomes one PublishedTable (a feature repeated across tiles and zooms counted once)
// that the audit treats like an exported table. Uses nothing but the published bytes.
#pragma once

#include "disclose/published_files.hpp"

#include <filesystem>

namespace migratlas::disclose {

/// True for the file names a tileset has (.mbtiles, .pmtiles).
[[nodiscard]] bool is_tileset(const std::filesystem::path& path);

/// Reads the tileset at `path` into `set`: one table per vector layer, the text of every decoded
/// attribute key and value and of the metadata for the byte scan, and the findings only a tile
/// shows (a count below the threshold in a tile or cluster, named by layer, z/x/y and feature; a
/// feature whose values differ between tiles). InputError when the file is not a tileset, a tile
/// cannot be decoded, or the metadata lacks the gate's description of a layer ("cannot be audited").
void read_tileset(const std::filesystem::path& path, const TileChecks& checks, PublishedSet& set);

} // namespace migratlas::disclose
