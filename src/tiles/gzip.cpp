#include "tiles/gzip.hpp"

#include "common/error.hpp"

#include <zlib.h>

#include <memory>

namespace migratlas::tiles {

namespace {
constexpr int gzip_window_bits = 15 + 16; // zlib's way of asking for a gzip header
}

std::string gzip(std::string_view data, int level)
{
    z_stream stream{};
    if (deflateInit2(&stream, level, Z_DEFLATED, gzip_window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw Error("zlib could not start compressing");
    }
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, &deflateEnd);
    // Compressed into a per-thread buffer of the worst-case size, then copied at its real size, so
    // that stored tiles do not keep the worst-case capacity.
    thread_local std::string buffer;
    buffer.resize(deflateBound(&stream, static_cast<uLong>(data.size())) + 32);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    if (deflate(&stream, Z_FINISH) != Z_STREAM_END) {
        throw Error("zlib could not compress a tile");
    }
    return std::string(buffer.data(), stream.total_out);
}

std::string gunzip(std::string_view data)
{
    z_stream stream{};
    if (inflateInit2(&stream, gzip_window_bits) != Z_OK) {
        throw Error("zlib could not start decompressing");
    }
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, &inflateEnd);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buffer[65536];
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            throw Error("not valid gzip data");
        }
        out.append(buffer, sizeof buffer - stream.avail_out);
    }
    return out;
}

} // namespace migratlas::tiles
