#include "disclose/published_layer.hpp"

#include "disclose/layer_factory.hpp"

#include <array>
#include <stdexcept>
#include <utility>

namespace migratlas::disclose {

namespace {

constexpr std::array<std::pair<CellStatus, std::string_view>, 6> status_names{{
    {CellStatus::published, "published"},
    {CellStatus::primary, "primary"},
    {CellStatus::primary_dominance, "primary_dominance"},
    {CellStatus::secondary, "secondary"},
    {CellStatus::withheld_quality, "withheld_quality"},
    {CellStatus::derived_hidden, "derived_hidden"},
}};

} // namespace

std::string_view to_string(CellStatus status)
{
    for (const auto& [value, name] : status_names) {
        if (value == status) {
            return name;
        }
    }
    return "published";
}

bool parse_cell_status(std::string_view text, CellStatus& status)
{
    for (const auto& [value, name] : status_names) {
        if (name == text) {
            status = value;
            return true;
        }
    }
    return false;
}

std::size_t PublishedLayer::column_index(std::string_view name) const
{
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        if (m_columns[i].name == name) {
            return i;
        }
    }
    throw std::logic_error("published layer '" + m_name + "' has no column '" + std::string(name) + "'");
}

PublishedLayer LayerFactory::make(std::string name, GeometryKind geometry, std::vector<PublishedColumn> columns,
    Table table, ProductMetadata metadata, std::vector<PublishedDimension> dimensions, DisclosureSummary disclosure)
{
    bool same = table.columns.size() == columns.size();
    for (std::size_t i = 0; same && i < columns.size(); ++i) {
        same = table.columns[i].name == columns[i].name && table.columns[i].type == columns[i].type;
    }
    if (!same) {
        throw std::logic_error("published layer '" + name + "': table columns differ from the published columns");
    }
    for (const auto& row : table.rows) {
        if (row.size() != columns.size()) {
            throw std::logic_error("published layer '" + name + "': a row has the wrong number of values");
        }
    }
    if (geometry != GeometryKind::none && table.geometry_wkb.size() != table.rows.size()) {
        throw std::logic_error("published layer '" + name + "' lacks one geometry per row");
    }
    PublishedLayer layer;
    table.name = name;
    layer.m_name = std::move(name);
    layer.m_geometry = geometry;
    layer.m_columns = std::move(columns);
    layer.m_table = std::move(table);
    layer.m_metadata = std::move(metadata);
    layer.m_dimensions = std::move(dimensions);
    layer.m_disclosure = std::move(disclosure);
    return layer;
}

} // namespace migratlas::disclose
