// Fills FeatureLayers for the atlas: any OGR vector source (reprojected to EPSG:4326, lon/lat
// order), and CSV attribute tables joined to features by key (filtered and summed per key).
#pragma once

#include "common/diagnostics.hpp"
#include "render/atlas.hpp"
#include "render/feature_layer.hpp"

#include <memory>
#include <string>

namespace migratlas::render {

/// The vector sources of one run, each opened once: inputs often read several layers of one
/// GeoPackage, and opening it costs more than reading hundreds of units from it.
class InputSources {
public:
    InputSources();
    ~InputSources();
    InputSources(const InputSources&) = delete;
    InputSources& operator=(const InputSources&) = delete;

    /// Reads `input` from `source` (already resolved to a path or connection string). Features
    /// without a geometry are rejects ("no_geometry"); a CRS-less source is EPSG:4326 unless `srs`
    /// says otherwise.
    [[nodiscard]] FeatureLayer read(const InputSpec& input, const std::string& source, Diagnostics& diagnostics);

private:
    struct Open;
    std::unique_ptr<Open> m_open;
};

/// A CSV table aggregated by key: one row per key with the summed value columns.
struct JoinTable {
    std::string name;
    std::vector<TableColumn> columns;                      ///< value columns, then text columns
    std::map<std::string, std::vector<TableValue>> rows;   ///< key -> values in column order
    ProductMetadata::Source source;
    std::uint64_t rows_read = 0, rows_kept = 0;
};

[[nodiscard]] JoinTable read_join_table(const TableSpec& spec, const std::string& path, Diagnostics& diagnostics);

/// Appends the table's columns to `layer`, matching the text of field `on` with the table keys.
/// Features without a row get missing values; keys without a feature are reported (info).
void join_table(FeatureLayer& layer, const JoinTable& table, const Located<std::string>& on, Diagnostics& diagnostics);

} // namespace migratlas::render
