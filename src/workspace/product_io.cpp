#include "workspace/product_io.hpp"

#include "common/error.hpp"
#include "common/gdal_util.hpp"
#include "common/product_ogr.hpp"
#include "common/products/run_log.hpp"
#include "workspace/table_scan.hpp"

#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace migratlas::workspace {

namespace {

std::string text(std::string_view view)
{
    return std::string(view);
}

bool type_matches(OGRFieldType stored, ColumnType declared)
{
    switch (declared) {
    case ColumnType::integer: return stored == OFTInteger || stored == OFTInteger64;
    case ColumnType::real: return stored == OFTReal || stored == OFTInteger || stored == OFTInteger64;
    case ColumnType::text: return stored == OFTString;
    }
    return false;
}

OGRLayer& product_layer(GDALDataset& dataset, const ProductSpec& product)
{
    OGRLayer* layer = dataset.GetLayerByName(text(product.name).c_str());
    if (layer == nullptr) {
        throw InputError(std::string(dataset.GetDescription()) + ": has no '" + text(product.name) + "' " +
            (product.geometry == GeometryKind::none ? "table" : "layer") +
            (product.made_by.empty() ? std::string() : "; make it with '" + text(product.made_by) + "'"));
    }
    return *layer;
}

/// Field index of every declared column in the stored layer, checked.
std::vector<int> field_indices(GDALDataset& dataset, OGRLayer& layer, const ProductSpec& product)
{
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    std::vector<int> indices;
    for (const ColumnSpec& column : product.columns) {
        const int index = defn->GetFieldIndex(text(column.name).c_str());
        if (index < 0 || !type_matches(defn->GetFieldDefn(index)->GetType(), column.type)) {
            throw InputError(std::string(dataset.GetDescription()) + ": '" + text(product.name) + "' has no " +
                (index < 0 ? "column" : "column of the expected type") + " '" + text(column.name) +
                "'; it was not written by this version of migratlas (" + text(product.made_by) + ")");
        }
        indices.push_back(index);
    }
    return indices;
}

TableValue field_value(const OGRFeature& feature, int index, ColumnType type)
{
    if (!feature.IsFieldSetAndNotNull(index)) {
        return std::monostate{};
    }
    switch (type) {
    case ColumnType::integer: return static_cast<std::int64_t>(feature.GetFieldAsInteger64(index));
    case ColumnType::real: return feature.GetFieldAsDouble(index);
    case ColumnType::text: return std::string(feature.GetFieldAsString(index));
    }
    return std::monostate{};
}

/// Reads a row into `row`, reusing its strings' storage (large tables are read row after row).
void fill_row(const OGRFeature& feature, const ProductSpec& product, const std::vector<int>& indices,
    std::vector<TableValue>& row)
{
    row.resize(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const int index = indices[i];
        if (!feature.IsFieldSetAndNotNull(index)) {
            row[i] = std::monostate{};
        } else if (product.columns[i].type == ColumnType::text) {
            const char* text = feature.GetFieldAsString(index);
            if (auto* s = std::get_if<std::string>(&row[i])) {
                s->assign(text);
            } else {
                row[i] = std::string(text);
            }
        } else {
            row[i] = field_value(feature, index, product.columns[i].type);
        }
    }
}

std::vector<TableValue> read_row(const OGRFeature& feature, const ProductSpec& product, const std::vector<int>& indices)
{
    std::vector<TableValue> row;
    row.reserve(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) {
        row.push_back(field_value(feature, indices[i], product.columns[i].type));
    }
    return row;
}

std::string feature_wkb(const OGRFeature& feature)
{
    const OGRGeometry* geometry = feature.GetGeometryRef();
    if (geometry == nullptr) {
        return {};
    }
    std::string wkb(geometry->WkbSize(), '\0');
    geometry->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
    return wkb;
}

void check_table(const ProductSpec& product, const Table& table)
{
    const std::vector<TableColumn> declared = product.table_columns();
    bool same = table.columns.size() == declared.size();
    for (std::size_t i = 0; same && i < declared.size(); ++i) {
        same = table.columns[i].name == declared[i].name && table.columns[i].type == declared[i].type;
    }
    if (!same) {
        throw std::logic_error("table for product '" + text(product.name) + "' does not have its declared columns");
    }
    if (product.geometry != GeometryKind::none && table.geometry_wkb.size() != table.rows.size()) {
        throw std::logic_error("table for product '" + text(product.name) + "' lacks one geometry per row");
    }
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

OGRGeometry* geometry_from_wkb(const std::string& wkb, GeometryKind kind, const std::string& product)
{
    OGRGeometry* geometry = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &geometry, wkb.size()) != OGRERR_NONE) {
        throw std::logic_error("invalid WKB in a row of product '" + product + "'");
    }
    if (kind == GeometryKind::line) {
        geometry = OGRGeometryFactory::forceToMultiLineString(geometry);
    } else if (kind == GeometryKind::polygon) {
        geometry = OGRGeometryFactory::forceToMultiPolygon(geometry);
    }
    return geometry;
}

