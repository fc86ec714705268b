#include "disclose/published_files.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/gdal_util.hpp"
#include "disclose/published_tiles.hpp"
#include "geo/source_reader.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace migratlas::disclose {

namespace {

using Json = nlohmann::json;

Json read_descriptor(const std::filesystem::path& path)
{
    std::ifstream in(path);
    if (!in) {
        throw InputError(path.string() + ": cannot be read");
    }
    try {
        Json descriptor = Json::parse(in);
        if (!descriptor.contains("resources") || !descriptor["resources"].is_array()) {
            throw InputError(path.string() + ": not a Data Package descriptor (no resources)");
        }
        return descriptor;
    } catch (const Json::exception& e) {
        throw InputError(path.string() + ": not valid JSON: " + e.what());
    }
}

PublishedTable read_csv(const std::filesystem::path& path, const Json& resource)
{
    PublishedTable table;
    table.name = resource.value("name", "");
    table.where = path.string();
    table.resource = resource;
    CsvReader reader(path, 16U << 20);
    table.columns = reader.header();
    CsvRecord record;
    while (reader.next(record)) {
        if (!record.malformed.empty() || record.fields.size() != table.columns.size()) {
            throw InputError(path.string() + ":" + std::to_string(record.line_no) + ": malformed row (" +
                (record.malformed.empty() ? "wrong number of fields" : record.malformed) + ")");
        }
        std::vector<std::optional<std::string>> row;
        for (const auto& field : record.fields) {
            row.push_back(field.empty() ? std::nullopt : std::optional<std::string>(std::string(field)));
        }
        table.rows.push_back(std::move(row));
    }
    return table;
}

PublishedTable read_ogr_layer(GDALDataset& dataset, const std::string& layer_name, const std::string& where,
    const Json& resource)
{
    PublishedTable table;
    table.name = resource.value("name", "");
    table.where = where;
    table.resource = resource;
    OGRLayer* layer = layer_name.empty() ? dataset.GetLayer(0) : dataset.GetLayerByName(layer_name.c_str());
    if (layer == nullptr) {
        throw InputError(where + ": has no layer '" + layer_name + "' although its datapackage.json lists it");
    }
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        table.columns.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    }
    layer->ResetReading();
    for (const auto& feature : *layer) {
        std::vector<std::optional<std::string>> row;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            row.push_back(feature->IsFieldSetAndNotNull(i) ? std::optional<std::string>(feature->GetFieldAsString(i))
                                                            : std::nullopt);
        }
        table.rows.push_back(std::move(row));
    }
    return table;
}

GDALDatasetUniquePtr open_ogr(const std::string& path, const std::string& label)
{
    gdal_register_all();
    GdalErrorCollector errors;
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!dataset) {
        throw InputError(label + ": cannot be opened: " + errors.text());
    }
    return dataset;
}

