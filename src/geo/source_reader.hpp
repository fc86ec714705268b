// Reads one layer of any OGR vector source (GeoPackage, Shapefile, GeoJSON, TopoJSON, PG:) into
// coded, repaired lon/lat features. First step of geo check/import, before units are assembled.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "geo/field_mapping.hpp"
#include "geo/geos_context.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace migratlas::geo {

struct SourceFeature {
    std::uint64_t number = 0;  ///< 1-based position among the features read (after --where)
    std::string code;          ///< with --code-prefix applied
    std::string name;
    std::string parent_code;   ///< empty when the mapping gives no parent
    int level = 0;
    GeosGeometryPtr geometry;  ///< valid MultiPolygon in EPSG:4326 (lon, lat)
};

struct SourceData {
    std::string path;
    std::string layer;
    std::string driver;                   ///< GDAL driver short name, e.g. "TopoJSON"
    std::string crs;                      ///< source CRS as "AUTH:CODE" or its name, and how it was chosen
    std::uint64_t features_read = 0;
    std::uint64_t invalid_repaired = 0;
    std::vector<SourceFeature> features;  ///< accepted features; the others are rejects in Diagnostics
};

/// The source as shown in messages, reports and the workspace: a PostgreSQL connection string
/// with its password replaced by ***, any other source unchanged.
[[nodiscard]] std::string source_label(const std::string& source);

/// Reads `source` with `mapping`. Structural problems (unreadable source, unknown layer or field,
/// no usable CRS) throw InputError/UsageError; feature problems become rejects ("missing_code",
/// "missing_geometry", "not_polygon", "bad_level", "bad_coordinates") or warnings
/// ("invalid_repaired", "crs_missing", ...) in `diagnostics`.
[[nodiscard]] SourceData read_source(const std::string& source, const FieldMapping& mapping, const GeosContext& geos,
    Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::geo
