#include "render/layer_source.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/gdal_util.hpp"
#include "common/parse.hpp"
#include "render/atlas_parser.hpp"

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

namespace migratlas::render {

std::string value_text(const TableValue& value)
{
    if (const auto* text = std::get_if<std::string>(&value)) {
        return *text;
    }
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        return std::to_string(*integer);
    }
    if (const auto* real = std::get_if<double>(&value)) {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.15g", *real);
        return buffer;
    }
    return {};
}

std::optional<double> value_number(const TableValue& value)
{
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        return static_cast<double>(*integer);
    }
    if (const auto* real = std::get_if<double>(&value)) {
        return std::isfinite(*real) ? std::optional<double>(*real) : std::nullopt;
    }
    if (const auto* text = std::get_if<std::string>(&value)) {
        return parse_double(*text);
    }
    return std::nullopt;
}

namespace {

GDALDatasetUniquePtr open_source(const InputSpec& input, const std::string& source)
{
    CPLStringList options;
    if (!input.x_field.empty()) {
        options.AddNameValue("X_POSSIBLE_NAMES", input.x_field.c_str());
        options.AddNameValue("Y_POSSIBLE_NAMES", input.y_field.c_str());
        options.AddNameValue("KEEP_GEOM_COLUMNS", "YES");
    }
    GdalErrorCollector errors;
    GDALDatasetUniquePtr dataset(GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
        options.List(), nullptr));
    if (!dataset) {
        throw AtlasError(input.source.pos, "input '" + input.name + "': cannot open '" + source + "' as a vector source" +
                (errors.text().empty() ? "" : ": " + errors.text()));
    }
    return dataset;
}

OGRLayer* pick_layer(GDALDataset& dataset, const InputSpec& input, const std::string& source)
{
    if (!input.layer.empty()) {
        if (auto* layer = dataset.GetLayerByName(input.layer.c_str())) {
            return layer;
        }
    } else if (dataset.GetLayerCount() == 1) {
        return dataset.GetLayer(0);
    }
    std::string names;
    for (int i = 0; i < dataset.GetLayerCount(); ++i) {
        names += (names.empty() ? "'" : ", '") + std::string(dataset.GetLayer(i)->GetName()) + "'";
    }
    throw AtlasError(input.pos, "input '" + input.name + "': " + source +
            (input.layer.empty() ? " has several layers (" + names + "); choose one with layer:"
                                 : " has no layer '" + input.layer + "' (layers: " + names + ")"));
}

/// The transformation to EPSG:4326 lon/lat, or null when the layer is already there.
std::unique_ptr<OGRCoordinateTransformation> to_wgs84(OGRLayer& layer, const InputSpec& input, const std::string& source_path,
    Diagnostics& diagnostics)
{
    OGRSpatialReference target;
    target.importFromEPSG(4326);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference assumed;
    const OGRSpatialReference* source = layer.GetSpatialRef();
    if (!input.assume_srs.empty()) {
        if (assumed.SetFromUserInput(input.assume_srs.c_str()) != OGRERR_NONE) {
            throw AtlasError(input.pos, "input '" + input.name + "': unknown srs '" + input.assume_srs + "'");
        }
        source = &assumed;
    } else if (source == nullptr) {
        diagnostics.info("crs_assumed", {source_path, 0, 0},
            "input '" + input.name + "' declares no CRS; taken as EPSG:4326 lon/lat (set srs: to change)");
        return nullptr;
    }
    OGRSpatialReference copy(*source);
    copy.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (copy.IsSame(&target)) {
        return nullptr;
    }
    std::unique_ptr<OGRCoordinateTransformation> transform(OGRCreateCoordinateTransformation(&copy, &target));
    if (!transform) {
        throw AtlasError(input.pos, "input '" + input.name + "': no transformation from its CRS to EPSG:4326");
    }
    return transform;
}

ColumnType column_type(OGRFieldType type)
{
    switch (type) {
    case OFTInteger:
    case OFTInteger64: return ColumnType::integer;
    case OFTReal: return ColumnType::real;
    default: return ColumnType::text;
    }
}

