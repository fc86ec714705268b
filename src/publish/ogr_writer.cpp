#include "publish/ogr_writer.hpp"

#include "common/error.hpp"
#include "common/gdal_util.hpp"
#include "common/product_ogr.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>

namespace migratlas::publish {

namespace {

GDALDriver& driver(const char* name)
{
    gdal_register_all();
    GDALDriver* found = GetGDALDriverManager()->GetDriverByName(name);
    if (found == nullptr) {
        throw Error(std::string("GDAL has no ") + name + " driver");
    }
    return *found;
}

class StringList {
public:
    StringList() = default;
    ~StringList() { CSLDestroy(m_list); }
    StringList(const StringList&) = delete;
    StringList& operator=(const StringList&) = delete;
    StringList& set(const char* name, const char* value)
    {
        m_list = CSLSetNameValue(m_list, name, value);
        return *this;
    }
    [[nodiscard]] char** get() const { return m_list; }

private:
    char** m_list = nullptr;
};

OGRGeometry* geometry_of(const std::string& wkb, GeometryKind kind)
{
    OGRGeometry* geometry = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &geometry, wkb.size()) != OGRERR_NONE) {
        throw Error("a published row has an invalid geometry");
    }
    if (kind == GeometryKind::line) {
        geometry = OGRGeometryFactory::forceToMultiLineString(geometry);
    } else if (kind == GeometryKind::polygon) {
        geometry = OGRGeometryFactory::forceToMultiPolygon(geometry);
    }
    return geometry;
}

/// Creates `layer` in `dataset` and writes every row; throws with GDAL's message on failure.
void write_layer(GDALDataset& dataset, const disclose::PublishedLayer& layer, const std::string& where,
    const StringList& options, Progress& progress)
{
    GdalErrorCollector errors;
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const bool with_geometry = layer.geometry() != GeometryKind::none;
    OGRLayer* out = dataset.CreateLayer(layer.name().c_str(), with_geometry ? &wgs84 : nullptr,
        ogr_geometry_type(layer.geometry()), options.get());
    if (out == nullptr) {
        throw Error(where + ": cannot create layer '" + layer.name() + "': " + errors.text());
    }
    for (const disclose::PublishedColumn& column : layer.columns()) {
        OGRFieldDefn field(column.name.c_str(), ogr_field_type(column.type));
        if (out->CreateField(&field) != OGRERR_NONE) {
            throw Error(where + ": cannot add column '" + column.name + "' to '" + layer.name() + "': " + errors.text());
        }
    }
    const Table& table = layer.table();
    progress.start("writing " + layer.name());
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        OGRFeature feature(out->GetLayerDefn());
        const auto& row = table.rows[r];
        for (std::size_t i = 0; i < row.size(); ++i) {
            const auto field = static_cast<int>(i);
            if (const auto* integer = std::get_if<std::int64_t>(&row[i])) {
                feature.SetField(field, static_cast<GIntBig>(*integer));
            } else if (const auto* real = std::get_if<double>(&row[i])) {
                feature.SetField(field, *real);
            } else if (const auto* text = std::get_if<std::string>(&row[i])) {
                feature.SetField(field, text->c_str());
            } else {
                feature.SetFieldNull(field);
            }
        }
        if (with_geometry && !table.geometry_wkb[r].empty()) {
            feature.SetGeometryDirectly(geometry_of(table.geometry_wkb[r], layer.geometry()));
        }
        if (out->CreateFeature(&feature) != OGRERR_NONE) {
            throw Error(where + ": cannot write a row of '" + layer.name() + "': " + errors.text());
        }
        if (r % 4096 == 0) {
            progress.update(static_cast<double>(r) / static_cast<double>(table.rows.size()));
        }
    }
    progress.finish();
}

GDALDatasetUniquePtr create_file(const char* driver_name, const std::filesystem::path& path)
{
    GdalErrorCollector errors;
    GDALDatasetUniquePtr dataset(driver(driver_name).Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset) {
        throw InputError(path.string() + ": cannot create: " + errors.text());
    }
    return dataset;
}

void close(GDALDatasetUniquePtr& dataset, const std::filesystem::path& path)
{
    GdalErrorCollector errors;
    dataset->FlushCache(true);
    dataset.reset();  // closing writes the rest (GeoJSON's closing brackets, GeoPackage's journal)
    if (!errors.text().empty()) {
        throw Error(path.string() + ": cannot finish writing: " + errors.text());
    }
}

} // namespace

