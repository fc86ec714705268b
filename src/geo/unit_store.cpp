#include "geo/unit_store.hpp"

#include "common/error.hpp"
#include "common/products/geo.hpp"
#include "workspace/product_io.hpp"
#include "common/gdal_util.hpp"
#include "geo/ogr_convert.hpp"

#include <ogr_spatialref.h>

#include <algorithm>
#include <string>

namespace migratlas::geo {

namespace {

const std::string units_layer_name(products::units.name);
const std::string neighbours_table_name(products::unit_neighbours.name);

std::string dataset_name(GDALDataset& dataset)
{
    return dataset.GetDescription();
}

} // namespace

bool has_units(GDALDataset& dataset)
{
    return workspace::has_product(dataset, products::units);
}

std::vector<Unit> read_units(GDALDataset& dataset, const GeosContext& geos)
{
    OGRLayer* layer = dataset.GetLayerByName(units_layer_name.c_str());
    if (layer == nullptr) {
        throw InputError(dataset_name(dataset) + ": has no 'units' layer; import geographies first with "
            "'migratlas geo import SOURCE ... --workspace " + dataset_name(dataset) + "'");
    }
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (const ColumnSpec& column : products::units.columns) {
        if (defn->GetFieldIndex(std::string(column.name).c_str()) < 0) {
            throw InputError(dataset_name(dataset) + ": layer 'units' has no field '" + std::string(column.name) +
                "'; it was not written by migratlas geo import");
        }
    }
    const int i_code = defn->GetFieldIndex("code");
    const int i_name = defn->GetFieldIndex("name");
    const int i_level = defn->GetFieldIndex("level");
    const int i_parent = defn->GetFieldIndex("parent_code");
    const int i_area = defn->GetFieldIndex("area_km2");
    const int i_lon = defn->GetFieldIndex("rep_lon");
    const int i_lat = defn->GetFieldIndex("rep_lat");
    const int i_source = defn->GetFieldIndex("source");

    std::vector<Unit> units;
    layer->ResetReading();
    for (const auto& feature : *layer) {
        Unit unit;
        unit.info.code = feature->GetFieldAsString(i_code);
        unit.info.name = feature->GetFieldAsString(i_name);
        unit.info.level = feature->GetFieldAsInteger(i_level);
        unit.info.parent_code = feature->GetFieldAsString(i_parent);
        unit.info.area_km2 = feature->GetFieldAsDouble(i_area);
        unit.info.rep_lon = feature->GetFieldAsDouble(i_lon);
        unit.info.rep_lat = feature->GetFieldAsDouble(i_lat);
        unit.source = feature->GetFieldAsString(i_source);
        const OGRGeometry* geometry = feature->GetGeometryRef();
        if (geometry == nullptr) {
            throw InputError(dataset_name(dataset) + ": unit '" + unit.info.code +
                "' in layer 'units' has no geometry; re-import its source");
        }
        unit.geometry = to_geos(geos, *geometry);
        units.push_back(std::move(unit));
    }
    return units;
}

void write_units(workspace::Workspace& workspace, const GeosContext& geos, const std::vector<Unit>& units)
{
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer& layer = workspace.replace_layer(units_layer_name, &wgs84, wkbMultiPolygon);
    GdalErrorCollector errors;
    for (const ColumnSpec& column : products::units.columns) {
        // The only integer column, level, is stored as a 32-bit integer, as every workspace has it.
        const OGRFieldType type = column.type == ColumnType::integer ? OFTInteger
            : column.type == ColumnType::real                         ? OFTReal
                                                                      : OFTString;
        const std::string name(column.name);
        OGRFieldDefn field(name.c_str(), type);
        if (layer.CreateField(&field) != OGRERR_NONE) {
            throw Error(workspace.path().string() + ": cannot add field '" + name + "' to 'units': " + errors.text());
        }
    }
    std::vector<const Unit*> order;
    for (const auto& unit : units) {
        order.push_back(&unit);
    }
    std::sort(order.begin(), order.end(), [](const Unit* a, const Unit* b) {
        return a->info.level != b->info.level ? a->info.level < b->info.level : a->info.code < b->info.code;
    });
    for (const Unit* unit : order) {  // inside the Workspace's transaction
        OGRFeature feature(layer.GetLayerDefn());
        feature.SetField("code", unit->info.code.c_str());
        feature.SetField("name", unit->info.name.c_str());
        feature.SetField("level", unit->info.level);
        if (unit->info.parent_code.empty()) {
            feature.SetFieldNull(feature.GetFieldIndex("parent_code"));
        } else {
            feature.SetField("parent_code", unit->info.parent_code.c_str());
        }
        feature.SetField("area_km2", unit->info.area_km2);
        feature.SetField("rep_lon", unit->info.rep_lon);
        feature.SetField("rep_lat", unit->info.rep_lat);
        feature.SetField("source", unit->source.c_str());
        std::unique_ptr<OGRGeometry> geometry = to_ogr(geos, unit->geometry.get());
        geometry = std::unique_ptr<OGRGeometry>(OGRGeometryFactory::forceToMultiPolygon(geometry.release()));
        geometry->assignSpatialReference(&wgs84);
        feature.SetGeometryDirectly(geometry.release());
        if (layer.CreateFeature(&feature) != OGRERR_NONE) {
            throw Error(workspace.path().string() + ": cannot write unit '" + unit->info.code + "': " + errors.text());
        }
    }
}

std::vector<Neighbour> read_neighbours(GDALDataset& dataset)
{
    std::vector<Neighbour> rows;
    if (!workspace::has_product(dataset, products::unit_neighbours)) {
        return rows;
    }
    const Table table = workspace::read_product(dataset, products::unit_neighbours);
    const ProductSpec& spec = products::unit_neighbours;
    const std::size_t a = spec.column_index("code_a"), b = spec.column_index("code_b"),
                      level = spec.column_index("level"), km = spec.column_index("shared_border_km");
    for (const auto& row : table.rows) {
        Neighbour n;
        if (const auto* s = std::get_if<std::string>(&row[a])) n.code_a = *s;
        if (const auto* s = std::get_if<std::string>(&row[b])) n.code_b = *s;
        if (const auto* i = std::get_if<std::int64_t>(&row[level])) n.level = static_cast<int>(*i);
        if (const auto* d = std::get_if<double>(&row[km])) n.shared_border_km = *d;
        rows.push_back(std::move(n));
    }
    return rows;
}

void write_neighbours(workspace::Workspace& workspace, const std::vector<Neighbour>& neighbours)
{
    Table table = products::unit_neighbours.make_table();
    for (const auto& n : neighbours) {
        table.rows.push_back({n.code_a, n.code_b, static_cast<std::int64_t>(n.level), n.shared_border_km});
    }
    workspace::write_product(workspace, products::unit_neighbours, table);
}

} // namespace migratlas::geo
