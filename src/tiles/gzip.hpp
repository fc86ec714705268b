// gzip (RFC 1952) through zlib, for tiles (MBTiles and PMTiles store them gzipped) and PMTiles
// directories. The header carries no time stamp, so equal input gives equal bytes.
#pragma once

#include <string>
#include <string_view>

namespace migratlas::tiles {

[[nodiscard]] std::string gzip(std::string_view data, int level = 6);
[[nodiscard]] std::string gunzip(std::string_view data);

} // namespace migratlas::tiles