GeometryKind geometry_kind(OGRwkbGeometryType type)
{
    switch (wkbFlatten(type)) {
    case wkbPoint:
    case wkbMultiPoint: return GeometryKind::point;
    case wkbLineString:
    case wkbMultiLineString: return GeometryKind::line;
    case wkbPolygon:
    case wkbMultiPolygon: return GeometryKind::polygon;
    default: return GeometryKind::none;
    }
}

TableValue field_value(OGRFeature& feature, int index, ColumnType type)
{
    if (!feature.IsFieldSetAndNotNull(index)) {
        return std::monostate{};
    }
    switch (type) {
    case ColumnType::integer: return static_cast<std::int64_t>(feature.GetFieldAsInteger64(index));
    case ColumnType::real: return feature.GetFieldAsDouble(index);
    default: return std::string(feature.GetFieldAsString(index));
    }
}

} // namespace

struct InputSources::Open {
    /// source and open options -> the dataset
    std::map<std::string, GDALDatasetUniquePtr> datasets;
};

InputSources::InputSources() : m_open(std::make_unique<Open>()) {}

InputSources::~InputSources() = default;

FeatureLayer InputSources::read(const InputSpec& input, const std::string& source, Diagnostics& diagnostics)
{
    gdal_register_all();
    auto& dataset = m_open->datasets[source + '\n' + input.x_field + '\n' + input.y_field];
    if (!dataset) {
        dataset = open_source(input, source);
    }
    OGRLayer* layer = pick_layer(*dataset, input, source);
    // The layer may have been read before, by another input with its own filter.
    layer->ResetReading();
    {
        GdalErrorCollector errors;
        if (layer->SetAttributeFilter(input.where.empty() ? nullptr : input.where.c_str()) != OGRERR_NONE) {
            throw AtlasError(input.pos, "input '" + input.name + "': bad where '" + input.where + "': " + errors.text());
        }
    }
    const auto transform = to_wgs84(*layer, input, source, diagnostics);
    FeatureLayer result;
    result.name = input.name;
    result.table.name = input.name;
    result.metadata.product = input.name;
    // No checksum: the pages name their data files, and no output of render carries a SHA-256
    // (hashing the demo's inputs cost 1.3% of a one-page run).
    result.metadata.sources.push_back({"input:" + input.name, source, {}});
    OGRFeatureDefn* definition = layer->GetLayerDefn();
    for (int i = 0; i < definition->GetFieldCount(); ++i) {
        result.table.columns.push_back({definition->GetFieldDefn(i)->GetNameRef(), column_type(definition->GetFieldDefn(i)->GetType())});
    }
    result.geometry = geometry_kind(layer->GetGeomType());
    std::uint64_t number = 0;
    for (auto& feature : *layer) {
        ++number;
        OGRGeometry* geometry = feature->GetGeometryRef();
        const SourcePos pos{source, number, 0};
        if (geometry == nullptr || geometry->IsEmpty()) {
            diagnostics.reject("no_geometry", pos, "input '" + input.name + "': feature " + std::to_string(number) +
                    " (FID " + std::to_string(feature->GetFID()) + ") has no geometry; not drawn");
            continue;
        }
        if (transform && geometry->transform(transform.get()) != OGRERR_NONE) {
            diagnostics.reject("bad_coordinates", pos, "input '" + input.name + "': feature " + std::to_string(number) +
                    " cannot be reprojected to EPSG:4326");
            continue;
        }
        geometry->flattenTo2D();
        if (result.geometry == GeometryKind::none) {
            result.geometry = geometry_kind(geometry->getGeometryType());
        }
        std::string wkb(static_cast<std::size_t>(geometry->WkbSize()), '\0');
        geometry->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
        std::vector<TableValue> row;
        row.reserve(result.table.columns.size());
        for (std::size_t i = 0; i < result.table.columns.size(); ++i) {
            row.push_back(field_value(*feature, static_cast<int>(i), result.table.columns[i].type));
        }
        result.table.rows.push_back(std::move(row));
        result.table.geometry_wkb.push_back(std::move(wkb));
    }
    if (result.table.rows.empty()) {
        throw AtlasError(input.pos, "input '" + input.name + "': no feature with a geometry in " + source +
                (input.where.empty() ? "" : " where " + input.where));
    }
    return result;
}

