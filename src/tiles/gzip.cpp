#include "tiles/gzip.hpp"

#include "common/error.hpp"

#include <libdeflate.h>
#include <zlib.h>

#include <array>
#include <memory>
#include <string>

namespace migratlas::tiles {

namespace {
constexpr int gzip_window_bits = 15 + 16; // zlib's way of asking for a gzip header

constexpr int highest_level = 12;

/// One compressor per thread and level: libdeflate's compressors are not thread-safe, and making
/// one allocates and clears its tables, which costs more than compressing a small tile.
struct Compressors {
    std::array<libdeflate_compressor*, highest_level + 1> by_level{};
    Compressors() = default;
    Compressors(const Compressors&) = delete;
    Compressors& operator=(const Compressors&) = delete;
    ~Compressors()
    {
        for (libdeflate_compressor* c : by_level) {
            if (c != nullptr) {
                libdeflate_free_compressor(c);
            }
        }
    }
};

libdeflate_compressor& compressor(int level)
{
    if (level < 0 || level > highest_level) {
        throw Error("gzip level must be between 0 and 12, got " + std::to_string(level));
    }
    thread_local Compressors compressors;
    libdeflate_compressor*& slot = compressors.by_level[static_cast<std::size_t>(level)];
    if (slot == nullptr) {
        slot = libdeflate_alloc_compressor(level);
        if (slot == nullptr) {
            throw Error("libdeflate could not start compressing (out of memory)");
        }
    }
    return *slot;
}

} // namespace

std::string gzip(std::string_view data, int level)
{
    libdeflate_compressor& c = compressor(level);
    // Compressed into a per-thread buffer of the worst-case size, then copied at its real size, so
    // that stored tiles do not keep the worst-case capacity.
    thread_local std::string buffer;
    buffer.resize(libdeflate_gzip_compress_bound(&c, data.size()));
    const std::size_t size = libdeflate_gzip_compress(&c, data.data(), data.size(), buffer.data(), buffer.size());
    if (size == 0) {
        throw Error("libdeflate could not compress a tile");
    }
    return std::string(buffer.data(), size);
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
