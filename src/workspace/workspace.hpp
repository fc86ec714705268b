// The workspace GeoPackage (workspace.gpkg): every stage's products as layers/tables, plus run_log.
// Writes are atomic: a run edits a temporary copy that replaces the workspace only on commit().
// This target is internal: publishing stages (export, render, tiles, serve) never link it; they get
// disclose::PublishedLayer objects instead (see docs/ARCHITECTURE.md, "The gate").
#pragma once

#include "common/run_log.hpp"
#include "common/table.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <string>

namespace migratlas::workspace {

class Workspace {
public:
    /// Starts an update of the workspace at `path`; it is created when absent. Nothing at
    /// `path` changes until commit(); without commit() the temporary copy is removed.
    explicit Workspace(std::filesystem::path path);
    ~Workspace();
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    [[nodiscard]] GDALDataset& dataset() { return *m_dataset; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] bool has_layer(const std::string& name);

    /// Deletes the layer `name` when present and creates it anew (srs may be null for tables).
    OGRLayer& replace_layer(const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type);
    /// Writes `table` as an attribute table, replacing any table of the same name. Products are
    /// written through write_product (workspace/product_io.hpp), which checks them against their spec.
    void write_table(const Table& table);
    /// Appends one run to the run_log table (long format: one row per parameter/input/count).
    void append_run_log(const RunLog& log);

    /// Closes the temporary copy and renames it over the workspace (atomic on one filesystem).
    void commit();

private:
    std::filesystem::path m_path;
    std::filesystem::path m_temp_path;
    GDALDatasetUniquePtr m_dataset;
    bool m_committed = false;
};

/// Opens an existing workspace read-only; throws InputError when it is missing or not a GeoPackage.
GDALDatasetUniquePtr open_readonly(const std::filesystem::path& path);

/// Reads an attribute table (or a layer's attributes) back; columns as stored. Products are read
/// through read_product (workspace/product_io.hpp).
Table read_table(GDALDataset& dataset, const std::string& name);

} // namespace migratlas::workspace
