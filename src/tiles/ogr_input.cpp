#include "tiles/ogr_input.hpp"

#include "common/error.hpp"
#include "common/gdal_util.hpp"
#include "geo/source_reader.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <cctype>
#include <optional>

namespace migratlas::tiles {

namespace {

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool is_postgis(const std::string& source)
{
    return source.rfind("PG:", 0) == 0 || source.rfind("pg:", 0) == 0;
}

struct OpenedInput {
    GDALDatasetUniquePtr dataset;
    OGRLayer* layer = nullptr;
    std::string source;
    std::string name;
};

std::string layer_names(GDALDataset& dataset)
{
    std::string names;
    for (int i = 0; i < dataset.GetLayerCount(); ++i) {
        names += (names.empty() ? "'" : ", '") + std::string(dataset.GetLayer(i)->GetName()) + "'";
    }
    return names;
}

GDALDatasetUniquePtr try_open(const std::string& source)
{
    if (!is_postgis(source) && !std::filesystem::exists(source) && source.rfind("/vsi", 0) != 0) {
        return nullptr;
    }
    GdalErrorCollector quiet;
    // A CSV of points names its coordinate columns in one of the usual ways; numbers are read as numbers.
    const char* csv_options[] = {"X_POSSIBLE_NAMES=lon,long,longitude,x", "Y_POSSIBLE_NAMES=lat,latitude,y",
        "AUTODETECT_TYPE=YES", "GEOM_POSSIBLE_NAMES=wkt,geom,geometry", "KEEP_GEOM_COLUMNS=NO", nullptr};
    const bool csv = lower(std::filesystem::path(source).extension().string()) == ".csv";
    return GDALDatasetUniquePtr(GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
        csv ? csv_options : nullptr, nullptr));
}

/// SOURCE may itself hold ':' and '=' (PG:dbname=x, C:\data), so the readings are tried in turn:
/// the whole text, then without "=name", then without ":layer", then without both.
OpenedInput open_input(const std::string& spec)
{
    struct Reading {
        std::string source;
        std::string layer;
        std::string name;
    };
    std::vector<Reading> readings{{spec, "", ""}};
    const auto equals = spec.rfind('=');
    std::vector<std::pair<std::string, std::string>> named{{spec, ""}};
    if (equals != std::string::npos && equals + 1 < spec.size()) {
        named.emplace_back(spec.substr(0, equals), spec.substr(equals + 1));
        readings.push_back(Reading{named.back().first, "", named.back().second});
    }
    for (const auto& [text, name] : named) {
        const auto colon = text.rfind(':');
        if (colon != std::string::npos && colon > 1 && colon + 1 < text.size()) {
            readings.push_back(Reading{text.substr(0, colon), text.substr(colon + 1), name});
        }
    }
    std::string unknown_layer;
    for (const Reading& reading : readings) {
        GDALDatasetUniquePtr dataset = try_open(reading.source);
        if (!dataset) {
            continue;
        }
        const std::string label = geo::source_label(reading.source);
        OGRLayer* layer = nullptr;
        if (reading.layer.empty()) {
            if (dataset->GetLayerCount() != 1) {
                throw UsageError(label + ": has " + std::to_string(dataset->GetLayerCount()) + " layers (" +
                    layer_names(*dataset) + "); choose one as " + label + ":LAYER");
            }
            layer = dataset->GetLayer(0);
        } else {
            layer = dataset->GetLayerByName(reading.layer.c_str());
            if (layer == nullptr) {
                unknown_layer = label + ": has no layer '" + reading.layer + "'; its layers are " + layer_names(*dataset);
                continue;
            }
        }
        OpenedInput opened;
        opened.source = label;
        opened.name = reading.name.empty() ? layer->GetName() : reading.name;
        opened.layer = layer;
        opened.dataset = std::move(dataset);
        return opened;
    }
    if (!unknown_layer.empty()) {
        throw UsageError(unknown_layer);
    }
    throw InputError(geo::source_label(spec) + ": not a vector source GDAL can read (file missing, or not GeoPackage, "
        "Shapefile, GeoJSON, TopoJSON, FlatGeobuf, CSV, PG: ...); the form is SOURCE[:layer][=name]");
}

struct OgrCtDeleter {
    void operator()(OGRCoordinateTransformation* ct) const { OGRCoordinateTransformation::DestroyCT(ct); }
};
using Transform = std::unique_ptr<OGRCoordinateTransformation, OgrCtDeleter>;

/// A declared CRS is transformed to lon/lat WGS84; a missing one is taken as lon/lat only when the
/// coordinates fit (GeoJSON and TopoJSON imply it), and said so.
Transform choose_transform(OGRLayer& layer, const std::string& source, Diagnostics& diagnostics, std::string& crs)
{
    const SourcePos pos{source, 0, 0};
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const OGRSpatialReference* declared = layer.GetSpatialRef();
    OGREnvelope extent;
    const bool has_extent = layer.GetExtent(&extent, TRUE) == OGRERR_NONE;
    if (declared == nullptr) {
        if (has_extent && (extent.MinX < -540.0 || extent.MaxX > 540.0 || extent.MinY < -90.5 || extent.MaxY > 90.5)) {
            throw InputError(source + ": layer '" + layer.GetName() + "' declares no CRS and its coordinates are not "
                "longitude/latitude; reproject it (ogr2ogr -t_srs EPSG:4326) or give it a CRS");
        }
        crs = "EPSG:4326 (assumed: no CRS declared, coordinates fit lon/lat)";
        diagnostics.warn("crs_missing", pos, "layer '" + std::string(layer.GetName()) + "' declares no CRS; taken as EPSG:4326 lon/lat");
        return nullptr;
    }
    OGRSpatialReference srs(*declared);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* authority = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    crs = authority != nullptr && code != nullptr ? std::string(authority) + ":" + code
                                                  : (srs.GetName() != nullptr ? srs.GetName() : "unnamed CRS");
    if (srs.IsSame(&wgs84)) {
        return nullptr;
    }
    GdalErrorCollector errors;
    Transform transform(OGRCreateCoordinateTransformation(&srs, &wgs84));
    if (!transform) {
        throw InputError(source + ": no transformation from " + crs + " to EPSG:4326: " + errors.text());
    }
    return transform;
}

FieldType field_type(const OGRFieldDefn& defn)
{
    switch (defn.GetType()) {
    case OFTInteger: return defn.GetSubType() == OFSTBoolean ? FieldType::boolean : FieldType::integer;
    case OFTInteger64: return FieldType::integer;
    case OFTReal: return FieldType::real;
    default: return FieldType::text;
    }
}

struct FieldChoice {
    std::vector<Field> fields;
    std::vector<int> ogr_index;
};

FieldChoice choose_fields(OGRFeatureDefn& defn, const AttributeSelection& selection)
{
    FieldChoice choice;
    for (int i = 0; i < defn.GetFieldCount(); ++i) {
        const OGRFieldDefn& field = *defn.GetFieldDefn(i);
        const std::string name = field.GetNameRef();
        const bool included = selection.include.empty() ||
            std::find(selection.include.begin(), selection.include.end(), name) != selection.include.end();
        const bool excluded = std::find(selection.exclude.begin(), selection.exclude.end(), name) != selection.exclude.end();
        if (!included || excluded) {
            continue;
        }
        Field out;
        out.name = name;
        out.type = field_type(field);
        // Numbers of a generic source add up when points merge; text is kept when shared.
        out.cluster_rule = out.type == FieldType::integer || out.type == FieldType::real ? ClusterRule::sum : ClusterRule::uniform;
        out.description = field.GetAlternativeNameRef() != nullptr ? field.GetAlternativeNameRef() : "";
        choice.fields.push_back(std::move(out));
        choice.ogr_index.push_back(i);
    }
    return choice;
}

TableValue value_of(const OGRFeature& feature, int index, FieldType type)
{
    if (!feature.IsFieldSetAndNotNull(index)) {
        return std::monostate{};
    }
    switch (type) {
    case FieldType::integer:
    case FieldType::boolean: return static_cast<std::int64_t>(feature.GetFieldAsInteger64(index));
    case FieldType::real: return feature.GetFieldAsDouble(index);
    case FieldType::text: break;
    }
    return std::string(feature.GetFieldAsString(index));
}

} // namespace

