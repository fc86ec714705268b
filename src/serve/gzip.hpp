// gzip (RFC 1952) compression and bounded decompression with zlib, for tiles and directories.
// Decompression stops at a size limit so that a hostile archive cannot exhaust memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace migratlas::serve {

/// True when `bytes` start with the gzip magic (1f 8b).
[[nodiscard]] bool is_gzip(std::string_view bytes);

/// gzip of `bytes` (zlib level 6).
[[nodiscard]] std::string gzip_compress(std::string_view bytes);

/// Inflates gzip or zlib data (concatenated gzip members included). Throws DataError naming `what`
/// when the data are corrupt or inflate to more than `max_bytes`.
[[nodiscard]] std::string gzip_decompress(std::string_view bytes, std::string_view what, std::size_t max_bytes);

} // namespace migratlas::serve
