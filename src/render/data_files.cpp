#include "render/data_files.hpp"

#include "common/error.hpp"
#include "common/gdal_util.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

namespace migratlas::render {

namespace {

const char* status_code(ValueStatus status)
{
    switch (status) {
    case ValueStatus::ok: return "ok";
    case ValueStatus::suppressed: return "sup";
    case ValueStatus::unreliable: return "unr";
    case ValueStatus::missing: return "na";
    }
    return "na";
}

OGRwkbGeometryType shape_type(GeometryKind kind)
{
    switch (kind) {
    case GeometryKind::point: return wkbMultiPoint;
    case GeometryKind::line: return wkbMultiLineString;
    default: return wkbMultiPolygon;
    }
}

void add_field(OGRLayer& layer, const char* name, OGRFieldType type, int width)
{
    OGRFieldDefn field(name, type);
    if (width > 0) {
        field.SetWidth(width);
    }
    if (layer.CreateField(&field) != OGRERR_NONE) {
        throw InputError(std::string("cannot create field ") + name + " in a page data file");
    }
}

} // namespace

std::filesystem::path write_layer_file(const PageLayerPlan& plan, LayerFileKind kind, double opacity_faded,
    const std::filesystem::path& dir, const std::string& stem)
{
    gdal_register_all();
    const auto path = dir / (stem + ".shp");
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GdalErrorCollector errors;
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset) {
        throw InputError(path.string() + ": cannot create a page data file: " + errors.text());
    }
    const bool labels = kind == LayerFileKind::labels;
    const bool points = kind != LayerFileKind::features;
    // No .prj: the XML gives every layer its SRS (EPSG:4326), and a page writes tens of files, whose
    // creation is a large part of its system time. The .cpg says UTF-8, as the XML does.
    const char* options[] = {"ENCODING=UTF-8", nullptr};
    OGRLayer* layer = dataset->CreateLayer(stem.c_str(), nullptr,
        points ? wkbPoint : shape_type(plan.layer->geometry), const_cast<char**>(options));
    if (layer == nullptr) {
        throw InputError(path.string() + ": cannot create a page data layer: " + errors.text());
    }
    add_field(*layer, "code", OFTString, 60);
    add_field(*layer, "lbl", OFTString, 160);
    add_field(*layer, "cls", OFTInteger, 0);
    add_field(*layer, "st", OFTString, 4);
    add_field(*layer, "op", OFTReal, 0);
    add_field(*layer, "sz", OFTReal, 0);
    add_field(*layer, "w", OFTReal, 0);
    for (std::size_t i = 0; i < plan.visible.size(); ++i) {
        if (labels && !plan.labelled[i]) {
            continue;
        }
        const auto& feature = plan.layer->features[plan.visible[i]];
        OGRFeature row(layer->GetLayerDefn());
        row.SetField("code", feature.code.c_str());
        row.SetField("lbl", feature.label.c_str());
        row.SetField("cls", feature.class_index);
        row.SetField("st", status_code(feature.status));
        row.SetField("op", plan.focus[i] ? 1.0 : opacity_faded);
        row.SetField("sz", feature.size);
        row.SetField("w", feature.size);
        OGRGeometry* geometry = nullptr;
        if (points) {
            const auto anchor = plan.layer->anchor(feature);
            geometry = new OGRPoint(anchor[0], anchor[1]);
        } else if (OGRGeometryFactory::createFromWkb(feature.wkb.data(), nullptr, &geometry, feature.wkb.size()) != OGRERR_NONE) {
            continue;  // cannot happen: the WKB was written by OGR
        } else {
            geometry = OGRGeometryFactory::forceTo(geometry, shape_type(plan.layer->geometry));
        }
        row.SetGeometryDirectly(geometry);
        if (layer->CreateFeature(&row) != OGRERR_NONE) {
            throw InputError(path.string() + ": cannot write a feature: " + errors.text());
        }
    }
    dataset.reset();
    return path;
}

} // namespace migratlas::render
