#include "demo/geography_writer.hpp"

#include "common/error.hpp"
#include "common/gdal_util.hpp"

#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

namespace migratlas::demo {

namespace {

/// Sets a GDAL config option for this thread only and restores the previous value on exit.
class ScopedThreadConfig {
public:
    ScopedThreadConfig(const char* key, const char* value) : m_key(key)
    {
        const char* previous = CPLGetThreadLocalConfigOption(key, nullptr);
        if (previous != nullptr) {
            m_previous = previous;
            m_had_previous = true;
        }
        CPLSetThreadLocalConfigOption(key, value);
    }
    ~ScopedThreadConfig() { CPLSetThreadLocalConfigOption(m_key, m_had_previous ? m_previous.c_str() : nullptr); }
    ScopedThreadConfig(const ScopedThreadConfig&) = delete;
    ScopedThreadConfig& operator=(const ScopedThreadConfig&) = delete;

private:
    const char* m_key;
    std::string m_previous;
    bool m_had_previous = false;
};

int to_lon_lat(double* x, double* y, void* user_data)
{
    const auto* frame = static_cast<const LocalFrame*>(user_data);
    *x = frame->lon(*x);
    *y = frame->lat(*y);
    return 1;
}

void write_layer(const geo::GeosContext& geos, const DemoRegion& region, GDALDataset& dataset,
                 OGRSpatialReference& srs, const char* layer_name, const std::vector<RegionUnit>& units,
                 const std::string& path, const GdalErrorCollector& errors)
{
    OGRLayer* layer = dataset.CreateLayer(layer_name, &srs, wkbMultiPolygon, nullptr);
    if (layer == nullptr) {
        throw InputError(path + ": cannot create layer " + layer_name + ": " + errors.text());
    }
    OGRFieldDefn code("code", OFTString);
    OGRFieldDefn name("name", OFTString);
    OGRFieldDefn parent("parent_code", OFTString);
    OGRFieldDefn level("level", OFTInteger);
    for (OGRFieldDefn* field : {&code, &name, &parent, &level}) {
        if (layer->CreateField(field) != OGRERR_NONE) {
            throw InputError(path + ": cannot create field " + field->GetNameRef() + ": " + errors.text());
        }
    }
    if (layer->StartTransaction() != OGRERR_NONE) {
        throw InputError(path + ": cannot start a transaction: " + errors.text());
    }
    auto* frame = const_cast<LocalFrame*>(&region.frame); // GEOS takes void*; the callback only reads it
    for (const RegionUnit& unit : units) {
        // Scaling x and y differently can fold a nearly collinear vertex triple: repair after it.
        const geo::GeosGeometryPtr lon_lat = to_valid_multipolygon(
            geos, geos.own(GEOSGeom_transformXY_r(geos.handle(), unit.shape.get(), &to_lon_lat, frame), "transform"),
            unit.code);
        std::unique_ptr<OGRGeometry> geometry(OGRGeometryFactory::createFromGEOS(geos.handle(), lon_lat.get()));
        if (!geometry) {
            throw DataError(path + ": cannot convert the geometry of " + unit.code + ": " + errors.text());
        }
        const OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        feature->SetField("code", unit.code.c_str());
        feature->SetField("name", unit.name.c_str());
        if (unit.parent_code.empty()) {
            feature->SetFieldNull(feature->GetFieldIndex("parent_code"));
        } else {
            feature->SetField("parent_code", unit.parent_code.c_str());
        }
        feature->SetField("level", unit.level);
        feature->SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(geometry.release()));
        if (layer->CreateFeature(feature.get()) != OGRERR_NONE) {
            throw InputError(path + ": cannot write unit " + unit.code + ": " + errors.text());
        }
    }
    if (layer->CommitTransaction() != OGRERR_NONE) {
        throw InputError(path + ": cannot commit layer " + layer_name + ": " + errors.text());
    }
}

} // namespace

void write_geographies(const geo::GeosContext& geos, const DemoRegion& region, const std::filesystem::path& path)
{
    gdal_register_all();
    GdalErrorCollector errors;
    // GeoPackage stores a last_change timestamp per layer; pinning it keeps reruns byte-identical.
    const ScopedThreadConfig fixed_date("OGR_CURRENT_DATE", "2020-01-01T00:00:00.000Z");
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (driver == nullptr) {
        throw InputError("GDAL has no GPKG driver");
    }
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset) {
        throw InputError(path.string() + ": cannot create GeoPackage: " + errors.text());
    }
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    write_layer(geos, region, *dataset, srs, "level1", region.level1, path.string(), errors);
    write_layer(geos, region, *dataset, srs, "level2", region.level2, path.string(), errors);
    write_layer(geos, region, *dataset, srs, "level3", region.level3, path.string(), errors);
    dataset.reset(); // flushes and closes the file
}

} // namespace migratlas::demo
