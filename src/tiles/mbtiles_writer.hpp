// MBTiles 1.3 output: the map/images schema (each distinct tile stored once, a `tiles` view for
// readers), gzipped MVT, metadata with the vector_layers JSON, all in one transaction. The stage
// writes it under a temporary name and renames it only when the whole run succeeded.
#pragma once

#include "tiles/tile_store.hpp"
#include "tiles/tileset_metadata.hpp"

#include <filesystem>

namespace migratlas::tiles {

/// Creates `path` (replacing a file there) and returns its size in bytes.
std::uint64_t write_mbtiles(const std::filesystem::path& path, const TileStore& store, const TilesetMetadata& metadata);

} // namespace migratlas::tiles