void write_geojson(const std::filesystem::path& path, const disclose::PublishedLayer& layer)
{
    GDALDatasetUniquePtr dataset = create_file("GeoJSON", path);
    StringList options;
    options.set("RFC7946", "YES").set("WRITE_NAME", "YES");
    Progress quiet;
    write_layer(*dataset, layer, path.string(), options, quiet);
    close(dataset, path);
}

void write_geopackage(const std::filesystem::path& path, const std::vector<const disclose::PublishedLayer*>& layers,
    Progress& progress)
{
    GDALDatasetUniquePtr dataset = create_file("GPKG", path);
    for (const disclose::PublishedLayer* layer : layers) {
        StringList options;
        if (layer->geometry() == GeometryKind::none) {
            options.set("ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
        }
        options.set("DESCRIPTION", layer->metadata().disclosure.c_str());
        GdalErrorCollector errors;
        if (dataset->StartTransaction() != OGRERR_NONE) {
            throw Error(path.string() + ": cannot start a transaction: " + errors.text());
        }
        write_layer(*dataset, *layer, path.string(), options, progress);
        if (dataset->CommitTransaction() != OGRERR_NONE) {
            throw Error(path.string() + ": cannot commit '" + layer->name() + "': " + errors.text());
        }
    }
    close(dataset, path);
}

void write_postgis(const std::string& connection, const std::string& label,
    const std::vector<const disclose::PublishedLayer*>& layers, const std::string& descriptor, Progress& progress)
{
    gdal_register_all();
    GdalErrorCollector errors;
    const char* drivers[] = {"PostgreSQL", nullptr};
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(connection.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr));
    if (!dataset) {
        std::string reason = errors.text();
        // libpq repeats the connection string in some messages: keep the password out of them.
        for (std::size_t at = reason.find("password="); at != std::string::npos; at = reason.find("password=", at + 1)) {
            const std::size_t end = reason.find_first_of(" '\"", at + 9);
            reason.replace(at + 9, (end == std::string::npos ? reason.size() : end) - (at + 9), "***");
        }
        throw InputError(label + ": cannot connect to PostgreSQL: " + (reason.empty() ? "no reason given" : reason) +
            "; nothing was written");
    }
    if (dataset->StartTransaction(FALSE) != OGRERR_NONE) {
        throw Error(label + ": cannot start a transaction: " + errors.text());
    }
    try {
        for (const disclose::PublishedLayer* layer : layers) {
            StringList options;
            options.set("OVERWRITE", "YES").set("LAUNDER", "NO").set("GEOMETRY_NAME", "geom").set("FID", "fid");
            options.set("DESCRIPTION", layer->metadata().disclosure.c_str());
            write_layer(*dataset, *layer, label, options, progress);
        }
        // The descriptor of this export, one row per table it wrote (replacing older rows).
        OGRLayer* meta = dataset->GetLayerByName("migratlas_datapackage");
        if (meta == nullptr) {
            StringList options;
            options.set("LAUNDER", "NO").set("FID", "fid");
            meta = dataset->CreateLayer("migratlas_datapackage", nullptr, wkbNone, options.get());
            OGRFieldDefn table("table_name", OFTString);
            OGRFieldDefn text("datapackage", OFTString);
            if (meta == nullptr || meta->CreateField(&table) != OGRERR_NONE || meta->CreateField(&text) != OGRERR_NONE) {
                throw Error(label + ": cannot create table migratlas_datapackage: " + errors.text());
            }
        }
        for (const disclose::PublishedLayer* layer : layers) {
            meta->SetAttributeFilter(("table_name = '" + layer->name() + "'").c_str());
            std::vector<GIntBig> old;
            for (const auto& feature : *meta) {
                old.push_back(feature->GetFID());
            }
            for (const GIntBig fid : old) {
                if (meta->DeleteFeature(fid) != OGRERR_NONE) {
                    throw Error(label + ": cannot replace the datapackage of '" + layer->name() + "': " + errors.text());
                }
            }
            meta->SetAttributeFilter(nullptr);
            OGRFeature feature(meta->GetLayerDefn());
            feature.SetField("table_name", layer->name().c_str());
            feature.SetField("datapackage", descriptor.c_str());
            if (meta->CreateFeature(&feature) != OGRERR_NONE) {
                throw Error(label + ": cannot record the datapackage of '" + layer->name() + "': " + errors.text());
            }
        }
        if (dataset->CommitTransaction() != OGRERR_NONE) {
            throw Error(label + ": cannot commit: " + errors.text());
        }
    } catch (...) {
        dataset->RollbackTransaction();
        throw;
    }
}

} // namespace migratlas::publish