/// SDMX-CSV back to one row per cell: the dimensions mapped back to the table's codes, one value
/// and one status column per measure.
PublishedTable unpivot_sdmx(const PublishedTable& observations)
{
    const Json& sdmx = observations.resource["migratlas"]["sdmx"];
    PublishedTable table;
    table.name = observations.name;
    table.where = observations.where;
    table.resource = observations.resource;
    std::vector<std::size_t> dimension_index;
    std::vector<std::map<std::string, std::string>> back;
    for (const Json& dimension : sdmx["dimensions"]) {
        table.columns.push_back(dimension["column"].get<std::string>());
        const auto index = observations.column(dimension["id"].get<std::string>());
        if (!index) {
            throw InputError(observations.where + ": SDMX-CSV without its dimension " + dimension["id"].get<std::string>());
        }
        dimension_index.push_back(*index);
        std::map<std::string, std::string> codes;
        for (const auto& [original, code] : dimension["codes"].items()) {
            codes[code.get<std::string>()] = original;
        }
        back.push_back(std::move(codes));
    }
    std::map<std::string, std::pair<std::size_t, std::size_t>> measure_columns;  // code -> (value, status)
    for (const Json& measure : sdmx["measures"]) {
        const std::size_t value = table.columns.size();
        table.columns.push_back(measure["column"].get<std::string>());
        table.columns.push_back(measure["column"].get<std::string>() + "_status");
        measure_columns[measure["code"].get<std::string>()] = {value, value + 1};
    }
    std::map<std::string, std::string> status_of_conf;
    for (const auto& [status, codes] : sdmx["status"].items()) {
        const std::string conf = codes["CONF_STATUS"].get<std::string>();
        if (status_of_conf.count(conf) == 0) {
            status_of_conf[conf] = status;
        }
    }
    const auto measure = observations.column("MEASURE");
    const auto value = observations.column("OBS_VALUE");
    const auto conf = observations.column("CONF_STATUS");
    if (!measure || !value || !conf) {
        throw InputError(observations.where + ": SDMX-CSV without MEASURE, OBS_VALUE or CONF_STATUS");
    }
    std::map<std::vector<std::string>, std::size_t> row_of_key;
    for (const auto& observation : observations.rows) {
        std::vector<std::string> key;
        for (std::size_t d = 0; d < dimension_index.size(); ++d) {
            const std::string code = observation[dimension_index[d]].value_or("");
            const auto original = back[d].find(code);
            key.push_back(original == back[d].end() ? code : original->second);
        }
        auto [it, added] = row_of_key.emplace(key, table.rows.size());
        if (added) {
            std::vector<std::optional<std::string>> row(table.columns.size());
            for (std::size_t d = 0; d < key.size(); ++d) {
                row[d] = key[d];
            }
            table.rows.push_back(std::move(row));
        }
        const auto columns = measure_columns.find(observation[*measure].value_or(""));
        if (columns == measure_columns.end()) {
            throw InputError(observations.where + ": unknown MEASURE '" + observation[*measure].value_or("") + "'");
        }
        auto& row = table.rows[it->second];
        row[columns->second.first] = observation[*value];
        const auto status = status_of_conf.find(observation[*conf].value_or(""));
        row[columns->second.second] = status == status_of_conf.end() ? observation[*conf] : status->second;
    }
    return table;
}

void read_resources(const std::filesystem::path& folder, const Json& descriptor, const std::string& only_file,
    PublishedSet& set)
{
    for (const Json& resource : descriptor["resources"]) {
        const std::string path = resource.value("path", "");
        if (!only_file.empty() && path != only_file) {
            continue;
        }
        const std::string format = resource.value("format", "");
        const std::filesystem::path file = folder / path;
        if (format == "csv") {
            set.tables.push_back(read_csv(file, resource));
        } else if (format == "sdmx-csv") {
            set.tables.push_back(unpivot_sdmx(read_csv(file, resource)));
        } else if (format == "geojson" || format == "gpkg") {
            GDALDatasetUniquePtr dataset = open_ogr(file.string(), file.string());
            const std::string layer = resource.value("layer", "");
            set.tables.push_back(read_ogr_layer(*dataset, layer, file.string() + (layer.empty() ? "" : ":" + layer), resource));
        } else {
            set.notes.push_back(file.string() + ": format '" + format + "' is scanned for identifiers only");
        }
    }
}

void collect_files(const std::filesystem::path& path, PublishedSet& set)
{
    if (std::filesystem::is_directory(path)) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
            if (entry.is_regular_file()) {
                set.files.push_back(entry.path());
            }
        }
    } else {
        set.files.push_back(path);
    }
}

const std::string metadata_less =
    "; the audit re-derives each table's structure from the metadata an export writes (datapackage.json, "
    "migratlas export) or a tileset carries (migratlas tiles), so a file without it cannot be audited";