bool collect_parts(const OGRGeometry& geometry, LonLatGeometry& out, bool& kind_set)
{
    auto set_kind = [&](FeatureKind kind) {
        if (kind_set && out.kind != kind) {
            return false;
        }
        out.kind = kind;
        kind_set = true;
        return true;
    };
    auto points_of = [](const OGRSimpleCurve& curve) {
        std::vector<LonLat> part;
        part.reserve(static_cast<std::size_t>(curve.getNumPoints()));
        for (int i = 0; i < curve.getNumPoints(); ++i) {
            part.push_back(LonLat{curve.getX(i), curve.getY(i)});
        }
        return part;
    };
    switch (wkbFlatten(geometry.getGeometryType())) {
    case wkbPoint: {
        const auto& point = *geometry.toPoint();
        if (!set_kind(FeatureKind::point)) {
            return false;
        }
        if (out.parts.empty()) {
            out.parts.emplace_back();
            out.shell.push_back(true);
        }
        out.parts.front().push_back(LonLat{point.getX(), point.getY()});
        return true;
    }
    case wkbLineString: {
        if (!set_kind(FeatureKind::line)) {
            return false;
        }
        out.parts.push_back(points_of(*geometry.toLineString()));
        out.shell.push_back(true);
        return true;
    }
    case wkbPolygon: {
        if (!set_kind(FeatureKind::polygon)) {
            return false;
        }
        const auto& polygon = *geometry.toPolygon();
        bool first = true;
        for (const OGRLinearRing* ring : polygon) {
            std::vector<LonLat> part = points_of(*ring);
            if (part.size() > 1 && part.front().lon == part.back().lon && part.front().lat == part.back().lat) {
                part.pop_back();
            }
            out.parts.push_back(std::move(part));
            out.shell.push_back(first);
            first = false;
        }
        return true;
    }
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
        for (const OGRGeometry* part : *geometry.toGeometryCollection()) {
            if (!part->IsEmpty() && !collect_parts(*part, out, kind_set)) {
                return false;
            }
        }
        return true;
    }
    default: {
        // Curves and surfaces: their straight-segment approximation.
        std::unique_ptr<OGRGeometry> linear(geometry.getLinearGeometry());
        return linear != nullptr && wkbFlatten(linear->getGeometryType()) != wkbFlatten(geometry.getGeometryType()) &&
            collect_parts(*linear, out, kind_set);
    }
    }
}

