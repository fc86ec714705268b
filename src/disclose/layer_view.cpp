#include "disclose/layer_view.hpp"

#include "common/error.hpp"
#include "disclose/layer_factory.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace migratlas::disclose {

namespace {

std::string as_text(const TableValue& value)
{
    if (const auto* text = std::get_if<std::string>(&value)) {
        return *text;
    }
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        return std::to_string(*integer);
    }
    if (const auto* real = std::get_if<double>(&value)) {
        std::string text = std::to_string(*real);
        text.erase(text.find_last_not_of('0') + 1);
        if (!text.empty() && text.back() == '.') {
            text.pop_back();
        }
        return text;
    }
    return {};
}

std::vector<std::string> split(const std::string& text, char separator)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = text.find(separator, start);
        parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) {
            return parts;
        }
        start = at + 1;
    }
}

std::optional<std::size_t> find_column(const PublishedLayer& layer, std::string_view name)
{
    const auto& columns = layer.columns();
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].name == name) {
            return c;
        }
    }
    return std::nullopt;
}

struct Condition {
    std::size_t column = 0;
    std::set<std::string> values;
};

std::vector<Condition> conditions_of(const PublishedLayer& layer, const ViewSpec& spec, const std::string& setting)
{
    std::vector<Condition> conditions;
    for (const auto& [column, values] : spec.where) {
        const auto index = find_column(layer, column);
        if (!index) {
            throw SettingError(setting, "layer '" + layer.name() + "' has no column '" + column + "' to filter on");
        }
        conditions.push_back({*index, std::set<std::string>(values.begin(), values.end())});
    }
    return conditions;
}

bool passes(const std::vector<TableValue>& row, const std::vector<Condition>& conditions)
{
    return std::all_of(conditions.begin(), conditions.end(),
        [&](const Condition& condition) { return condition.values.count(as_text(row[condition.column])) > 0; });
}

/// code -> WKB of the published units layer.
std::map<std::string, const std::string*> unit_polygons(const PublishedLayer& units, const std::string& setting)
{
    const auto code = find_column(units, "code");
    if (!code || units.geometry() != GeometryKind::polygon) {
        throw SettingError(setting, "layer '" + units.name() + "' is not a units layer with polygons and codes");
    }
    std::map<std::string, const std::string*> polygons;
    const Table& table = units.table();
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        if (!table.geometry_wkb[r].empty()) {
            polygons.emplace(as_text(table.rows[r][*code]), &table.geometry_wkb[r]);
        }
    }
    return polygons;
}

/// "filter on flow_type (migration, short_term, visitor)": the key columns that differ between
/// rows of the same unit, with the values they take across the layer.
std::string filter_hint(const PublishedLayer& layer, const std::vector<std::size_t>& rows)
{
    std::string hint;
    const auto& columns = layer.columns();
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].role != ColumnRole::key || columns[c].name == unit_key_column) {
            continue;
        }
        std::set<std::string> values;
        for (const std::size_t r : rows) {
            values.insert(as_text(layer.table().rows[r][c]));
        }
        if (values.size() < 2) {
            continue;
        }
        std::string list;
        for (const auto& value : values) {
            list += (list.empty() ? "" : ", ") + value;
        }
        hint += (hint.empty() ? "" : "; ") + columns[c].name + " (" + list + ")";
    }
    return hint.empty() ? "its columns" : hint;
}

} // namespace

ViewSpec parse_view_spec(const std::string& text, const std::string& setting)
{
    ViewSpec spec;
    const std::vector<std::string> parts = split(text, ':');
    const std::string& head = parts.front();
    const std::size_t equals = head.find('=');
    spec.name = equals == std::string::npos ? std::string() : head.substr(0, equals);
    spec.product = equals == std::string::npos ? head : head.substr(equals + 1);
    if (spec.product.empty() || (equals != std::string::npos && spec.name.empty())) {
        throw SettingError(setting, "'" + text + "' is not [NAME=]PRODUCT[:COLUMN=VALUE[|VALUE...]]...");
    }
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const std::size_t at = parts[i].find('=');
        if (at == std::string::npos || at == 0 || at + 1 == parts[i].size()) {
            throw SettingError(setting, "'" + parts[i] + "' in '" + text + "' is not COLUMN=VALUE[|VALUE...]");
        }
        spec.where.emplace_back(parts[i].substr(0, at), split(parts[i].substr(at + 1), '|'));
    }
    return spec;
}

bool needs_unit_geometry(const PublishedLayer& layer)
{
    return layer.geometry() == GeometryKind::none && find_column(layer, unit_key_column).has_value();
}

PublishedLayer make_view(const PublishedLayer& layer, const ViewSpec& spec, const PublishedLayer* units,
    const std::string& setting, ViewCounts& counts)
{
    const std::vector<Condition> conditions = conditions_of(layer, spec, setting);
    const bool on_units = needs_unit_geometry(layer);
    if (on_units && units == nullptr) {
        throw std::logic_error("make_view: a unit-keyed layer needs the units layer");
    }
    const auto polygons = on_units ? unit_polygons(*units, setting) : std::map<std::string, const std::string*>{};
    const std::size_t unit_column = on_units ? *find_column(layer, unit_key_column) : 0;
    const Table& source = layer.table();
    Table table;
    table.name = source.name;
    table.columns = source.columns;
    std::map<std::string, std::vector<std::size_t>> rows_of_unit;
    for (std::size_t r = 0; r < source.rows.size(); ++r) {
        ++counts.rows_read;
        if (!passes(source.rows[r], conditions)) {
            ++counts.filtered_out;
            continue;
        }
        const std::string* wkb = nullptr;
        if (on_units) {
            const std::string unit = as_text(source.rows[r][unit_column]);
            const auto polygon = polygons.find(unit);
            if (polygon == polygons.end()) {
                ++counts.without_unit;
                continue;
            }
            wkb = polygon->second;
            rows_of_unit[unit].push_back(r);
        } else if (!source.geometry_wkb.empty()) {
            wkb = &source.geometry_wkb[r];
        }
        table.rows.push_back(source.rows[r]);
        if (wkb != nullptr) {
            table.geometry_wkb.push_back(*wkb);
        }
        ++counts.rows_kept;
    }
    for (const auto& [unit, rows] : rows_of_unit) {
        if (rows.size() > 1) {
            throw SettingError(setting, "layer '" + (spec.name.empty() ? layer.name() : spec.name) + "': " + layer.name() +
                " has " + std::to_string(rows.size()) + " rows for unit " + unit +
                " and a map needs one per unit: filter on " + filter_hint(layer, rows) + " (" + layer.name() +
                ":COLUMN=VALUE)");
        }
    }
    PublishedStructure structure = layer.structure();
    structure.complete = false;  // a view lists only some of the family's cells
    ProductMetadata metadata = layer.metadata();
    if (on_units) {
        metadata.method += std::string(metadata.method.empty() ? "D" : "; d") + "rawn on the polygons of the published units";
    }
    return LayerFactory::make(spec.name.empty() ? layer.name() : spec.name,
        on_units ? GeometryKind::polygon : layer.geometry(), layer.columns(), std::move(table), std::move(metadata),
        layer.dimensions(), layer.disclosure(), std::move(structure));
}

} // namespace migratlas::disclose
