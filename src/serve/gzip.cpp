#include "serve/gzip.hpp"

#include "common/error.hpp"

#include <zlib.h>

#include <array>
#include <limits>
#include <memory>

namespace migratlas::serve {

namespace {

struct InflateDeleter {
    void operator()(z_stream* stream) const
    {
        inflateEnd(stream);
        delete stream;
    }
};
struct DeflateDeleter {
    void operator()(z_stream* stream) const
    {
        deflateEnd(stream);
        delete stream;
    }
};

uInt chunk(std::size_t size)
{
    return static_cast<uInt>(std::min<std::size_t>(size, std::numeric_limits<uInt>::max()));
}

} // namespace

bool is_gzip(std::string_view bytes)
{
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gzip_compress(std::string_view bytes)
{
    std::unique_ptr<z_stream, DeflateDeleter> stream(new z_stream{});
    // windowBits 15 + 16: a gzip wrapper rather than zlib's.
    if (deflateInit2(stream.get(), 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::bad_alloc();
    }
    std::string out(deflateBound(stream.get(), static_cast<uLong>(bytes.size())), '\0');
    stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream->avail_in = chunk(bytes.size());
    stream->next_out = reinterpret_cast<Bytef*>(out.data());
    stream->avail_out = chunk(out.size());
    if (deflate(stream.get(), Z_FINISH) != Z_STREAM_END) {
        throw std::logic_error("deflate did not finish within deflateBound");
    }
    out.resize(stream->total_out);
    return out;
}

std::string gzip_decompress(std::string_view bytes, std::string_view what, std::size_t max_bytes)
{
    std::unique_ptr<z_stream, InflateDeleter> stream(new z_stream{});
    // windowBits 15 + 32: accept both gzip and zlib headers.
    if (inflateInit2(stream.get(), 15 + 32) != Z_OK) {
        throw std::bad_alloc();
    }
    stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream->avail_in = chunk(bytes.size());
    std::string out;
    std::array<char, 16384> buffer{};
    while (true) {
        stream->next_out = reinterpret_cast<Bytef*>(buffer.data());
        stream->avail_out = static_cast<uInt>(buffer.size());
        const int status = inflate(stream.get(), Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            throw DataError(std::string(what) + ": corrupt compressed data (zlib: " +
                (stream->msg != nullptr ? stream->msg : "truncated") + ")");
        }
        out.append(buffer.data(), buffer.size() - stream->avail_out);
        if (out.size() > max_bytes) {
            throw DataError(std::string(what) + ": inflates to more than " + std::to_string(max_bytes) + " bytes");
        }
        if (status == Z_STREAM_END) {
            if (stream->avail_in == 0) {
                return out;
            }
            // Another gzip member follows (RFC 1952 allows several).
            if (inflateReset(stream.get()) != Z_OK) {
                throw std::bad_alloc();
            }
        } else if (stream->avail_in == 0 && stream->avail_out != 0) {
            throw DataError(std::string(what) + ": truncated compressed data");
        }
    }
}

} // namespace migratlas::serve
