// The Frictionless Data Package descriptor (datapackage.json) every export writes beside its data:
// a Table Schema per layer (types, units, code lists), sources with SHA-256, method, parameters,
// period, the disclosure rule and what it hid, and the table structure the audit needs.
#pragma once

#include "disclose/published_layer.hpp"
#include "publish/table_text.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace migratlas::publish {

/// Where one layer was written.
struct WrittenResource {
    const disclose::PublishedLayer* layer = nullptr;
    std::string path;       ///< relative to the descriptor (a file), or the table name (pg)
    std::string format;     ///< csv, geojson, gpkg, sdmx-csv, postgresql
    std::string mediatype;
    std::string layer_name; ///< the layer inside a GeoPackage or the PostGIS table
    std::string sha256;     ///< of the written file; empty for pg
    std::uintmax_t bytes = 0;
    const SdmxMapping* sdmx = nullptr;  ///< the mapping, for sdmx-csv
};

[[nodiscard]] nlohmann::ordered_json datapackage(const std::vector<WrittenResource>& resources, const std::string& format,
    const std::string& created_utc);

} // namespace migratlas::publish
