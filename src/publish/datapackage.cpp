#include "publish/datapackage.hpp"

#include "common/version.hpp"
#include "disclose/layer_description.hpp"

#include <set>

namespace migratlas::publish {

namespace {

using Json = nlohmann::ordered_json;

Json table_fields(const disclose::PublishedLayer& layer)
{
    Json fields = Json::array();
    for (std::size_t i = 0; i < layer.columns().size(); ++i) {
        const disclose::PublishedColumn& column = layer.columns()[i];
        Json field{{"name", column.name}, {"type", disclose::table_schema_type(column.type)}, {"description", column.description}};
        if (!column.unit.empty()) {
            field["unit"] = column.unit;
        }
        field["role"] = column.status_of.empty() ? std::string(to_string(column.role)) : std::string("status");
        if (column.role == ColumnRole::key || !column.status_of.empty()) {
            std::set<std::string> codes;
            for (const auto& row : layer.table().rows) {
                if (!std::holds_alternative<std::monostate>(row[i])) {
                    codes.insert(value_text(row[i]));
                }
            }
            if (codes.size() <= 5000 && column.type == ColumnType::text) {
                field["constraints"] = Json{{"enum", Json(std::vector<std::string>(codes.begin(), codes.end()))}};
            }
        }
        fields.push_back(std::move(field));
    }
    return fields;
}

Json sdmx_fields(const SdmxMapping& mapping)
{
    Json fields = Json::array();
    fields.push_back(Json{{"name", "DATAFLOW"}, {"type", "string"}, {"description", "agency:id(version) of the dataflow"}});
    for (const auto& dimension : mapping.dimensions) {
        fields.push_back(Json{{"name", dimension.id}, {"type", "string"}, {"description", "dimension: " + dimension.column}});
    }
    fields.push_back(Json{{"name", "MEASURE"}, {"type", "string"}, {"description", "which column of the table"}});
    fields.push_back(Json{{"name", "OBS_VALUE"}, {"type", "number"}, {"description", "the value; empty when hidden"}});
    fields.push_back(Json{{"name", "UNIT_MEASURE"}, {"type", "string"}, {"description", "unit: PS persons, PC percent, ..."}});
    fields.push_back(Json{{"name", "OBS_STATUS"}, {"type", "string"},
        {"description", "A normal, Q missing (suppressed), U low reliability"}, {"constraints", Json{{"enum", {"A", "Q", "U"}}}}});
    fields.push_back(Json{{"name", "CONF_STATUS"}, {"type", "string"},
        {"description", "F free, A primary (small count), O primary (dominance), D secondary, N withheld (quality)"},
        {"constraints", Json{{"enum", {"F", "A", "O", "D", "N"}}}}});
    return fields;
}

Json sdmx_block(const SdmxMapping& mapping)
{
    Json dimensions = Json::array();
    for (const auto& dimension : mapping.dimensions) {
        dimensions.push_back(Json{{"id", dimension.id}, {"column", dimension.column}, {"codes", dimension.codes}});
    }
    Json measures = Json::array();
    for (const auto& measure : mapping.measures) {
        measures.push_back(Json{{"code", measure.code}, {"column", measure.column}, {"status_column", measure.status_column},
            {"unit", measure.unit}});
    }
    Json status = Json::object();
    for (const auto value : {disclose::CellStatus::published, disclose::CellStatus::primary,
             disclose::CellStatus::primary_dominance, disclose::CellStatus::secondary,
             disclose::CellStatus::withheld_quality, disclose::CellStatus::derived_hidden}) {
        const SdmxStatus codes = sdmx_status(value);
        status[std::string(disclose::to_string(value))] = Json{{"OBS_STATUS", codes.obs_status}, {"CONF_STATUS", codes.conf_status}};
    }
    return Json{{"dataflow", mapping.dataflow}, {"dimensions", dimensions}, {"measures", measures}, {"status", status}};
}

Json resource(const WrittenResource& written)
{
    const disclose::PublishedLayer& layer = *written.layer;
    const ProductMetadata& metadata = layer.metadata();
    Json parameters = Json::object();
    for (const auto& [name, value] : metadata.parameters) {
        parameters[name] = value;
    }
    Json sources = Json::array();
    for (const auto& source : metadata.sources) {
        Json entry{{"title", source.role}, {"path", source.path}};
        if (!source.sha256.empty()) {
            entry["hash"] = "sha256:" + source.sha256;
        }
        sources.push_back(std::move(entry));
    }
    std::vector<std::string> keys;
    for (const auto& column : layer.columns()) {
        if (column.role == ColumnRole::key) {
            keys.push_back(column.name);
        }
    }
    Json schema;
    if (written.sdmx != nullptr) {
        schema = Json{{"fields", sdmx_fields(*written.sdmx)}, {"missingValues", {""}}};
    } else {
        schema = Json{{"fields", table_fields(layer)}, {"missingValues", {""}}};
        if (!keys.empty() && layer.structure().complete) {
            schema["primaryKey"] = keys;
        }
    }
    Json entry{{"name", layer.name()}, {"path", written.path}, {"profile", "tabular-data-resource"},
        {"format", written.format}, {"mediatype", written.mediatype}, {"encoding", "utf-8"}};
    if (!written.layer_name.empty()) {
        entry["layer"] = written.layer_name;
    }
    if (!written.sha256.empty()) {
        entry["hash"] = "sha256:" + written.sha256;
        entry["bytes"] = written.bytes;
    }
    entry["description"] = "rows: " + std::to_string(layer.table().rows.size());
    entry["schema"] = std::move(schema);
    entry["sources"] = std::move(sources);
    Json block{{"product", layer.name()}, {"geometry", std::string(to_string(layer.geometry()))},
        {"crs", layer.geometry() == GeometryKind::none ? "" : "EPSG:4326"}, {"method", metadata.method},
        {"parameters", parameters}, {"period", metadata.period}, {"created", metadata.created_utc},
        {"version", metadata.version}, {"disclosure", disclose::disclosure_json(layer)}};
    if (!layer.structure().family.empty()) {
        block["structure"] = disclose::structure_json(layer);
    }
    if (written.sdmx != nullptr) {
        block["sdmx"] = sdmx_block(*written.sdmx);
    }
    entry["migratlas"] = std::move(block);
    return entry;
}

} // namespace

nlohmann::ordered_json datapackage(const std::vector<WrittenResource>& resources, const std::string& format,
    const std::string& created_utc)
{
    Json package{{"profile", "tabular-data-package"}, {"name", "migratlas-export"},
        {"title", "migratlas export (" + format + ")"}, {"created", created_utc},
        {"licenses", Json::array({Json{{"name", "other-at"}, {"title", "as set by the publishing office"}}})}};
    package["migratlas"] = Json{{"version", version_string}, {"format", format},
        {"confidentiality", "published through the migratlas disclosure gate: no count below the threshold, no "
                            "hidden count narrower than the protection level, no raw identifier"}};
    Json list = Json::array();
    for (const WrittenResource& written : resources) {
        list.push_back(resource(written));
    }
    package["resources"] = std::move(list);
    return package;
}

} // namespace migratlas::publish
