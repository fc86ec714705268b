// PMTiles v3 directories: the 127-byte header and the varint-coded, columnar entry lists of the
// root and leaf directories (spec/v3/spec.md of protomaps/PMTiles). Pure decoding, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace migratlas::pmtiles {

inline constexpr std::size_t header_bytes = 127;

/// Compression enums as the header stores them.
enum class Compression : std::uint8_t { unknown = 0, none = 1, gzip = 2, brotli = 3, zstd = 4 };
enum class TileType : std::uint8_t { unknown = 0, mvt = 1, png = 2, jpeg = 3, webp = 4, avif = 5 };

struct Header {
    std::uint64_t root_offset = 0;
    std::uint64_t root_length = 0;
    std::uint64_t metadata_offset = 0;
    std::uint64_t metadata_length = 0;
    std::uint64_t leaf_offset = 0;
    std::uint64_t leaf_length = 0;
    std::uint64_t tile_data_offset = 0;
    std::uint64_t tile_data_length = 0;
    std::uint64_t addressed_tiles = 0;
    std::uint64_t tile_entries = 0;
    std::uint64_t tile_contents = 0;
    bool clustered = false;
    Compression internal_compression = Compression::unknown;
    Compression tile_compression = Compression::unknown;
    TileType tile_type = TileType::unknown;
    int min_zoom = 0;
    int max_zoom = 0;
    double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;  ///< degrees (stored as 1e-7 degrees)
    int center_zoom = 0;
    double center_lon = 0, center_lat = 0;
};

/// Parses the fixed header. Throws DataError when the magic or version is wrong or it is short.
[[nodiscard]] Header parse_header(std::string_view bytes);

struct Entry {
    std::uint64_t tile_id = 0;
    std::uint64_t offset = 0;   ///< from the tile data section (tiles) or the leaf section (leaves)
    std::uint32_t length = 0;
    std::uint32_t run_length = 0;  ///< 0: the entry is a leaf directory starting at tile_id

    friend bool operator==(const Entry&, const Entry&) = default;
};

/// Decodes one uncompressed directory. Throws DataError when it is truncated, has trailing
/// bytes, is empty, or breaks the spec's rules (ascending ids, non-zero lengths).
[[nodiscard]] std::vector<Entry> decode_directory(std::string_view bytes);

/// A tile's place in the XYZ scheme (row 0 at the north edge).
struct TileZxy {
    int z = 0;
    std::uint32_t x = 0;
    std::uint32_t y = 0;
};

/// The tile a v3 tile id addresses (the tiles of all lower zooms, then the Hilbert curve of zoom
/// z). nullopt for ids beyond zoom 30.
[[nodiscard]] std::optional<TileZxy> tile_zxy(std::uint64_t tile_id);

/// The entry that holds `tile_id`: a tile entry whose run covers it, or the leaf directory whose
/// range contains it. nullopt when the directory has neither.
[[nodiscard]] std::optional<Entry> find_entry(const std::vector<Entry>& entries, std::uint64_t tile_id);

} // namespace migratlas::pmtiles