void write_geometry_layer(Workspace& workspace, const ProductSpec& product, const Table& table)
{
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const std::string name = text(product.name);
    OGRLayer& layer = workspace.replace_layer_indexed_at_commit(name, &wgs84, ogr_geometry_type(product.geometry));
    GdalErrorCollector errors;
    for (const TableColumn& column : table.columns) {
        const OGRFieldType type = ogr_field_type(column.type);
        OGRFieldDefn field(column.name.c_str(), type);
        if (layer.CreateField(&field) != OGRERR_NONE) {
            throw Error(workspace.path().string() + ": cannot add column '" + column.name + "': " + errors.text());
        }
    }
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        OGRFeature feature(layer.GetLayerDefn());
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            set_field(feature, static_cast<int>(i), table.rows[r][i]);
        }
        OGREnvelope envelope;
        if (!table.geometry_wkb[r].empty()) {
            OGRGeometry* geometry = geometry_from_wkb(table.geometry_wkb[r], product.geometry, name);
            if (!geometry->IsEmpty()) {
                geometry->getEnvelope(&envelope);
            }
            feature.SetGeometryDirectly(geometry);
        }
        if (layer.CreateFeature(&feature) != OGRERR_NONE) {
            throw Error(workspace.path().string() + ": cannot write a row of '" + name + "': " + errors.text());
        }
        if (envelope.IsInit()) {
            workspace.index_at_commit(name, {feature.GetFID(), envelope.MinX, envelope.MaxX, envelope.MinY, envelope.MaxY});
        }
    }
}

} // namespace

bool has_product(GDALDataset& dataset, const ProductSpec& product)
{
    return dataset.GetLayerByName(text(product.name).c_str()) != nullptr;
}

Table read_product(GDALDataset& dataset, const ProductSpec& product)
{
    Table table = product.make_table();
    const bool with_geometry = product.geometry != GeometryKind::none;
    OGRLayer& layer = product_layer(dataset, product);
    const std::vector<int> indices = field_indices(dataset, layer, product);
    layer.ResetReading();
    for (const auto& feature : layer) {
        table.rows.push_back(read_row(*feature, product, indices));
        if (with_geometry) {
            table.geometry_wkb.push_back(feature_wkb(*feature));
        }
    }
    return table;
}

void for_each_row(GDALDataset& dataset, const ProductSpec& product,
    const std::function<void(const std::vector<TableValue>& row)>& row)
{
    for_each_row(dataset, product, std::string(), row);
}

void for_each_row(GDALDataset& dataset, const ProductSpec& product, const std::string& where,
    const std::function<void(const std::vector<TableValue>& row)>& row)
{
    OGRLayer& layer = product_layer(dataset, product);
    const std::vector<int> indices = field_indices(dataset, layer, product);
    // A GeoPackage on disk is scanned through SQLite directly: building an OGRFeature per row costs
    // ten times the scan (measured on 2.8 M rows of events_monthly), and a layer's geometries, never
    // passed to `row`, are not even parsed (the units of the world: 42 MB of polygons). Not for
    // a workspace being updated: its own connection holds the uncommitted rows a second one cannot see.
    const std::filesystem::path file = dataset.GetDescription();
    if (dataset.GetAccess() == GA_ReadOnly && dataset.GetDriver() != nullptr &&
        std::string(dataset.GetDriver()->GetDescription()) == "GPKG" && std::filesystem::is_regular_file(file)) {
        scan_table(file, product, where, row);
        return;
    }
    GdalErrorCollector errors;
    if (layer.SetAttributeFilter(where.empty() ? nullptr : where.c_str()) != OGRERR_NONE) {
        throw std::logic_error("invalid attribute filter on '" + text(product.name) + "': " + where + ": " + errors.text());
    }
    layer.ResetReading();
    std::vector<TableValue> values;
    for (const auto& feature : layer) {
        fill_row(*feature, product, indices, values);
        row(values);
    }
    layer.SetAttributeFilter(nullptr);
}

