// A plain table of typed values that stages hand to the workspace writer and to each other.
// Used for run_log, estimates, events_monthly, crossings_monthly and other products; a product with a
// geometry carries one WKB per row.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace migratlas {

enum class ColumnType { integer, real, text };

struct TableColumn {
    std::string name;
    ColumnType type = ColumnType::text;
};

/// monostate = NULL (missing), never written as 0 or "".
using TableValue = std::variant<std::monostate, std::int64_t, double, std::string>;

struct Table {
    std::string name;
    std::vector<TableColumn> columns;
    std::vector<std::vector<TableValue>> rows;
    /// For products with a geometry: one ISO WKB geometry per row (EPSG:4326, lon/lat), empty
    /// string = no geometry for that row. Empty vector for attribute tables.
    std::vector<std::string> geometry_wkb;
};

} // namespace migratlas
