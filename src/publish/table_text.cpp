#include "publish/table_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace migratlas::publish {

namespace {

void append_field(std::string& out, const std::string& text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        out += text;
        return;
    }
    out += '"';
    for (const char c : text) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
}

std::string upper_id(std::string_view name)
{
    std::string id;
    for (const char c : name) {
        id += std::isalnum(static_cast<unsigned char>(c)) != 0 ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
    }
    return id;
}

/// The SDMX concept of a key column (SDMX cross-domain concepts where one fits).
std::string concept_of(const std::string& column)
{
    static const std::map<std::string, std::string> concepts{
        {"month", "TIME_PERIOD"}, {"period", "TIME_PERIOD"}, {"residence_code", "REF_AREA"},
        {"destination", "REF_AREA"}, {"unit_code", "REF_AREA"}, {"origin", "COUNTERPART_AREA"}, {"sex", "SEX"},
        {"age_group", "AGE"}, {"nationality", "CITIZENSHIP"}, {"crossing_point", "CROSSING_POINT"},
        {"point_id", "CROSSING_POINT"}, {"direction", "FLOW_DIRECTION"}, {"event_type", "EVENT_TYPE"},
        {"flow_type", "FLOW_TYPE"}};
    const auto it = concepts.find(column);
    return it == concepts.end() ? upper_id(column) : it->second;
}

/// CL_AGE style codes: 0-17 -> Y0T17, 65+ -> Y_GE65, unknown -> _U.
std::string age_code(const std::string& code)
{
    if (code == "unknown") {
        return "_U";
    }
    const std::size_t dash = code.find('-');
    if (dash != std::string::npos && dash > 0 && dash + 1 < code.size()) {
        return "Y" + code.substr(0, dash) + "T" + code.substr(dash + 1);
    }
    if (!code.empty() && code.back() == '+') {
        return "Y_GE" + code.substr(0, code.size() - 1);
    }
    return code;
}

std::string unit_code(const std::string& unit)
{
    if (unit.empty()) {
        return "_Z";
    }
    if (unit == "persons") {
        return "PS";
    }
    if (unit == "percent") {
        return "PC";
    }
    if (unit == "per 1000") {
        return "PER_1000";
    }
    return upper_id(unit);
}

std::size_t column_index(const disclose::PublishedLayer& layer, const std::string& name)
{
    return layer.column_index(name);
}

} // namespace

std::string value_text(const TableValue& value)
{
    if (const auto* text = std::get_if<std::string>(&value)) {
        return *text;
    }
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        return std::to_string(*integer);
    }
    if (const auto* real = std::get_if<double>(&value)) {
        return fmt::format("{}", *real);
    }
    return {};
}

std::string csv_text(const disclose::PublishedLayer& layer)
{
    std::string out;
    const auto& columns = layer.columns();
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        append_field(out, columns[i].name);
    }
    out += "\r\n";
    for (const auto& row : layer.table().rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0) {
                out += ',';
            }
            append_field(out, value_text(row[i]));
        }
        out += "\r\n";
    }
    return out;
}

SdmxStatus sdmx_status(disclose::CellStatus status)
{
    switch (status) {
    case disclose::CellStatus::published: return {"A", "F"};
    case disclose::CellStatus::primary: return {"Q", "A"};
    case disclose::CellStatus::primary_dominance: return {"Q", "O"};
    case disclose::CellStatus::secondary: return {"Q", "D"};
    case disclose::CellStatus::withheld_quality: return {"U", "N"};
    case disclose::CellStatus::derived_hidden: return {"Q", "D"};
    }
    return {"A", "F"};
}