/// An export folder, a folder of tilesets, or one holding both (a static viewer site: data/ and
/// tiles/): every datapackage.json and every tileset under it, every file scanned.
void read_folder(const std::filesystem::path& folder, const TileChecks& checks, PublishedSet& set)
{
    std::vector<std::filesystem::path> descriptors;
    std::vector<std::filesystem::path> tilesets;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        if (entry.path().filename() == "datapackage.json") {
            descriptors.push_back(entry.path());
        } else if (is_tileset(entry.path())) {
            tilesets.push_back(entry.path());
        }
    }
    if (descriptors.empty() && tilesets.empty()) {
        throw InputError(folder.string() + ": no datapackage.json nor tileset in it" + metadata_less);
    }
    std::sort(descriptors.begin(), descriptors.end());
    std::sort(tilesets.begin(), tilesets.end());
    collect_files(folder, set);
    for (const auto& descriptor : descriptors) {
        read_resources(descriptor.parent_path(), read_descriptor(descriptor), std::string(), set);
    }
    for (const auto& tileset : tilesets) {
        read_tileset(tileset, checks, set);
    }
}

/// One file of an export folder (or its datapackage.json): that resource, with its descriptor.
void read_file_of_export(const std::filesystem::path& file, PublishedSet& set)
{
    const std::filesystem::path base = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    const std::filesystem::path descriptor = base / "datapackage.json";
    if (!std::filesystem::exists(descriptor)) {
        throw InputError(file.string() + ": no datapackage.json beside it" + metadata_less);
    }
    set.files.push_back(file);
    set.files.push_back(descriptor);
    const bool is_descriptor = file.filename() == "datapackage.json";
    read_resources(base, read_descriptor(descriptor), is_descriptor ? std::string() : file.filename().string(), set);
}

void read_database(const std::string& connection, PublishedSet& set)
{
    const std::string label = geo::source_label(connection);
    GDALDatasetUniquePtr dataset = open_ogr(connection, label);
    OGRLayer* meta = dataset->GetLayerByName("migratlas_datapackage");
    if (meta == nullptr) {
        throw InputError(label + ": no migratlas_datapackage table: the audit needs the metadata an export writes "
                                 "(export with migratlas export --format pg)");
    }
    std::map<std::string, Json> descriptors;
    for (const auto& feature : *meta) {
        descriptors[feature->GetFieldAsString("table_name")] = Json::parse(feature->GetFieldAsString("datapackage"));
    }
    for (const auto& [table_name, descriptor] : descriptors) {
        for (const Json& resource : descriptor["resources"]) {
            if (resource.value("name", "") != table_name) {
                continue;
            }
            PublishedTable table = read_ogr_layer(*dataset, table_name, label + " table " + table_name, resource);
            std::string text;
            for (const auto& row : table.rows) {
                for (const auto& value : row) {
                    text += value.value_or("");
                    text += '\n';
                }
            }
            set.database_text.push_back(std::move(text));
            set.tables.push_back(std::move(table));
        }
        set.database_text.push_back(descriptor.dump());
    }
}

} // namespace

std::optional<std::size_t> PublishedTable::column(const std::string& wanted) const
{
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] == wanted) {
            return i;
        }
    }
    return std::nullopt;
}

PublishedSet read_published(const std::vector<std::string>& paths, const TileChecks& checks)
{
    PublishedSet set;
    for (const std::string& path : paths) {
        if (path.rfind("PG:", 0) == 0) {
            read_database(path, set);
            continue;
        }
        const std::filesystem::path given(path);
        if (!std::filesystem::exists(given)) {
            throw InputError(path + ": no such file or folder");
        }
        if (std::filesystem::is_directory(given)) {
            read_folder(given, checks, set);
        } else if (is_tileset(given)) {
            set.files.push_back(given);
            read_tileset(given, checks, set);
        } else {
            read_file_of_export(given, set);
        }
    }
    return set;
}

} // namespace migratlas::disclose
