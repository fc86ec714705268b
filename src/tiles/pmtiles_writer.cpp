#include "tiles/pmtiles_writer.hpp"

#include "common/error.hpp"
#include "tiles/gzip.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace migratlas::tiles {

namespace {

constexpr std::size_t header_bytes = 127;
constexpr std::size_t first_fetch_bytes = 16384;
constexpr std::uint8_t compression_gzip = 2;
constexpr std::uint8_t tile_type_mvt = 1;

void put_varint(std::string& out, std::uint64_t value)
{
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

void put_le(std::string& out, std::uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    }
}

std::int32_t e7(double degrees)
{
    return static_cast<std::int32_t>(std::llround(degrees * 1e7));
}

struct Layout {
    std::string root;      ///< compressed
    std::string leaves;    ///< compressed leaf directories, concatenated
    std::uint64_t leaf_count = 0;
};

/// Root and leaf directories: everything in the root when it fits the first fetch with the header,
/// otherwise leaves of `leaf_size` entries, doubling until the root of leaf pointers fits.
Layout lay_out(const std::vector<PmtilesEntry>& entries)
{
    Layout layout;
    layout.root = gzip(serialize_directory(entries), 9);
    if (header_bytes + layout.root.size() <= first_fetch_bytes) {
        return layout;
    }
    for (std::size_t leaf_size = 4096;; leaf_size *= 2) {
        std::vector<PmtilesEntry> root;
        layout.leaves.clear();
        layout.leaf_count = 0;
        for (std::size_t first = 0; first < entries.size(); first += leaf_size) {
            const std::size_t last = std::min(entries.size(), first + leaf_size);
            const std::vector<PmtilesEntry> leaf(entries.begin() + static_cast<std::ptrdiff_t>(first),
                entries.begin() + static_cast<std::ptrdiff_t>(last));
            const std::string compressed = gzip(serialize_directory(leaf), 9);
            root.push_back(PmtilesEntry{leaf.front().tile_id, layout.leaves.size(),
                static_cast<std::uint32_t>(compressed.size()), 0});
            layout.leaves += compressed;
            ++layout.leaf_count;
        }
        layout.root = gzip(serialize_directory(root), 9);
        if (header_bytes + layout.root.size() <= first_fetch_bytes) {
            return layout;
        }
    }
}

} // namespace

std::uint64_t pmtiles_tile_id(int zoom, std::uint32_t x, std::uint32_t y)
{
    // Tiles of zooms below z: (4^z - 1) / 3.
    std::uint64_t id = ((std::uint64_t{1} << (2 * zoom)) - 1) / 3;
    std::uint64_t rx = 0;
    std::uint64_t ry = 0;
    std::uint64_t px = x;
    std::uint64_t py = y;
    const std::uint64_t n = std::uint64_t{1} << zoom;
    for (std::uint64_t s = n / 2; s > 0; s /= 2) {
        rx = (px & s) > 0 ? 1 : 0;
        ry = (py & s) > 0 ? 1 : 0;
        id += s * s * ((3 * rx) ^ ry);
        // Rotate the quadrant so the curve stays continuous.
        if (ry == 0) {
            if (rx == 1) {
                px = s - 1 - (px & (s - 1));
                py = s - 1 - (py & (s - 1));
            }
            std::swap(px, py);
        }
    }
    return id;
}

std::string serialize_directory(const std::vector<PmtilesEntry>& entries)
{
    std::string out;
    put_varint(out, entries.size());
    std::uint64_t last_id = 0;
    for (const PmtilesEntry& e : entries) {
        put_varint(out, e.tile_id - last_id);
        last_id = e.tile_id;
    }
    for (const PmtilesEntry& e : entries) {
        put_varint(out, e.run_length);
    }
    for (const PmtilesEntry& e : entries) {
        put_varint(out, e.length);
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const bool contiguous = i > 0 && entries[i].offset == entries[i - 1].offset + entries[i - 1].length;
        put_varint(out, contiguous ? 0 : entries[i].offset + 1);
    }
    return out;
}

