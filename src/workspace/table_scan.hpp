// Fast row scans of the attribute tables of a GeoPackage workspace straight through SQLite (a
// GeoPackage is an SQLite database): no OGRFeature per row. Used by product_io's for_each_row for
// products without geometry, where events_monthly and crossings_detail reach millions of rows.
#pragma once

#include "common/product.hpp"
#include "common/table.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace migratlas::workspace {

/// Calls `row` for every row of `product` (its attributes: a layer's geometry is not read) in the
/// GeoPackage at `path` matching the SQL condition `where` (empty = all), with the declared columns
/// in declared order. The columns' presence and types are checked by the caller. Throws
/// std::runtime_error with SQLite's message when the file cannot be read.
void scan_table(const std::filesystem::path& path, const ProductSpec& product, const std::string& where,
    const std::function<void(const std::vector<TableValue>& row)>& row);

/// COUNT(*) and SUM of each count-role column (declared order) over the rows matching `where`.
/// Opens its own SQLite connection, so it may run on another thread beside a scan.
[[nodiscard]] std::vector<std::int64_t> sum_table(const std::filesystem::path& path, const ProductSpec& product,
    const std::string& where);

} // namespace migratlas::workspace
