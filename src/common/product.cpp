#include "common/product.hpp"

#include <stdexcept>

namespace migratlas {

std::size_t ProductSpec::column_index(std::string_view column) const
{
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].name == column) {
            return i;
        }
    }
    throw std::logic_error("product '" + std::string(name) + "' declares no column '" + std::string(column) + "'");
}

bool ProductSpec::has_column(std::string_view column) const
{
    for (const ColumnSpec& spec : columns) {
        if (spec.name == column) {
            return true;
        }
    }
    return false;
}

std::vector<std::size_t> ProductSpec::key_columns() const
{
    std::vector<std::size_t> keys;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].role == ColumnRole::key) {
            keys.push_back(i);
        }
    }
    return keys;
}

std::vector<TableColumn> ProductSpec::table_columns() const
{
    std::vector<TableColumn> header;
    header.reserve(columns.size());
    for (const ColumnSpec& spec : columns) {
        header.push_back(TableColumn{std::string(spec.name), spec.type});
    }
    return header;
}

Table ProductSpec::make_table() const
{
    Table table;
    table.name = std::string(name);
    table.columns = table_columns();
    return table;
}

std::string_view to_string(Visibility visibility)
{
    return visibility == Visibility::internal ? "internal" : "publishable";
}

std::string_view to_string(GeometryKind geometry)
{
    switch (geometry) {
    case GeometryKind::none: return "none";
    case GeometryKind::point: return "point";
    case GeometryKind::line: return "line";
    case GeometryKind::polygon: return "polygon";
    }
    return "none";
}

std::string_view to_string(ColumnRole role)
{
    switch (role) {
    case ColumnRole::key: return "key";
    case ColumnRole::count: return "count";
    case ColumnRole::measure: return "measure";
    case ColumnRole::attribute: return "attribute";
    }
    return "attribute";
}

std::string_view to_string(Margin margin)
{
    switch (margin) {
    case Margin::none: return "none";
    case Margin::total: return "total";
    case Margin::units: return "units";  // not a product name
    case Margin::period: return "period";
    }
    return "none";
}

} // namespace migratlas
