#include "workspace/workspace.hpp"

#include "common/error.hpp"
#include "common/gdal_util.hpp"
#include "common/products/run_log.hpp"
#include "common/version.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace migratlas::workspace {

namespace {

OGRFieldType ogr_type(ColumnType type)
{
    switch (type) {
    case ColumnType::integer: return OFTInteger64;
    case ColumnType::real: return OFTReal;
    case ColumnType::text: return OFTString;
    }
    return OFTString;
}

void set_field(OGRFeature& feature, int index, const TableValue& value)
{
    if (std::holds_alternative<std::monostate>(value)) {
        feature.SetFieldNull(index);
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        feature.SetField(index, static_cast<GIntBig>(*i));
    } else if (const auto* d = std::get_if<double>(&value)) {
        feature.SetField(index, *d);
    } else {
        feature.SetField(index, std::get<std::string>(value).c_str());
    }
}

/// A new workspace is built in a private file that only commit() renames into place: a crash leaves
/// no workspace, so SQLite need not sync a journal there (commit() syncs the file once).
void skip_syncs_of_private_file(GDALDataset& dataset)
{
    for (const char* pragma : {"PRAGMA synchronous = OFF", "PRAGMA journal_mode = MEMORY"}) {
        if (OGRLayer* result = dataset.ExecuteSQL(pragma, nullptr, nullptr)) {
            dataset.ReleaseResultSet(result);
        }
    }
}

/// A run's writes stay in SQLite's page cache until the commit: with the default cache (2,000
/// pages) an update spilled dirty pages mid-transaction, each spill syncing the journal (48
/// fdatasync calls and 29,000 page reads for the UNHCR corridors; 4 and 10,000 with this). The cache
/// only grows to what the run writes. Pages are read through a memory map of the file, so reading
/// them (dropping a replaced layer reads all of its 10,000 pages) neither copies them into fresh
/// memory the kernel must zero first nor costs a read call each; writes still go through the
/// journal and the cache.
void keep_the_transaction_in_memory(GDALDataset& dataset)
{
    for (const char* pragma : {"PRAGMA cache_size = -262144", "PRAGMA mmap_size = 4294967296"}) {  // 256 MiB; 4 GiB
        if (OGRLayer* result = dataset.ExecuteSQL(pragma, nullptr, nullptr)) {
            dataset.ReleaseResultSet(result);
        }
    }
}

/// Flushes a closed file to disk, so that the rename that follows never exposes a partial file.
void sync_file(const std::filesystem::path& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) {
        ::close(fd);
    }
    if (!synced) {
        throw Error(path.string() + ": cannot flush the workspace to disk: " + std::strerror(errno));
    }
}

/// The workspace keeps unsuppressed counts (pseudonymised keys only): say so inside the file. Set
/// only when they differ, so that an update leaves GDAL no metadata to write after the transaction.
void mark_internal(GDALDataset& dataset)
{
    const std::pair<const char*, const char*> items[] = {{"MIGRATLAS_VERSION", version_string},
        {"MIGRATLAS_CONFIDENTIALITY",
            "internal workspace: holds unsuppressed counts and pseudonymised keys, never raw identifiers; "
            "not for publication as is (small cells are not suppressed here)"}};
    for (const auto& [name, value] : items) {
        const char* stored = dataset.GetMetadataItem(name);
        if (stored == nullptr || std::strcmp(stored, value) != 0) {
            dataset.SetMetadataItem(name, value);
        }
    }
}

} // namespace

Workspace::Workspace(std::filesystem::path path) : m_path(std::move(path))
{
    gdal_register_all();
    if (m_path.has_parent_path() && !std::filesystem::exists(m_path.parent_path())) {
        throw InputError(m_path.string() + ": folder " + m_path.parent_path().string() + " does not exist");
    }
    if (std::filesystem::exists(m_path)) {
        open_in_place();
    } else {
        create_private();
    }
    keep_the_transaction_in_memory(*m_dataset);
    GdalErrorCollector errors;
    if (m_dataset->StartTransaction(FALSE) != OGRERR_NONE) {
        m_dataset.reset();
        if (!m_temp_path.empty()) {
            std::filesystem::remove(m_temp_path);
        }
        throw Error(m_path.string() + ": cannot start a transaction: " + errors.text());
    }
}

