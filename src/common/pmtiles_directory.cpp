#include "common/pmtiles_directory.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace migratlas::pmtiles {

namespace {

template <typename T>
T little_endian(std::string_view bytes, std::size_t offset)
{
    static_assert(std::is_integral_v<T>);
    std::make_unsigned_t<T> value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        value |= static_cast<std::make_unsigned_t<T>>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
    }
    return static_cast<T>(value);
}

double degrees(std::string_view bytes, std::size_t offset)
{
    return static_cast<double>(little_endian<std::int32_t>(bytes, offset)) / 1e7;
}

class VarintReader {
public:
    explicit VarintReader(std::string_view bytes) : m_bytes(bytes) {}

    std::uint64_t next()
    {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_position >= m_bytes.size()) {
                throw DataError("PMTiles directory is truncated");
            }
            const auto byte = static_cast<unsigned char>(m_bytes[m_position++]);
            value |= static_cast<std::uint64_t>(byte & 0x7fU) << shift;
            if ((byte & 0x80U) == 0) {
                return value;
            }
        }
        throw DataError("PMTiles directory has a varint longer than 10 bytes");
    }
    [[nodiscard]] std::size_t remaining() const { return m_bytes.size() - m_position; }

private:
    std::string_view m_bytes;
    std::size_t m_position = 0;
};

std::uint32_t to_u32(std::uint64_t value, const char* what)
{
    if (value > std::numeric_limits<std::uint32_t>::max()) {
        throw DataError(std::string("PMTiles directory has a ") + what + " above 2^32");
    }
    return static_cast<std::uint32_t>(value);
}

} // namespace

Header parse_header(std::string_view bytes)
{
    if (bytes.size() < header_bytes || !bytes.starts_with("PMTiles")) {
        throw DataError("not a PMTiles archive (no 'PMTiles' magic in the first 127 bytes)");
    }
    if (static_cast<unsigned char>(bytes[7]) != 3) {
        throw DataError("PMTiles spec version " + std::to_string(static_cast<unsigned char>(bytes[7])) +
            " is not supported (only version 3)");
    }
    Header header;
    header.root_offset = little_endian<std::uint64_t>(bytes, 8);
    header.root_length = little_endian<std::uint64_t>(bytes, 16);
    header.metadata_offset = little_endian<std::uint64_t>(bytes, 24);
    header.metadata_length = little_endian<std::uint64_t>(bytes, 32);
    header.leaf_offset = little_endian<std::uint64_t>(bytes, 40);
    header.leaf_length = little_endian<std::uint64_t>(bytes, 48);
    header.tile_data_offset = little_endian<std::uint64_t>(bytes, 56);
    header.tile_data_length = little_endian<std::uint64_t>(bytes, 64);
    header.addressed_tiles = little_endian<std::uint64_t>(bytes, 72);
    header.tile_entries = little_endian<std::uint64_t>(bytes, 80);
    header.tile_contents = little_endian<std::uint64_t>(bytes, 88);
    header.clustered = bytes[96] == 1;
    header.internal_compression = static_cast<Compression>(bytes[97]);
    header.tile_compression = static_cast<Compression>(bytes[98]);
    header.tile_type = static_cast<TileType>(bytes[99]);
    header.min_zoom = static_cast<unsigned char>(bytes[100]);
    header.max_zoom = static_cast<unsigned char>(bytes[101]);
    header.min_lon = degrees(bytes, 102);
    header.min_lat = degrees(bytes, 106);
    header.max_lon = degrees(bytes, 110);
    header.max_lat = degrees(bytes, 114);
    header.center_zoom = static_cast<unsigned char>(bytes[118]);
    header.center_lon = degrees(bytes, 119);
    header.center_lat = degrees(bytes, 123);
    return header;
}

std::vector<Entry> decode_directory(std::string_view bytes)
{
    VarintReader reader(bytes);
    const std::uint64_t count = reader.next();
    // Each entry takes at least four bytes (one varint per column): a count beyond that is corrupt,
    // and checking it first keeps a hostile count from allocating gigabytes.
    if (count == 0 || count > reader.remaining() / 4) {
        throw DataError("PMTiles directory declares " + std::to_string(count) + " entries in " +
            std::to_string(bytes.size()) + " bytes");
    }
    std::vector<Entry> entries(static_cast<std::size_t>(count));
    std::uint64_t last_id = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::uint64_t delta = reader.next();
        if (i > 0 && delta == 0) {
            throw DataError("PMTiles directory has tile ids out of ascending order");
        }
        if (delta > std::numeric_limits<std::uint64_t>::max() - last_id) {
            throw DataError("PMTiles directory has a tile id beyond 2^64");
        }
        last_id += delta;
        entries[i].tile_id = last_id;
    }
    for (auto& entry : entries) {
        entry.run_length = to_u32(reader.next(), "run length");
    }
    for (auto& entry : entries) {
        entry.length = to_u32(reader.next(), "length");
        if (entry.length == 0) {
            throw DataError("PMTiles directory has an entry of length 0");
        }
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::uint64_t value = reader.next();
        if (value == 0) {
            if (i == 0) {
                throw DataError("PMTiles directory's first entry has no offset");
            }
            // 0 means "right after the previous entry" (clustered archives).
            entries[i].offset = entries[i - 1].offset + entries[i - 1].length;
        } else {
            entries[i].offset = value - 1;
        }
    }
    if (reader.remaining() != 0) {
        throw DataError("PMTiles directory has " + std::to_string(reader.remaining()) + " trailing bytes");
    }
    return entries;
}

std::optional<Entry> find_entry(const std::vector<Entry>& entries, std::uint64_t tile_id)
{
    // The last entry whose id is <= tile_id.
    auto it = std::upper_bound(entries.begin(), entries.end(), tile_id,
        [](std::uint64_t id, const Entry& entry) { return id < entry.tile_id; });
    if (it == entries.begin()) {
        return std::nullopt;
    }
    const Entry& entry = *std::prev(it);
    if (entry.run_length == 0) {
        return entry;
    }
    if (tile_id - entry.tile_id < entry.run_length) {
        return entry;
    }
    return std::nullopt;
}

std::optional<TileZxy> tile_zxy(std::uint64_t tile_id)
{
    constexpr int deepest = 30;
    auto tiles_below = [](int z) { return ((std::uint64_t{1} << (2 * z)) - 1) / 3; };  // 4^0 + ... + 4^(z-1)
    int z = 0;
    while (z <= deepest && tiles_below(z + 1) <= tile_id) {
        ++z;
    }
    if (z > deepest) {
        return std::nullopt;
    }
    const std::uint64_t n = std::uint64_t{1} << z;
    std::uint64_t t = tile_id - tiles_below(z);
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    for (std::uint64_t s = 1; s < n; s *= 2) {
        const std::uint64_t rx = 1 & (t / 2);
        const std::uint64_t ry = 1 & (t ^ rx);
        if (ry == 0) {  // rotate the quadrant
            if (rx == 1) {
                x = s - 1 - x;
                y = s - 1 - y;
            }
            std::swap(x, y);
        }
        x += s * rx;
        y += s * ry;
        t /= 4;
    }
    return TileZxy{z, static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y)};
}

} // namespace migratlas::pmtiles