RowTotals totals_where(const std::filesystem::path& path, const ProductSpec& product, const std::string& where)
{
    const std::vector<std::int64_t> sums = sum_table(path, product, where);
    RowTotals totals;
    totals.rows = sums.at(0);
    totals.counts.assign(sums.begin() + 1, sums.end());
    return totals;
}

std::optional<std::pair<std::string, std::string>> text_range(GDALDataset& dataset, const ProductSpec& product,
    std::string_view column)
{
    (void)product.column_index(column);
    (void)product_layer(dataset, product);
    const std::string sql = "SELECT MIN(\"" + std::string(column) + "\"), MAX(\"" + std::string(column) + "\") FROM \"" +
        text(product.name) + "\"";
    GdalErrorCollector errors;
    OGRLayer* result = dataset.ExecuteSQL(sql.c_str(), nullptr, "SQLITE");
    if (result == nullptr) {
        throw std::logic_error("cannot read the range of '" + std::string(column) + "': " + errors.text());
    }
    std::optional<std::pair<std::string, std::string>> range;
    std::unique_ptr<OGRFeature> feature(result->GetNextFeature());
    if (feature && feature->IsFieldSetAndNotNull(0)) {
        range.emplace(feature->GetFieldAsString(0), feature->GetFieldAsString(1));
    }
    dataset.ReleaseResultSet(result);
    return range;
}

void write_product(Workspace& workspace, const ProductSpec& product, const Table& table)
{
    check_table(product, table);
    if (product.geometry == GeometryKind::none) {
        Table named = table;
        named.name = text(product.name);
        workspace.write_table(named);
        return;
    }
    write_geometry_layer(workspace, product, table);
}

void write_metadata(Workspace& workspace, const ProductMetadata& metadata)
{
    Table table = products::product_metadata.make_table();
    GDALDataset& dataset = workspace.dataset();
    if (has_product(dataset, products::product_metadata)) {
        const Table previous = read_product(dataset, products::product_metadata);
        for (const auto& row : previous.rows) {
            if (std::get<std::string>(row[0]) != metadata.product) {
                table.rows.push_back(row);
            }
        }
    }
    std::int64_t item = 0;
    auto add = [&](const char* kind, const std::string& name, const std::string& value, const std::string& detail) {
        table.rows.push_back({metadata.product, ++item, std::string(kind), name, value, detail});
    };
    for (const auto& source : metadata.sources) {
        add("source", source.role, source.path, source.sha256);
    }
    add("method", "", metadata.method, "");
    for (const auto& [name, value] : metadata.parameters) {
        add("parameter", name, value, "");
    }
    add("period", "", metadata.period, "");
    add("created", "", metadata.created_utc, "");
    add("version", "", metadata.version, "");
    write_product(workspace, products::product_metadata, table);
}

std::optional<ProductMetadata> read_metadata(GDALDataset& dataset, const ProductSpec& product)
{
    if (!has_product(dataset, products::product_metadata)) {
        return std::nullopt;
    }
    std::optional<ProductMetadata> metadata;
    for_each_row(dataset, products::product_metadata, [&](const std::vector<TableValue>& row) {
        auto field = [&](std::size_t i) {
            const auto* s = std::get_if<std::string>(&row[i]);
            return s != nullptr ? *s : std::string();
        };
        if (field(0) != product.name) {
            return;
        }
        if (!metadata) {
            metadata.emplace();
            metadata->product = field(0);
        }
        const std::string kind = field(2);
        if (kind == "source") {
            metadata->sources.push_back({field(3), field(4), field(5)});
        } else if (kind == "method") {
            metadata->method = field(4);
        } else if (kind == "parameter") {
            metadata->parameters.emplace_back(field(3), field(4));
        } else if (kind == "period") {
            metadata->period = field(4);
        } else if (kind == "created") {
            metadata->created_utc = field(4);
        } else if (kind == "version") {
            metadata->version = field(4);
        }
    });
    return metadata;
}

} // namespace migratlas::workspace
