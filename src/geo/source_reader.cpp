#include "geo/source_reader.hpp"

#include "common/error.hpp"
#include "common/gdal_util.hpp"
#include "common/parse.hpp"
#include "geo/ogr_convert.hpp"
#include "geo/repair.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <regex>
#include <memory>
#include <string_view>

namespace migratlas::geo {

namespace {

std::string trim(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

bool is_postgis(const std::string& source)
{
    return source.rfind("PG:", 0) == 0 || source.rfind("pg:", 0) == 0;
}

GDALDatasetUniquePtr open_source(const std::string& source_spec)
{
    gdal_register_all();
    const std::string source = source_label(source_spec);
    if (!is_postgis(source) && !std::filesystem::exists(source)) {
        throw InputError(source + ": file does not exist");
    }
    GdalErrorCollector errors;
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(source_spec.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!dataset) {
        throw InputError(source + ": not a vector source GDAL can read (GeoPackage, Shapefile, GeoJSON, TopoJSON, PG:)" +
            (errors.text().empty() ? std::string() : ": " + errors.text()));
    }
    if (dataset->GetLayerCount() == 0) {
        throw InputError(source + ": contains no vector layers");
    }
    return dataset;
}

std::string layer_names(GDALDataset& dataset)
{
    std::string names;
    for (int i = 0; i < dataset.GetLayerCount(); ++i) {
        names += (names.empty() ? "'" : ", '") + std::string(dataset.GetLayer(i)->GetName()) + "'";
    }
    return names;
}

OGRLayer& select_layer(GDALDataset& dataset, const std::string& source, const std::string& wanted)
{
    if (wanted.empty()) {
        if (dataset.GetLayerCount() > 1) {
            throw UsageError(source + ": has " + std::to_string(dataset.GetLayerCount()) + " layers (" +
                layer_names(dataset) + "); choose one with the setting layer");
        }
        return *dataset.GetLayer(0);
    }
    OGRLayer* layer = dataset.GetLayerByName(wanted.c_str());
    if (layer == nullptr) {
        throw UsageError(source + ": has no layer '" + wanted + "'; its layers are " + layer_names(dataset));
    }
    return *layer;
}

int require_field(OGRLayer& layer, const std::string& source, const std::string& field, const char* setting)
{
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    const int index = defn->GetFieldIndex(field.c_str());
    if (index >= 0) {
        return index;
    }
    std::string fields;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        fields += (fields.empty() ? "" : ", ") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    }
    throw InputError(source + ": layer '" + layer.GetName() + "' has no field '" + field + "' (" + setting +
        "); its fields are: " + (fields.empty() ? "(none)" : fields));
}

std::string describe_srs(const OGRSpatialReference& srs)
{
    const char* authority = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (authority != nullptr && code != nullptr) {
        return std::string(authority) + ":" + code;
    }
    std::unique_ptr<OGRSpatialReference> copy(srs.Clone());
    if (copy->AutoIdentifyEPSG() == OGRERR_NONE && copy->GetAuthorityCode(nullptr) != nullptr) {
        return std::string("EPSG:") + copy->GetAuthorityCode(nullptr);
    }
    const char* name = srs.GetName();
    return name != nullptr ? name : "unnamed CRS";
}

struct CrsChoice {
    OGRSpatialReference srs;
    std::string description;
};

/// Applies the CRS rule: a declared CRS is used; a missing one is EPSG:4326 only for formats whose
/// specification says so (GeoJSON, TopoJSON) and only when the coordinates fit lon/lat ranges.
CrsChoice choose_crs(OGRLayer& layer, const std::string& source, const std::string& driver,
    const FieldMapping& mapping, Diagnostics& diagnostics)
{
    const SourcePos pos{source, 0, 0};
    CrsChoice choice;
    const OGRSpatialReference* declared = layer.GetSpatialRef();
    if (!mapping.assume_srs.empty()) {
        if (choice.srs.SetFromUserInput(mapping.assume_srs.c_str()) != OGRERR_NONE) {
            throw SettingError("assume_srs", "'" + mapping.assume_srs + "' is not a CRS PROJ knows (try EPSG:4326 or EPSG:32718)");
        }
        choice.description = describe_srs(choice.srs) + " (from assume_srs)";
        if (declared != nullptr) {
            diagnostics.warn("crs_overridden", pos, "the source's CRS is " + describe_srs(*declared) +
                "; assume_srs " + mapping.assume_srs + " is used instead");
        }
    } else if (declared != nullptr) {
        choice.srs = *declared;
        choice.description = describe_srs(*declared);
    } else {
        OGREnvelope extent;
        const bool has_extent = layer.GetExtent(&extent, TRUE) == OGRERR_NONE;
        // Half a degree of slack: quantized TopoJSON rounds world outlines slightly past +-180.
        const bool lon_lat = !has_extent ||
            (extent.MinX >= -180.5 && extent.MaxX <= 180.5 && extent.MinY >= -90.5 && extent.MaxY <= 90.5);
        const bool lon_lat_format = driver == "GeoJSON" || driver == "TopoJSON" || driver == "GeoJSONSeq";
        if (!lon_lat_format || !lon_lat) {
            const std::string where = has_extent
                ? " (extent " + std::to_string(extent.MinX) + ", " + std::to_string(extent.MinY) + " to " +
                      std::to_string(extent.MaxX) + ", " + std::to_string(extent.MaxY) + ")"
                : "";
            throw InputError(source + ": layer '" + layer.GetName() + "' declares no CRS and " +
                (lon_lat_format ? "its coordinates are not longitude/latitude" + where
                                : "its format (" + driver + ") does not imply one") +
                "; give it with the setting assume_srs (EPSG:<code>)");
        }
        choice.srs.importFromEPSG(4326);
        choice.description = "EPSG:4326 (assumed: " + driver + " without a declared CRS, coordinates fit lon/lat)";
        diagnostics.warn("crs_missing", pos, "no CRS declared; taken as EPSG:4326 lon/lat, as " + driver + " specifies");
    }
    if (choice.srs.IsGeographic() && mapping.assume_srs.empty()) {
        // GeoJSON readers report EPSG:4326 even when the file holds projected metres (RFC 7946
        // implies lon/lat), so a geographic CRS is only believed when the coordinates fit it.
        OGREnvelope extent;
        if (layer.GetExtent(&extent, TRUE) == OGRERR_NONE &&
            (extent.MinX < -180.5 || extent.MaxX > 360.5 || extent.MinY < -90.5 || extent.MaxY > 90.5)) {
            throw InputError(source + ": layer '" + layer.GetName() + "' is taken as " + choice.description +
                " (longitude/latitude) but its coordinates reach " + std::to_string(extent.MinX) + ", " +
                std::to_string(extent.MinY) + " to " + std::to_string(extent.MaxX) + ", " + std::to_string(extent.MaxY) +
                "; they look projected: give the real CRS with the setting assume_srs (EPSG:<code>)");
        }
    }
    if (!choice.srs.IsGeographic() && !choice.srs.IsProjected()) {
        throw InputError(source + ": CRS " + choice.description +
            " is neither geographic nor projected; reproject the source or give the setting assume_srs (EPSG:<code>)");
    }
    if (choice.srs.IsGeographic()) {
        OGRSpatialReference wgs84;
        wgs84.importFromEPSG(4326);
        const char* datum = choice.srs.GetAttrValue("DATUM");
        if (!choice.srs.IsSameGeogCS(&wgs84) && datum != nullptr) {
            diagnostics.warn("crs_unusual", pos, "geographic CRS " + choice.description + " (datum " + datum +
                ") is not WGS84; coordinates are transformed to EPSG:4326 through PROJ");
        }
    }
    choice.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return choice;
}

struct OgrCtDeleter {
    void operator()(OGRCoordinateTransformation* ct) const { OGRCoordinateTransformation::DestroyCT(ct); }
};

} // namespace

std::string source_label(const std::string& source)
{
    if (!is_postgis(source)) {
        return source;
    }
    // A connection string may carry a password: it must not reach messages, reports or the workspace.
    static const std::regex password(R"((password\s*=\s*)('[^']*'|\S+))", std::regex::icase);
    return std::regex_replace(source, password, "$1***");
}

SourceData read_source(const std::string& source_spec, const FieldMapping& mapping, const GeosContext& geos,
    Diagnostics& diagnostics, Progress& progress)
{
    mapping.validate();
    GDALDatasetUniquePtr dataset = open_source(source_spec);
    const std::string source = source_label(source_spec);
    OGRLayer& layer = select_layer(*dataset, source, mapping.layer);
    SourceData data;
    data.path = source;
    data.layer = layer.GetName();
    data.driver = dataset->GetDriver() != nullptr ? dataset->GetDriver()->GetDescription() : "unknown";
    const SourcePos pos{source, 0, 0};

    if (layer.GetGeomType() == wkbNone || layer.GetLayerDefn()->GetGeomFieldCount() == 0) {
        throw InputError(source + ": layer '" + data.layer + "' has no geometry column; it is not a geography");
    }
    const int i_code = require_field(layer, source, mapping.code_field, "code_field");
    const int i_name = require_field(layer, source, mapping.name_field, "name_field");
    const int i_parent = mapping.parent_field.empty() ? -1 : require_field(layer, source, mapping.parent_field, "parent_field");
    const int i_level = mapping.level_field.empty() ? -1 : require_field(layer, source, mapping.level_field, "level_field");

    if (!mapping.where.empty()) {
        GdalErrorCollector errors;
        if (layer.SetAttributeFilter(mapping.where.c_str()) != OGRERR_NONE) {
            throw SettingError("where", "\"" + mapping.where + "\" is not a valid filter for " + source + ": " + errors.text());
        }
    }

    CrsChoice crs = choose_crs(layer, source, data.driver, mapping, diagnostics);
    data.crs = crs.description;
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation, OgrCtDeleter> transform;
    if (!crs.srs.IsSame(&wgs84)) {
        GdalErrorCollector errors;
        transform.reset(OGRCreateCoordinateTransformation(&crs.srs, &wgs84));
        if (!transform) {
            throw InputError(source + ": no transformation from " + crs.description + " to EPSG:4326: " + errors.text());
        }
    }

    const GIntBig total = layer.GetFeatureCount(TRUE);
    progress.start("reading " + data.layer);
    layer.ResetReading();
    GdalErrorCollector read_errors;
    for (const auto& feature : layer) {
        const std::uint64_t number = ++data.features_read;
        if (total > 0) {
            progress.update(static_cast<double>(number) / static_cast<double>(total));
        }
        const std::string label = "feature " + std::to_string(number) + " (FID " + std::to_string(feature->GetFID()) + ")";
        SourceFeature out;
        out.number = number;
        const std::string raw_code =
            feature->IsFieldSetAndNotNull(i_code) ? trim(feature->GetFieldAsString(i_code)) : std::string();
        out.name = feature->IsFieldSetAndNotNull(i_name) ? trim(feature->GetFieldAsString(i_name)) : std::string();
        if (raw_code.empty()) {
            diagnostics.reject("missing_code", pos, label + (out.name.empty() ? "" : " '" + out.name + "'") +
                " has no " + mapping.code_field + "; it cannot become a unit");
            continue;
        }
        out.code = mapping.code_prefix + raw_code;
        const std::string described = label + " code '" + out.code + "'";
        if (out.name.empty()) {
            diagnostics.warn("missing_name", pos, described + " has no " + mapping.name_field + "; its name is left empty");
        }
        if (i_level >= 0) {
            const auto level = feature->IsFieldSetAndNotNull(i_level)
                ? parse_int(trim(feature->GetFieldAsString(i_level))) : std::nullopt;
            if (!level || *level < 1 || *level > 9) {
                diagnostics.reject("bad_level", pos, described + ": " + mapping.level_field + " '" +
                    feature->GetFieldAsString(i_level) + "' is not a MEGA level 1..9");
                continue;
            }
            out.level = static_cast<int>(*level);
        } else {
            out.level = *mapping.level;
        }
        if (i_parent >= 0) {
            const std::string parent =
                feature->IsFieldSetAndNotNull(i_parent) ? trim(feature->GetFieldAsString(i_parent)) : std::string();
            out.parent_code = parent.empty() ? std::string() : mapping.code_prefix + parent;
        } else if (!mapping.parent_code.empty()) {
            out.parent_code = mapping.parent_code;
        } else if (mapping.parent_code_length) {
            const auto n = static_cast<std::size_t>(*mapping.parent_code_length);
            // A raw code no longer than the parent part cannot name a parent: left empty, it shows up as an orphan.
            out.parent_code = raw_code.size() > n ? mapping.code_prefix + raw_code.substr(0, n) : std::string();
        }

        const OGRGeometry* geometry = feature->GetGeometryRef();
        if (geometry == nullptr || geometry->IsEmpty()) {
            diagnostics.reject("missing_geometry", pos, described + " has no geometry");
            continue;
        }
        std::unique_ptr<OGRGeometry> projected;
        if (transform) {
            projected.reset(geometry->clone());
            if (projected->transform(transform.get()) != OGRERR_NONE) {
                diagnostics.reject("bad_coordinates", pos, described + ": coordinates cannot be transformed from " +
                    crs.description + " to EPSG:4326");
                continue;
            }
            geometry = projected.get();
        }
        GeosGeometryPtr converted = to_geos(geos, *geometry);
        if (!has_polygonal_part(geos, converted.get())) {
            diagnostics.reject("not_polygon", pos, described + " is a " + OGRGeometryTypeToName(geometry->getGeometryType()) +
                ", not an area");
            continue;
        }
        RepairResult repaired = make_valid_multipolygon(geos, converted.get());
        if (geos.is_empty(repaired.geometry.get())) {
            diagnostics.reject("missing_geometry", pos, described + ": its geometry has no area left after repair (" +
                repaired.reason + ")");
            continue;
        }
        if (repaired.repaired) {
            ++data.invalid_repaired;
            diagnostics.warn("invalid_repaired", pos, described + " '" + out.name + "': invalid geometry (" +
                repaired.reason + ") repaired with GEOS MakeValid");
        }
        out.geometry = std::move(repaired.geometry);
        data.features.push_back(std::move(out));
    }
    progress.finish();
    for (const auto& message : read_errors.messages()) {
        diagnostics.warn("gdal", pos, "GDAL: " + message);
    }
    if (data.features_read == 0) {
        diagnostics.warn("no_features", pos, "layer '" + data.layer + "' has no features" +
            (mapping.where.empty() ? std::string() : " matching where \"" + mapping.where + "\""));
    }
    return data;
}

} // namespace migratlas::geo
