// A plain attribute table (no geometry) that stages hand to the workspace writer.
// Used for run_log, estimates, events_monthly, crossings_monthly and other non-spatial products.
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
};

} // namespace migratlas
