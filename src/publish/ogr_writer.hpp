// Writes published layers through GDAL/OGR: GeoJSON files (RFC 7946), a GeoPackage, or PostGIS
// tables in one transaction. Geometries are EPSG:4326 (lon, lat) as the gate hands them over.
#pragma once

#include "common/progress.hpp"
#include "disclose/published_layer.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::publish {

/// One GeoJSON file (RFC 7946) of `layer`; features without a geometry have "geometry": null.
void write_geojson(const std::filesystem::path& path, const disclose::PublishedLayer& layer);

/// A GeoPackage with one layer (or attribute table) per published layer.
void write_geopackage(const std::filesystem::path& path, const std::vector<const disclose::PublishedLayer*>& layers,
    Progress& progress);

/// Tables in the PostgreSQL/PostGIS database of `connection` (a PG: string), replaced if present,
/// and the export's datapackage.json in table migratlas_datapackage, all in one transaction.
/// `label` is the connection as messages show it (password masked).
void write_postgis(const std::string& connection, const std::string& label,
    const std::vector<const disclose::PublishedLayer*>& layers, const std::string& descriptor, Progress& progress);

} // namespace migratlas::publish
