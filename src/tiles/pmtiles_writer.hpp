// PMTiles v3 output: tiles addressed by Hilbert tile id, tile data clustered in id order with each
// distinct tile stored once, run-length entries for repeated tiles, leaf directories when the root
// would not fit the first 16 KiB, gzip-compressed directories and JSON metadata. The stage writes
// it under a temporary name and renames it only when the whole run succeeded.
#pragma once

#include "tiles/tile_store.hpp"
#include "tiles/tileset_metadata.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::tiles {

/// The PMTiles v3 tile id: tiles of lower zooms first, then the position on zoom z's Hilbert curve.
[[nodiscard]] std::uint64_t pmtiles_tile_id(int zoom, std::uint32_t x, std::uint32_t y);

struct PmtilesEntry {
    std::uint64_t tile_id = 0;
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
    std::uint32_t run_length = 0; ///< 0: the entry points at a leaf directory
};

/// A directory serialised as the v3 specification says (varints, columns, offsets as 0 when
/// contiguous), before compression.
[[nodiscard]] std::string serialize_directory(const std::vector<PmtilesEntry>& entries);

struct PmtilesSummary {
    std::uint64_t file_bytes = 0;
    std::uint64_t addressed_tiles = 0;
    std::uint64_t tile_entries = 0;
    std::uint64_t tile_contents = 0;
    std::uint64_t leaf_directories = 0;
};

PmtilesSummary write_pmtiles(const std::filesystem::path& path, const TileStore& store, const TilesetMetadata& metadata);

} // namespace migratlas::tiles