namespace {

struct TableColumns {
    std::size_t key = 0;
    std::vector<std::pair<std::size_t, std::vector<std::size_t>>> filters;
    std::vector<std::size_t> excludes;
    std::vector<std::vector<std::size_t>> sums;
    std::vector<std::vector<std::size_t>> value_filters;  ///< per value: the columns of its where
    std::vector<std::size_t> texts;
};

std::size_t table_column(const CsvReader& reader, const Located<std::string>& name, const TableSpec& spec)
{
    const auto column = reader.column(name.value);
    if (!column) {
        std::string header;
        for (const auto& field : reader.header()) {
            header += (header.empty() ? "" : ", ") + field;
        }
        throw AtlasError(name.pos, "table '" + spec.name + "': " + reader.path().string() + " has no column '" + name.value +
                "' (columns: " + header + ")");
    }
    return *column;
}

TableColumns resolve_columns(const CsvReader& reader, const TableSpec& spec)
{
    TableColumns columns;
    columns.key = table_column(reader, spec.key, spec);
    for (const auto& [name, values] : spec.filter) {
        columns.filters.emplace_back(table_column(reader, name, spec), std::vector<std::size_t>{});
    }
    for (const auto& [name, values] : spec.exclude) {
        columns.excludes.push_back(table_column(reader, name, spec));
    }
    for (const auto& value : spec.values) {
        std::vector<std::size_t> indexes;
        for (const auto& source : value.columns) {
            indexes.push_back(table_column(reader, source, spec));
        }
        columns.sums.push_back(std::move(indexes));
        std::vector<std::size_t> filter_columns;
        for (const auto& [name, accepted] : value.where) {
            filter_columns.push_back(table_column(reader, name, spec));
        }
        columns.value_filters.push_back(std::move(filter_columns));
    }
    for (const auto& name : spec.text_columns) {
        columns.texts.push_back(table_column(reader, name, spec));
    }
    return columns;
}

bool passes_filter(const CsvRecord& record, const TableSpec& spec, const TableColumns& columns)
{
    for (std::size_t f = 0; f < spec.filter.size(); ++f) {
        const auto field = record.fields[columns.filters[f].first];
        const auto& accepted = spec.filter[f].second;
        if (std::find(accepted.begin(), accepted.end(), std::string(field)) == accepted.end()) {
            return false;
        }
    }
    for (std::size_t e = 0; e < spec.exclude.size(); ++e) {
        const auto& excluded = spec.exclude[e].second;
        if (std::find(excluded.begin(), excluded.end(), std::string(record.fields[columns.excludes[e]])) != excluded.end()) {
            return false;
        }
    }
    return true;
}

bool value_passes(const CsvRecord& record, const TableSpec::Value& value, const std::vector<std::size_t>& filter_columns)
{
    for (std::size_t f = 0; f < value.where.size(); ++f) {
        const auto& accepted = value.where[f].second;
        if (std::find(accepted.begin(), accepted.end(), std::string(record.fields[filter_columns[f]])) == accepted.end()) {
            return false;
        }
    }
    return true;
}

} // namespace