SdmxMapping sdmx_mapping(const disclose::PublishedLayer& layer)
{
    SdmxMapping mapping;
    mapping.dataflow = "MIGRATLAS:" + upper_id(layer.name()) + "(1.0)";
    std::set<std::string> used{"DATAFLOW", "MEASURE", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "CONF_STATUS"};
    for (const disclose::PublishedColumn& column : layer.columns()) {
        if (column.role != ColumnRole::key) {
            continue;
        }
        SdmxMapping::Dimension dimension;
        dimension.column = column.name;
        dimension.id = concept_of(column.name);
        if (used.count(dimension.id) > 0) {
            dimension.id = upper_id(column.name);  // two columns on one concept: the second keeps its name
        }
        used.insert(dimension.id);
        std::set<std::string> codes;
        const std::size_t index = column_index(layer, column.name);
        for (const auto& row : layer.table().rows) {
            codes.insert(value_text(row[index]));
        }
        if (dimension.id == "AGE") {
            for (const std::string& code : codes) {
                if (age_code(code) != code) {
                    dimension.codes[code] = age_code(code);
                }
            }
        } else if (dimension.id == "TIME_PERIOD" && codes.count(std::string(disclose::total_code)) > 0) {
            // The total over periods is the period the table covers, as an ISO 8601 interval.
            codes.erase(std::string(disclose::total_code));
            codes.erase(std::string());
            if (!codes.empty()) {
                dimension.codes[std::string(disclose::total_code)] = *codes.begin() + "/" + *codes.rbegin();
            }
        }
        if (codes.count(std::string()) > 0) {
            dimension.codes[std::string()] = std::string(disclose::unknown_code);
        }
        mapping.dimensions.push_back(std::move(dimension));
    }
    for (const disclose::PublishedColumn& column : layer.columns()) {
        if (column.role != ColumnRole::count && column.role != ColumnRole::measure) {
            continue;
        }
        std::string status;
        for (const disclose::PublishedColumn& other : layer.columns()) {
            if (other.status_of == column.name) {
                status = other.name;
            }
        }
        mapping.measures.push_back(SdmxMapping::Measure{upper_id(column.name), column.name, status, unit_code(column.unit)});
    }
    return mapping;
}

std::string sdmx_csv_text(const disclose::PublishedLayer& layer, const SdmxMapping& mapping)
{
    std::string out = "DATAFLOW";
    for (const auto& dimension : mapping.dimensions) {
        out += "," + dimension.id;
    }
    out += ",MEASURE,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,CONF_STATUS\r\n";
    std::vector<std::size_t> key_index;
    for (const auto& dimension : mapping.dimensions) {
        key_index.push_back(column_index(layer, dimension.column));
    }
    std::vector<std::size_t> value_index;
    std::vector<std::ptrdiff_t> status_index;
    for (const auto& measure : mapping.measures) {
        value_index.push_back(column_index(layer, measure.column));
        status_index.push_back(measure.status_column.empty() ? -1
                                                             : static_cast<std::ptrdiff_t>(column_index(layer, measure.status_column)));
    }
    for (const auto& row : layer.table().rows) {
        std::string key;
        for (std::size_t d = 0; d < mapping.dimensions.size(); ++d) {
            std::string code = value_text(row[key_index[d]]);
            const auto mapped = mapping.dimensions[d].codes.find(code);
            key += ',';
            append_field(key, mapped == mapping.dimensions[d].codes.end() ? code : mapped->second);
        }
        for (std::size_t m = 0; m < mapping.measures.size(); ++m) {
            disclose::CellStatus status = disclose::CellStatus::published;
            if (status_index[m] >= 0) {
                const TableValue& text = row[static_cast<std::size_t>(status_index[m])];
                if (const auto* name = std::get_if<std::string>(&text)) {
                    (void)disclose::parse_cell_status(*name, status);
                } else if (std::holds_alternative<std::monostate>(row[value_index[m]])) {
                    continue;  // a margin row: the measure is not computed for it
                }
            }
            const SdmxStatus codes = sdmx_status(status);
            out += mapping.dataflow;
            out += key;
            out += ',' + mapping.measures[m].code + ',';
            append_field(out, value_text(row[value_index[m]]));
            out += ',' + mapping.measures[m].unit + ',' + codes.obs_status + ',' + codes.conf_status + "\r\n";
        }
    }
    return out;
}

} // namespace migratlas::publish