TileLayer read_input(const std::string& spec, const AttributeSelection& attributes, std::size_t max_attribute_bytes,
    const geo::GeosContext& geos, Diagnostics& diagnostics, Progress& progress, InputSummary& summary)
{
    gdal_register_all();
    OpenedInput input = open_input(spec);
    OGRLayer& layer = *input.layer;
    summary.spec = geo::source_label(spec);
    summary.source = input.source;
    summary.layer = layer.GetName();
    summary.driver = input.dataset->GetDriver() != nullptr ? input.dataset->GetDriver()->GetDescription() : "unknown";
    const SourcePos pos{input.source + (input.source.find(summary.layer) == std::string::npos ? ":" + summary.layer : ""), 0, 0};

    Transform transform = choose_transform(layer, input.source, diagnostics, summary.crs);
    FieldChoice fields = choose_fields(*layer.GetLayerDefn(), attributes);
    TileLayer out(input.name, fields.fields);
    LayerBuilder builder(out, max_attribute_bytes, geos, diagnostics);

    const GIntBig total = layer.GetFeatureCount(FALSE);
    if (total > 0) {
        const bool points = wkbFlatten(layer.GetGeomType()) == wkbPoint;
        out.reserve(static_cast<std::size_t>(total), points ? static_cast<std::size_t>(total) : 0);
    }
    progress.start("reading " + input.name);
    std::vector<TableValue> values(fields.fields.size());
    LonLatGeometry geometry;
    layer.ResetReading();
    GdalErrorCollector read_errors;
    for (const auto& feature : layer) {
        const std::uint64_t number = ++summary.features_read;
        if (total > 0 && number % 4096 == 0) {
            progress.update(static_cast<double>(number) / static_cast<double>(total));
        }
        const GIntBig fid = feature->GetFID();
        const FeatureLabel label{number, fid >= 0 ? static_cast<std::uint64_t>(fid) : number - 1};
        const OGRGeometry* source_geometry = feature->GetGeometryRef();
        if (source_geometry == nullptr || source_geometry->IsEmpty()) {
            diagnostics.reject("missing_geometry", pos, label.text() + " has no geometry");
            ++summary.counts.rejected;
            continue;
        }
        std::unique_ptr<OGRGeometry> transformed;
        if (transform) {
            transformed.reset(source_geometry->clone());
            if (transformed->transform(transform.get()) != OGRERR_NONE) {
                diagnostics.reject("bad_coordinates", pos, label.text() + ": coordinates cannot be transformed to EPSG:4326");
                ++summary.counts.rejected;
                continue;
            }
            source_geometry = transformed.get();
        }
        geometry.parts.clear();
        geometry.shell.clear();
        bool kind_set = false;
        if (!collect_parts(*source_geometry, geometry, kind_set) || !kind_set) {
            diagnostics.reject("mixed_geometry", pos, label.text() + " is a " +
                OGRGeometryTypeToName(source_geometry->getGeometryType()) +
                " mixing points, lines and areas (or none of them); a tile feature has one kind");
            ++summary.counts.rejected;
            continue;
        }
        for (std::size_t i = 0; i < values.size(); ++i) {
            values[i] = value_of(*feature, fields.ogr_index[i], fields.fields[i].type);
        }
        builder.add(pos, label, geometry, values);
    }
    progress.finish();
    out.shrink_to_fit();
    if (!read_errors.messages().empty()) {
        diagnostics.warn("gdal_read", pos, "GDAL reported while reading: " + read_errors.text());
    }
    const std::uint64_t rejected_before = summary.counts.rejected;
    summary.counts = builder.counts();
    summary.counts.rejected += rejected_before;
    return out;
}

} // namespace migratlas::tiles
