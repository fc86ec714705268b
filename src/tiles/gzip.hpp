// gzip (RFC 1952), for tiles (MBTiles and PMTiles store them gzipped) and PMTiles directories:
// written with libdeflate (whole-buffer, several times faster than zlib at the same level, which
// mattered: zlib was a third of the CPU time of a tiling run), read with zlib. The header carries
// no time stamp, so equal input gives equal bytes whatever the thread.
#pragma once

#include <string>
#include <string_view>

namespace migratlas::tiles {

[[nodiscard]] std::string gzip(std::string_view data, int level = 6);  ///< libdeflate level, 0-12
[[nodiscard]] std::string gunzip(std::string_view data);

} // namespace migratlas::tiles
