#include "disclose/layer_description.hpp"

#include <algorithm>

namespace migratlas::disclose {

namespace {

using Json = nlohmann::ordered_json;

bool is_kept(const std::vector<std::string>& kept, const std::string& name)
{
    return std::find(kept.begin(), kept.end(), name) != kept.end();
}

/// A count the container can place in the family: its value and every key column it is read from.
bool placeable(const PublishedStructure::Count& count, const std::vector<std::string>& kept)
{
    if (!is_kept(kept, count.column)) {
        return false;
    }
    return std::all_of(count.coordinates.begin(), count.coordinates.end(), [&](const auto& coordinate) {
        const std::string& source = coordinate.second;
        const bool fixed = source.size() >= 2 && source.front() == '\'' && source.back() == '\'';
        return fixed || is_kept(kept, source);
    });
}

} // namespace

const char* table_schema_type(ColumnType type)
{
    switch (type) {
    case ColumnType::integer: return "integer";
    case ColumnType::real: return "number";
    case ColumnType::text: return "string";
    }
    return "string";
}

Json structure_json(const PublishedLayer& layer)
{
    const PublishedStructure& structure = layer.structure();
    Json counts = Json::array();
    for (const auto& count : structure.counts) {
        Json coordinates = Json::object();
        for (const auto& [key, source] : count.coordinates) {
            coordinates[key] = source;
        }
        Json entry{{"column", count.column}, {"status_column", count.status_column},
            {"family_count", count.family_count}, {"coordinates", coordinates}};
        if (!count.expansions.empty()) {
            entry["expansions"] = count.expansions;
        }
        counts.push_back(std::move(entry));
    }
    Json dimensions = Json::array();
    for (const auto& dimension : layer.dimensions()) {
        Json codes = Json::array();
        for (const auto& code : dimension.codes) {
            codes.push_back(Json::array({code.code, code.parent, code.label}));
        }
        dimensions.push_back(Json{{"key", dimension.column}, {"codes", codes}});
    }
    return Json{{"family", structure.family}, {"family_keys", structure.family_keys}, {"separate", structure.separate},
        {"total_codes", structure.total_codes}, {"complete", structure.complete}, {"counts", counts},
        {"hierarchies", dimensions}};
}

Json disclosure_json(const PublishedLayer& layer)
{
    const DisclosureSummary& summary = layer.disclosure();
    Json block{{"rule", summary.method}, {"threshold", summary.threshold}, {"protection_level", summary.protection_level},
        {"cells", summary.cells}, {"primary", summary.primary}, {"secondary", summary.secondary},
        {"withheld_quality", summary.withheld_quality}, {"persons_hidden_in_family", summary.persons_hidden},
        {"family", summary.family}, {"summary", layer.metadata().disclosure},
        {"attacker", "min and max of every hidden count subject to the published counts, the sums the table implies "
                     "and counts >= 0 (LP); `migratlas audit` runs it on these files"}};
    if (summary.cv_limit_pct > 0.0) {
        block["cv_limit_pct"] = summary.cv_limit_pct;
    }
    return block;
}

Json container_description(const PublishedLayer& layer, const std::vector<std::string>& kept)
{
    Json fields = Json::array();
    for (const PublishedColumn& column : layer.columns()) {
        if (is_kept(kept, column.name)) {
            fields.push_back(Json{{"name", column.name}, {"type", table_schema_type(column.type)},
                {"role", column.status_of.empty() ? std::string(to_string(column.role)) : std::string("status")}});
        }
    }
    Json block{{"product", layer.name()}, {"geometry", std::string(to_string(layer.geometry()))},
        {"disclosure", disclosure_json(layer)}};
    if (!layer.structure().family.empty()) {
        Json structure = structure_json(layer);
        Json counts = Json::array();
        for (std::size_t i = 0; i < layer.structure().counts.size(); ++i) {
            if (placeable(layer.structure().counts[i], kept)) {
                counts.push_back(structure["counts"][i]);
            }
        }
        structure["counts"] = std::move(counts);
        block["structure"] = std::move(structure);
    }
    return Json{{"name", layer.name()}, {"schema", Json{{"fields", std::move(fields)}}}, {"migratlas", std::move(block)}};
}

} // namespace migratlas::disclose
