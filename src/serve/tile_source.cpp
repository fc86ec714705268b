#include "serve/tile_source.hpp"

#include "serve/mbtiles_reader.hpp"
#include "serve/pmtiles_reader.hpp"

#include "common/error.hpp"

#include <fstream>

namespace migratlas::serve {

std::string_view to_string(TileCompression compression)
{
    switch (compression) {
    case TileCompression::none: return "none";
    case TileCompression::gzip: return "gzip";
    case TileCompression::brotli: return "brotli";
    case TileCompression::zstd: return "zstd";
    case TileCompression::unknown: break;
    }
    return "unknown";
}

std::string_view file_extension(TileFormat format)
{
    switch (format) {
    case TileFormat::mvt: return "pbf";
    case TileFormat::png: return "png";
    case TileFormat::jpeg: return "jpg";
    case TileFormat::webp: return "webp";
    case TileFormat::avif: return "avif";
    case TileFormat::unknown: break;
    }
    return "bin";
}

std::string_view content_type(TileFormat format)
{
    switch (format) {
    case TileFormat::mvt: return "application/vnd.mapbox-vector-tile";
    case TileFormat::png: return "image/png";
    case TileFormat::jpeg: return "image/jpeg";
    case TileFormat::webp: return "image/webp";
    case TileFormat::avif: return "image/avif";
    case TileFormat::unknown: break;
    }
    return "application/octet-stream";
}

std::unique_ptr<TileSource> open_tile_source(const std::filesystem::path& path)
{
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        throw InputError(path.string() + ": no such tile archive (expected an .mbtiles or .pmtiles file)");
    }
    std::ifstream in(path, std::ios::binary);
    std::string magic(16, '\0');
    in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
    magic.resize(static_cast<std::size_t>(in.gcount()));
    if (magic.starts_with("PMTiles")) {
        return std::make_unique<PmtilesReader>(path);
    }
    if (magic.starts_with(std::string_view("SQLite format 3\0", 16))) {
        return std::make_unique<MbtilesReader>(path);
    }
    throw InputError(path.string() + ": not an MBTiles (SQLite) or PMTiles v3 archive");
}

} // namespace migratlas::serve
