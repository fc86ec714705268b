// The workspace GeoPackage (workspace.gpkg): every stage's products as layers/tables, plus run_log.
// Writes are atomic: a run edits the workspace inside one SQLite transaction that commit() ends; any
// failure rolls it back (and SQLite's journal undoes it after a crash), so the file stays as it was.
// This target is internal: publishing stages (export, render, tiles, serve) never link it; they get
// disclose::PublishedLayer objects instead (see docs/ARCHITECTURE.md, "The gate").
#pragma once

#include "common/run_log.hpp"
#include "common/table.hpp"
#include "workspace/spatial_index.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace migratlas::workspace {

class Workspace {
public:
    /// Starts an update of the workspace at `path` in one transaction. An existing workspace is
    /// edited in place (no copy: it can be hundreds of MB); an absent one is built in a private file
    /// renamed to `path` on commit(). Nothing at `path` changes until commit(): without it the
    /// transaction is rolled back (or the private file removed).
    explicit Workspace(std::filesystem::path path);
    ~Workspace();
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    [[nodiscard]] GDALDataset& dataset() { return *m_dataset; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] bool has_layer(const std::string& name);

    /// Creates the layer `name` anew (srs may be null for tables). A table of that name is deleted;
    /// a geometry layer is renamed aside and dropped by commit(), so the run writes its pages
    /// before it frees the old ones.
    OGRLayer& replace_layer(const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type);
    /// As replace_layer for a geometry layer whose features all pass through index_at_commit(): its
    /// spatial index is built by commit() in one pass (spatial_index.hpp) rather than by GDAL one
    /// insert at a time (0.12 s for the 11,407 UNHCR corridors, most of it SQLite's R*-tree inserts).
    OGRLayer& replace_layer_indexed_at_commit(const std::string& name, const OGRSpatialReference* srs,
        OGRwkbGeometryType type);
    /// Records the envelope of a feature written to a layer of replace_layer_indexed_at_commit().
    void index_at_commit(const std::string& layer, const IndexEntry& entry);
    /// Writes `table` as an attribute table, replacing any table of the same name. Products are
    /// written through write_product (workspace/product_io.hpp), which checks them against their spec.
    void write_table(const Table& table);
    /// Appends one run to the run_log table (long format: one row per parameter/input/count).
    void append_run_log(const RunLog& log);

    /// Commits the transaction and closes the workspace (a new one is then renamed into place).
    void commit();

private:
    void open_in_place();
    void create_private();
    void drop_retired_layers();
    void build_pending_indexes();
    OGRLayer& create_layer(const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type,
        bool gdal_spatial_index);
    std::filesystem::path m_path;
    std::filesystem::path m_temp_path;  // only for a new workspace
    GDALDatasetUniquePtr m_dataset;
    bool m_committed = false;
    // Geometry layers replaced in this run, renamed aside until commit() drops them. Dropping first would
    // free their pages for the new layer to reuse, and SQLite must copy a page freed in the
    // transaction into the rollback journal before it overwrites it: the whole old layer (40 MB,
    // 30,000 journal writes for the UNHCR corridors). Pages free when the transaction began, or
    // past the end of the file, are written without a journal copy. The price: the file keeps
    // free pages the size of the largest layer replaced, which the next run reuses.
    std::vector<std::string> m_retired;
    // Envelopes of the layers of replace_layer_indexed_at_commit(), by layer, until commit(). A layer
    // replaced again in the same run loses its entry: it is set aside and dropped without an index.
    std::map<std::string, std::vector<IndexEntry>> m_pending_indexes;
};

/// Opens an existing workspace read-only; throws InputError when it is missing or not a GeoPackage.
GDALDatasetUniquePtr open_readonly(const std::filesystem::path& path);

/// Reads an attribute table (or a layer's attributes) back; columns as stored. Products are read
/// through read_product (workspace/product_io.hpp).
Table read_table(GDALDataset& dataset, const std::string& name);

} // namespace migratlas::workspace