JoinTable read_join_table(const TableSpec& spec, const std::string& path, Diagnostics& diagnostics)
{
    if (!std::filesystem::is_regular_file(path)) {
        throw AtlasError(spec.path.pos, "table '" + spec.name + "': no file '" + path + "'");
    }
    CsvReader reader(path);
    const TableColumns columns = resolve_columns(reader, spec);
    JoinTable table;
    table.name = spec.name;
    table.source = {"table:" + spec.name, path, {}};  // no checksum, as for the inputs
    for (const auto& value : spec.values) {
        table.columns.push_back({value.name.value, ColumnType::real});
    }
    for (const auto& name : spec.text_columns) {
        table.columns.push_back({name.value, ColumnType::text});
    }
    CsvRecord record;
    while (reader.next(record)) {
        ++table.rows_read;
        if (!record.malformed.empty() || record.fields.size() != reader.header().size()) {
            diagnostics.reject("bad_record", reader.pos(record), "table '" + spec.name + "': " +
                    (record.malformed.empty() ? "wrong number of fields" : record.malformed));
            continue;
        }
        if (!passes_filter(record, spec, columns)) {
            continue;
        }
        std::vector<TableValue> values(table.columns.size());
        bool bad = false;
        for (std::size_t v = 0; v < columns.sums.size() && !bad; ++v) {
            if (!value_passes(record, spec.values[v], columns.value_filters[v])) {
                continue;
            }
            for (const auto index : columns.sums[v]) {
                const auto field = record.fields[index];
                if (field.empty() || field == "NA") {
                    continue;  // missing stays missing: a sum of nothing is not 0
                }
                const auto number = parse_double(field);
                if (!number) {
                    diagnostics.reject("bad_number", reader.pos(record, index), "table '" + spec.name + "': '" +
                            std::string(field) + "' in column '" + reader.header()[index] + "' is not a number");
                    bad = true;
                    break;
                }
                values[v] = (std::holds_alternative<double>(values[v]) ? std::get<double>(values[v]) : 0.0) + *number;
            }
        }
        if (bad) {
            continue;
        }
        ++table.rows_kept;
        std::string key(record.fields[columns.key]);
        if (spec.key_length > 0) {
            key = key.substr(0, static_cast<std::size_t>(spec.key_length));
        }
        auto [it, inserted] = table.rows.try_emplace(key, values);
        for (std::size_t t = 0; t < columns.texts.size(); ++t) {
            if (inserted) {
                it->second[columns.sums.size() + t] = std::string(record.fields[columns.texts[t]]);
            }
        }
        if (!inserted) {
            for (std::size_t v = 0; v < columns.sums.size(); ++v) {
                if (const auto* add = std::get_if<double>(&values[v])) {
                    auto& total = it->second[v];
                    total = (std::holds_alternative<double>(total) ? std::get<double>(total) : 0.0) + *add;
                }
            }
        }
    }
    if (table.rows.empty()) {
        throw AtlasError(spec.pos, "table '" + spec.name + "': no row of " + path + " passes the filter");
    }
    return table;
}

void join_table(FeatureLayer& layer, const JoinTable& table, const Located<std::string>& on, Diagnostics& diagnostics)
{
    const auto key_column = layer.column(on.value);
    if (!key_column) {
        std::string fields;
        for (const auto& column : layer.table.columns) {
            fields += (fields.empty() ? "" : ", ") + column.name;
        }
        throw AtlasError(on.pos, "input '" + layer.name + "' has no field '" + on.value + "' to join table '" + table.name +
                "' on (fields: " + fields + ")");
    }
    const std::size_t first_new = layer.table.columns.size();
    for (const auto& column : table.columns) {
        if (layer.column(column.name)) {
            throw AtlasError(on.pos, "table '" + table.name + "' column '" + column.name + "' is already a field of input '" +
                    layer.name + "'; rename it in values:");
        }
        layer.table.columns.push_back(column);
    }
    std::set<std::string> matched;
    for (auto& row : layer.table.rows) {
        const std::string key = value_text(row[*key_column]);
        const auto found = table.rows.find(key);
        if (found == table.rows.end()) {
            row.resize(first_new + table.columns.size());
            continue;
        }
        matched.insert(key);
        row.insert(row.end(), found->second.begin(), found->second.end());
    }
    if (matched.size() < table.rows.size()) {
        std::string unmatched;
        std::size_t listed = 0;
        for (const auto& [key, values] : table.rows) {
            if (!matched.count(key) && listed++ < 8) {
                unmatched += (unmatched.empty() ? "" : ", ") + key;
            }
        }
        diagnostics.info("join_unmatched", table.source.path.empty() ? on.pos : SourcePos{table.source.path, 0, 0},
            std::to_string(table.rows.size() - matched.size()) + " keys of table '" + table.name +
                "' match no feature of '" + layer.name + "' (" + unmatched + (table.rows.size() - matched.size() > 8 ? ", ..." : "") +
                "): not drawn");
    }
    layer.metadata.sources.push_back(table.source);
}

} // namespace migratlas::render