void Workspace::open_in_place()
{
    GdalErrorCollector errors;
    const char* const drivers[] = {"GPKG", nullptr};
    m_dataset.reset(GDALDataset::Open(m_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr));
    if (!m_dataset) {
        throw InputError(m_path.string() + ": exists but is not a GeoPackage workspace" +
            (errors.text().empty() ? "" : " (" + errors.text() + ")") + "; choose another workspace path");
    }
}

void Workspace::create_private()
{
    m_temp_path = m_path;
    m_temp_path += ".tmp-" + std::to_string(::getpid());
    std::filesystem::remove(m_temp_path);
    GdalErrorCollector errors;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (driver == nullptr) {
        throw Error("GDAL was built without the GPKG driver");
    }
    m_dataset.reset(driver->Create(m_temp_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m_dataset) {
        throw InputError(m_path.string() + ": cannot create workspace: " + errors.text());
    }
    skip_syncs_of_private_file(*m_dataset);
}

Workspace::~Workspace()
{
    if (m_committed || !m_dataset) {
        return;
    }
    GdalErrorCollector errors;  // a failed rollback has nothing left to report to
    m_dataset->RollbackTransaction();
    m_dataset.reset();
    if (!m_temp_path.empty()) {
        std::error_code ec;
        std::filesystem::remove(m_temp_path, ec);
    }
}

bool Workspace::has_layer(const std::string& name)
{
    return m_dataset->GetLayerByName(name.c_str()) != nullptr;
}

OGRLayer& Workspace::replace_layer(const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type)
{
    return create_layer(name, srs, type, type != wkbNone);
}

OGRLayer& Workspace::replace_layer_indexed_at_commit(const std::string& name, const OGRSpatialReference* srs,
    OGRwkbGeometryType type)
{
    OGRLayer& layer = create_layer(name, srs, type, false);
    m_pending_indexes[name];
    return layer;
}

void Workspace::index_at_commit(const std::string& layer, const IndexEntry& entry)
{
    const auto pending = m_pending_indexes.find(layer);
    if (pending == m_pending_indexes.end()) {
        throw std::logic_error("layer '" + layer + "' was not created by replace_layer_indexed_at_commit");
    }
    pending->second.push_back(entry);
}

OGRLayer& Workspace::create_layer(const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type,
    bool gdal_spatial_index)
{
    GdalErrorCollector errors;
    m_pending_indexes.erase(name);  // a layer of this run set aside below is dropped, not indexed
    for (int i = 0; i < m_dataset->GetLayerCount(); ++i) {
        OGRLayer* old = m_dataset->GetLayer(i);
        if (name == old->GetName()) {
            // A table of attributes is small next to its geometry layers: renaming it (SQLite
            // rewrites the schema) costs more than the journal copy it saves.
            if (old->GetLayerDefn()->GetGeomFieldCount() == 0) {
                if (m_dataset->DeleteLayer(i) != OGRERR_NONE) {
                    throw Error(m_path.string() + ": cannot replace layer '" + name + "': " + errors.text());
                }
                break;
            }
            // Dropped at commit(), after the new layer is written (see m_retired).
            const std::string retired = "migratlas_retired_" + std::to_string(m_retired.size()) + "_" + name;
            if (old->Rename(retired.c_str()) != OGRERR_NONE) {
                throw Error(m_path.string() + ": cannot replace layer '" + name + "': " + errors.text());
            }
            m_retired.push_back(retired);
            break;
        }
    }
    char** options = nullptr;
    options = CSLSetNameValue(options, "SPATIAL_INDEX", gdal_spatial_index ? "YES" : "NO");
    // GDAL 3.6 takes a non-const SRS but only clones it.
    OGRLayer* layer = m_dataset->CreateLayer(name.c_str(), const_cast<OGRSpatialReference*>(srs), type, options);
    CSLDestroy(options);
    if (layer == nullptr) {
        throw Error(m_path.string() + ": cannot create layer '" + name + "': " + errors.text());
    }
    return *layer;
}

void Workspace::write_table(const Table& table)
{
    OGRLayer& layer = replace_layer(table.name, nullptr, wkbNone);
    GdalErrorCollector errors;
    for (const auto& column : table.columns) {
        OGRFieldDefn field(column.name.c_str(), ogr_type(column.type));
        if (layer.CreateField(&field) != OGRERR_NONE) {
            throw Error(m_path.string() + ": cannot add column '" + column.name + "' to '" + table.name + "': " + errors.text());
        }
    }
    for (const auto& row : table.rows) {
        OGRFeature feature(layer.GetLayerDefn());
        for (std::size_t i = 0; i < row.size() && i < table.columns.size(); ++i) {
            set_field(feature, static_cast<int>(i), row[i]);
        }
        if (layer.CreateFeature(&feature) != OGRERR_NONE) {
            throw Error(m_path.string() + ": cannot write a row of '" + table.name + "': " + errors.text());
        }
    }
}

void Workspace::append_run_log(const RunLog& log)
{
    GdalErrorCollector errors;
    const std::string table_name(products::run_log.name);
    OGRLayer* layer = m_dataset->GetLayerByName(table_name.c_str());
    if (layer == nullptr) {
        layer = &replace_layer(table_name, nullptr, wkbNone);
        for (const ColumnSpec& column : products::run_log.columns) {
            OGRFieldDefn field(std::string(column.name).c_str(), ogr_type(column.type));
            layer->CreateField(&field);
        }
    }
    GIntBig run_id = 1;
    layer->ResetReading();
    for (const auto& feature : *layer) {
        run_id = std::max(run_id, feature->GetFieldAsInteger64("run_id") + 1);
    }
    const std::string finished = log.finished_utc.empty() ? utc_now_iso() : log.finished_utc;
    auto add = [&](const char* kind, const std::string& stage, const std::string& name, const std::string& value,
                   const std::string& detail) {
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField("run_id", run_id);
        feature.SetField("command", log.command.c_str());
        feature.SetField("started_utc", log.started_utc.c_str());
        feature.SetField("finished_utc", finished.c_str());
        feature.SetField("version", version_string);
        feature.SetField("kind", kind);
        feature.SetField("stage", stage.c_str());
        feature.SetField("name", name.c_str());
        feature.SetField("value", value.c_str());
        feature.SetField("detail", detail.c_str());
        if (layer->CreateFeature(&feature) != OGRERR_NONE) {
            throw Error(m_path.string() + ": cannot write run_log: " + errors.text());
        }
    };
    add("run", "", "command", log.command, "");
    for (const auto& [key, value] : log.parameters) {
        add("parameter", "", key, value, "");
    }
    for (const auto& input : log.inputs) {
        add("input", "", input.role, input.path, "sha256:" + input.sha256);
    }
    for (const auto& count : log.counts) {
        add("count", count.stage, count.name, std::to_string(count.value), "");
    }
    for (const auto& note : log.notes) {
        add("note", "", "note", note, "");
    }
}

void Workspace::drop_retired_layers()
{
    if (m_retired.empty()) {
        return;
    }
    GdalErrorCollector errors;
    // Debian builds SQLite with secure_delete on: each freed page would be zeroed, hence copied to
    // the journal and written back (30,000 writes for the UNHCR corridors). A retired layer is the
    // previous version of a product the workspace keeps anyway, of the same internal class (no raw
    // identifier ever enters the workspace), so its pages are freed as they are; the next run
    // overwrites them, and VACUUM removes them.
    if (OGRLayer* result = m_dataset->ExecuteSQL("PRAGMA secure_delete = OFF", nullptr, nullptr)) {
        m_dataset->ReleaseResultSet(result);
    }
    for (const std::string& name : m_retired) {
        for (int i = 0; i < m_dataset->GetLayerCount(); ++i) {
            if (name == m_dataset->GetLayer(i)->GetName()) {
                if (m_dataset->DeleteLayer(i) != OGRERR_NONE) {
                    throw Error(m_path.string() + ": cannot drop the replaced layer '" + name + "': " + errors.text());
                }
                break;
            }
        }
    }
    m_retired.clear();
}

void Workspace::build_pending_indexes()
{
    if (m_pending_indexes.empty()) {
        return;
    }
    auto* db = static_cast<sqlite3*>(m_dataset->GetInternalHandle("SQLITE_HANDLE"));
    if (db == nullptr) {
        throw Error(m_path.string() + ": GDAL gives no SQLite connection to build spatial indexes on");
    }
    GdalErrorCollector errors;
    for (auto& [name, entries] : m_pending_indexes) {
        OGRLayer* layer = m_dataset->GetLayerByName(name.c_str());
        if (layer == nullptr) {
            throw std::logic_error("layer '" + name + "' to index has gone");
        }
        // GDAL creates a new layer's table with its first feature or at a sync: make sure it exists.
        if (layer->SyncToDisk() != OGRERR_NONE) {
            throw Error(m_path.string() + ": cannot write layer '" + name + "': " + errors.text());
        }
        add_rtree_index(db, name, layer->GetGeometryColumn(), layer->GetFIDColumn(), std::move(entries));
    }
    m_pending_indexes.clear();
}

void Workspace::commit()
{
    GdalErrorCollector errors;
    errors.clear();
    mark_internal(*m_dataset);
    build_pending_indexes();
    drop_retired_layers();
    // GDAL writes deferred work (R-trees, extents, metadata) on flush: inside the transaction.
    m_dataset->FlushCache(true);
    if (m_dataset->CommitTransaction() != OGRERR_NONE || !errors.messages().empty()) {
        throw Error(m_path.string() + ": cannot finish writing the workspace: " + errors.text());
    }
    m_committed = true;
    m_dataset.reset(); // GDAL 3.6 has no GDALDataset::Close(); closing happens here
    if (!errors.messages().empty()) {
        throw Error(m_path.string() + ": cannot close the workspace: " + errors.text());
    }
    if (!m_temp_path.empty()) {
        sync_file(m_temp_path);
        std::filesystem::rename(m_temp_path, m_path);
    }
}

GDALDatasetUniquePtr open_readonly(const std::filesystem::path& path)
{
    gdal_register_all();
    if (!std::filesystem::exists(path)) {
        throw InputError(path.string() + ": workspace does not exist; create it with 'migratlas geo import ... --workspace " +
            path.string() + "'");
    }
    GdalErrorCollector errors;
    const char* const drivers[] = {"GPKG", nullptr};
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
    if (!dataset) {
        throw InputError(path.string() + ": not a GeoPackage workspace" + (errors.text().empty() ? "" : ": " + errors.text()));
    }
    return dataset;
}

Table read_table(GDALDataset& dataset, const std::string& name)
{
    OGRLayer* layer = dataset.GetLayerByName(name.c_str());
    if (layer == nullptr) {
        throw InputError(std::string(dataset.GetDescription()) + ": has no table '" + name + "'");
    }
    Table table;
    table.name = name;
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const OGRFieldDefn* field = defn->GetFieldDefn(i);
        ColumnType type = ColumnType::text;
        if (field->GetType() == OFTInteger || field->GetType() == OFTInteger64) {
            type = ColumnType::integer;
        } else if (field->GetType() == OFTReal) {
            type = ColumnType::real;
        }
        table.columns.push_back(TableColumn{field->GetNameRef(), type});
    }
    layer->ResetReading();
    for (const auto& feature : *layer) {
        std::vector<TableValue> row;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            if (!feature->IsFieldSetAndNotNull(i)) {
                row.emplace_back(std::monostate{});
                continue;
            }
            switch (table.columns[static_cast<std::size_t>(i)].type) {
            case ColumnType::integer: row.emplace_back(static_cast<std::int64_t>(feature->GetFieldAsInteger64(i))); break;
            case ColumnType::real: row.emplace_back(feature->GetFieldAsDouble(i)); break;
            case ColumnType::text: row.emplace_back(std::string(feature->GetFieldAsString(i))); break;
            }
        }
        table.rows.push_back(std::move(row));
    }
    return table;
}

} // namespace migratlas::workspace
