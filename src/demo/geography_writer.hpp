// Writes the demo region's units to geographies.gpkg (layers level1..level3, EPSG:4326, lon/lat).
// The file is the geography input of the geo stage (`migratlas geo ...`).
#pragma once

#include "demo/region.hpp"

#include <filesystem>

namespace migratlas::demo {

/// Replaces `path` with a GeoPackage holding one MultiPolygon layer per level, fields `code`,
/// `name`, `parent_code`, `level`. The contents timestamp is pinned so the file is byte-identical
/// for the same region.
void write_geographies(const geo::GeosContext& geos, const DemoRegion& region, const std::filesystem::path& path);

} // namespace migratlas::demo
