#include "serve/pmtiles_reader.hpp"

#include "serve/gzip.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace migratlas::serve {

namespace {

/// Largest directory or metadata block accepted once inflated: far above what real archives hold.
constexpr std::size_t max_inflated_bytes = 256U << 20;
/// Leaf directories nest at most this deep (the spec's writers use one level; three is generous).
constexpr int max_directory_depth = 4;

TileCompression to_tile_compression(pmtiles::Compression compression)
{
    switch (compression) {
    case pmtiles::Compression::none: return TileCompression::none;
    case pmtiles::Compression::gzip: return TileCompression::gzip;
    case pmtiles::Compression::brotli: return TileCompression::brotli;
    case pmtiles::Compression::zstd: return TileCompression::zstd;
    case pmtiles::Compression::unknown: break;
    }
    return TileCompression::unknown;
}

TileFormat to_tile_format(pmtiles::TileType type)
{
    switch (type) {
    case pmtiles::TileType::mvt: return TileFormat::mvt;
    case pmtiles::TileType::png: return TileFormat::png;
    case pmtiles::TileType::jpeg: return TileFormat::jpeg;
    case pmtiles::TileType::webp: return TileFormat::webp;
    case pmtiles::TileType::avif: return TileFormat::avif;
    case pmtiles::TileType::unknown: break;
    }
    return TileFormat::unknown;
}

} // namespace

PmtilesReader::PmtilesReader(const std::filesystem::path& path, std::size_t leaf_cache_entries)
    : m_leaf_capacity(std::max<std::size_t>(leaf_cache_entries, 1))
{
    m_info.path = path;
    m_info.container = "pmtiles";
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
        throw InputError(path.string() + ": cannot open (" + std::strerror(errno) + ")");
    }
    try {
        struct stat status {};
        if (::fstat(m_fd, &status) != 0) {
            throw InputError(path.string() + ": cannot stat (" + std::strerror(errno) + ")");
        }
        m_file_size = static_cast<std::uint64_t>(status.st_size);
        m_header = pmtiles::parse_header(read_range(0, pmtiles::header_bytes, "header"));
        if (m_header.internal_compression != pmtiles::Compression::none &&
            m_header.internal_compression != pmtiles::Compression::gzip) {
            throw InputError(path.string() + ": PMTiles internal compression " +
                std::string(to_string(to_tile_compression(m_header.internal_compression))) +
                " is not supported (gzip or none; rewrite the archive with gzip directories)");
        }
        m_root = std::make_shared<const Directory>(pmtiles::decode_directory(
            decompress(read_range(m_header.root_offset, m_header.root_length, "root directory"), "root directory")));
        read_metadata();
    } catch (const DataError& error) {
        ::close(m_fd);
        throw InputError(path.string() + ": " + error.what());
    } catch (...) {
        ::close(m_fd);
        throw;
    }
}

PmtilesReader::~PmtilesReader()
{
    ::close(m_fd);
}

void PmtilesReader::read_metadata()
{
    m_info.compression = to_tile_compression(m_header.tile_compression);
    m_info.format = to_tile_format(m_header.tile_type);
    m_info.minzoom = std::min(m_header.min_zoom, max_tile_zoom);
    m_info.maxzoom = std::clamp(m_header.max_zoom, m_info.minzoom, max_tile_zoom);
    m_info.bounds = std::array{m_header.min_lon, m_header.min_lat, m_header.max_lon, m_header.max_lat};
    m_info.center = std::array{m_header.center_lon, m_header.center_lat, static_cast<double>(m_header.center_zoom)};
    if (m_header.metadata_length > 0) {
        const auto text = decompress(read_range(m_header.metadata_offset, m_header.metadata_length, "metadata"), "metadata");
        auto parsed = nlohmann::json::parse(text, nullptr, false);
        if (!parsed.is_object()) {
            throw DataError("the JSON metadata is not a JSON object");
        }
        m_info.metadata = std::move(parsed);
    }
}

std::string PmtilesReader::read_range(std::uint64_t offset, std::uint64_t length, const char* what) const
{
    if (offset > m_file_size || length > m_file_size - offset) {
        throw DataError(std::string(what) + " at bytes " + std::to_string(offset) + "+" + std::to_string(length) +
            " lies beyond the end of the file (" + std::to_string(m_file_size) + " bytes)");
    }
    std::string bytes(static_cast<std::size_t>(length), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto got = ::pread(m_fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            throw DataError(std::string("cannot read ") + what + " (" + (got < 0 ? std::strerror(errno) : "file shrank") + ")");
        }
        done += static_cast<std::size_t>(got);
    }
    return bytes;
}

std::string PmtilesReader::decompress(std::string bytes, const char* what) const
{
    if (m_header.internal_compression == pmtiles::Compression::gzip) {
        return gzip_decompress(bytes, what, max_inflated_bytes);
    }
    return bytes;
}

std::shared_ptr<const PmtilesReader::Directory> PmtilesReader::leaf(std::uint64_t offset, std::uint32_t length)
{
    {
        const std::lock_guard lock(m_leaf_mutex);
        if (const auto it = m_leaves.find(offset); it != m_leaves.end()) {
            m_leaf_order.splice(m_leaf_order.begin(), m_leaf_order, it->second.second);
            return it->second.first;
        }
    }
    if (offset > m_header.leaf_length || length > m_header.leaf_length - offset) {
        throw DataError("a leaf directory entry points outside the leaf section");
    }
    auto directory = std::make_shared<const Directory>(pmtiles::decode_directory(
        decompress(read_range(m_header.leaf_offset + offset, length, "leaf directory"), "leaf directory")));
    const std::lock_guard lock(m_leaf_mutex);
    if (const auto it = m_leaves.find(offset); it != m_leaves.end()) {
        return it->second.first;  // another thread decoded it meanwhile
    }
    m_leaf_order.push_front(offset);
    m_leaves.emplace(offset, std::pair{directory, m_leaf_order.begin()});
    if (m_leaves.size() > m_leaf_capacity) {
        m_leaves.erase(m_leaf_order.back());
        m_leaf_order.pop_back();
    }
    return directory;
}

std::optional<std::string> PmtilesReader::read(const TileAddress& address)
{
    if (address.z < m_info.minzoom || address.z > m_info.maxzoom) {
        return std::nullopt;
    }
    const std::uint64_t id = tile_id(address);
    auto directory = m_root;
    for (int depth = 0; depth < max_directory_depth; ++depth) {
        const auto entry = pmtiles::find_entry(*directory, id);
        if (!entry) {
            return std::nullopt;
        }
        if (entry->run_length > 0) {
            if (entry->offset > m_header.tile_data_length || entry->length > m_header.tile_data_length - entry->offset) {
                throw DataError(m_info.path.string() + ": tile " + std::to_string(id) + " points outside the tile data section");
            }
            return read_range(m_header.tile_data_offset + entry->offset, entry->length, "tile");
        }
        try {
            directory = leaf(entry->offset, entry->length);
        } catch (const DataError& error) {
            throw DataError(m_info.path.string() + ": " + error.what());
        }
    }
    throw DataError(m_info.path.string() + ": leaf directories nest deeper than " + std::to_string(max_directory_depth) + " levels");
}

} // namespace migratlas::serve