PmtilesSummary write_pmtiles(const std::filesystem::path& path, const TileStore& store, const TilesetMetadata& metadata)
{
    struct Addressed {
        std::uint64_t tile_id;
        std::uint32_t blob;
    };
    std::vector<Addressed> tiles;
    tiles.reserve(store.entries().size());
    for (const TileStore::Entry& e : store.entries()) {
        tiles.push_back(Addressed{pmtiles_tile_id(e.zoom, e.x, e.y), e.blob});
    }
    std::sort(tiles.begin(), tiles.end(), [](const Addressed& a, const Addressed& b) { return a.tile_id < b.tile_id; });

    // Clustered: blobs laid out in the order of their first tile id; repeats point back.
    constexpr std::uint64_t unplaced = ~std::uint64_t{0};
    std::vector<std::uint64_t> blob_offset(store.blob_count(), unplaced);
    std::vector<std::uint32_t> blob_order;
    std::uint64_t data_bytes = 0;
    std::vector<PmtilesEntry> entries;
    PmtilesSummary summary;
    for (const Addressed& tile : tiles) {
        if (blob_offset[tile.blob] == unplaced) {
            blob_offset[tile.blob] = data_bytes;
            data_bytes += store.blob_length(tile.blob);
            blob_order.push_back(tile.blob);
        }
        ++summary.addressed_tiles;
        if (!entries.empty() && entries.back().tile_id + entries.back().run_length == tile.tile_id &&
            entries.back().offset == blob_offset[tile.blob]) {
            ++entries.back().run_length;
            continue;
        }
        entries.push_back(PmtilesEntry{tile.tile_id, blob_offset[tile.blob], store.blob_length(tile.blob), 1});
    }
    if (entries.empty()) {
        throw DataError(path.string() + ": no tiles to write (PMTiles directories must not be empty)");
    }
    summary.tile_entries = entries.size();
    summary.tile_contents = blob_order.size();

    const Layout layout = lay_out(entries);
    summary.leaf_directories = layout.leaf_count;
    nlohmann::ordered_json json;
    json["name"] = metadata.name;
    if (!metadata.description.empty()) {
        json["description"] = metadata.description;
    }
    if (!metadata.attribution.empty()) {
        json["attribution"] = metadata.attribution;
    }
    json["type"] = "overlay";
    json["version"] = metadata.version;
    json["generator"] = metadata.generator;
    json["vector_layers"] = vector_layers_json(metadata);
    json["tilestats"] = tilestats_json(metadata);
    if (auto disclosure = migratlas_json(metadata); !disclosure.is_null()) {
        json["migratlas"] = std::move(disclosure);
    }
    const std::string metadata_bytes = gzip(json.dump(), 9);

    const std::uint64_t root_offset = header_bytes;
    const std::uint64_t metadata_offset = root_offset + layout.root.size();
    const std::uint64_t leaves_offset = metadata_offset + metadata_bytes.size();
    const std::uint64_t data_offset = leaves_offset + layout.leaves.size();

    std::string header = "PMTiles";
    header.push_back(3);
    put_le(header, root_offset, 8);
    put_le(header, layout.root.size(), 8);
    put_le(header, metadata_offset, 8);
    put_le(header, metadata_bytes.size(), 8);
    put_le(header, leaves_offset, 8);
    put_le(header, layout.leaves.size(), 8);
    put_le(header, data_offset, 8);
    put_le(header, data_bytes, 8);
    put_le(header, summary.addressed_tiles, 8);
    put_le(header, summary.tile_entries, 8);
    put_le(header, summary.tile_contents, 8);
    header.push_back(1); // clustered
    header.push_back(static_cast<char>(compression_gzip)); // directories and metadata
    header.push_back(static_cast<char>(compression_gzip)); // tiles
    header.push_back(static_cast<char>(tile_type_mvt));
    header.push_back(static_cast<char>(metadata.minzoom));
    header.push_back(static_cast<char>(metadata.maxzoom));
    put_le(header, static_cast<std::uint32_t>(e7(metadata.west)), 4);
    put_le(header, static_cast<std::uint32_t>(e7(metadata.south)), 4);
    put_le(header, static_cast<std::uint32_t>(e7(metadata.east)), 4);
    put_le(header, static_cast<std::uint32_t>(e7(metadata.north)), 4);
    header.push_back(static_cast<char>(metadata.center_zoom));
    put_le(header, static_cast<std::uint32_t>(e7(metadata.center_lon)), 4);
    put_le(header, static_cast<std::uint32_t>(e7(metadata.center_lat)), 4);
    if (header.size() != header_bytes) {
        throw std::logic_error("PMTiles header is not 127 bytes");
    }

    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!file) {
        throw InputError(path.string() + ": cannot create the PMTiles file: " + std::strerror(errno));
    }
    auto write = [&](const std::string& bytes) {
        if (std::fwrite(bytes.data(), 1, bytes.size(), file.get()) != bytes.size()) {
            throw Error(path.string() + ": write failed (disk full?): " + std::strerror(errno));
        }
    };
    write(header);
    write(layout.root);
    write(metadata_bytes);
    write(layout.leaves);
    for (const std::uint32_t blob : blob_order) {
        write(store.read_blob(blob));
    }
    if (std::fclose(file.release()) != 0) {
        throw Error(path.string() + ": cannot finish writing: " + std::strerror(errno));
    }
    summary.file_bytes = data_offset + data_bytes;
    return summary;
}

} // namespace migratlas::tiles
