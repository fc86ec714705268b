// Typed reads and writes of the products declared in common/products/: every table or layer of the
// workspace is read and written through its ProductSpec, so names, columns and types match the declaration.
#pragma once

#include "common/product.hpp"
#include "common/product_metadata.hpp"
#include "common/table.hpp"
#include "workspace/workspace.hpp"

#include <gdal_priv.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace migratlas::workspace {

/// Whether the workspace holds `product`.
[[nodiscard]] bool has_product(GDALDataset& dataset, const ProductSpec& product);

/// Reads `product` with its columns in declared order (and one WKB per row when it has a geometry).
/// Throws InputError naming the workspace and the command that makes the product when it is absent,
/// or when a declared column is missing or of another type.
[[nodiscard]] Table read_product(GDALDataset& dataset, const ProductSpec& product);

/// Calls `row` for every row of `product` without holding the whole table (large tables). The row's
/// storage is reused from one call to the next: copy what must outlive the call.
void for_each_row(GDALDataset& dataset, const ProductSpec& product,
    const std::function<void(const std::vector<TableValue>& row)>& row);
/// As above, for the rows that match an OGR SQL attribute filter `where` (e.g. "month >= '2021-01'"),
/// which SQLite evaluates: the other rows are never turned into features.
void for_each_row(GDALDataset& dataset, const ProductSpec& product, const std::string& where,
    const std::function<void(const std::vector<TableValue>& row)>& row);

/// Rows matching the SQL condition `where` and the sum of each count-role column of `product` over
/// them (in declared order of those columns), computed by SQLite; for reconciling rows a filtered
/// read skipped.
struct RowTotals {
    std::int64_t rows = 0;
    std::vector<std::int64_t> counts;
};
/// Reads the workspace file at `path` (a GeoPackage) on a connection of its own, so it may run on
/// another thread while the dataset is being read (a second core totals what a scan skips).
[[nodiscard]] RowTotals totals_where(const std::filesystem::path& path, const ProductSpec& product, const std::string& where);

/// Smallest and largest value of a text column; nullopt when the product has no rows.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> text_range(GDALDataset& dataset,
    const ProductSpec& product, std::string_view column);

/// Replaces `product` with `table`. The table's columns must be exactly the declared ones and, for
/// products with a geometry, it must carry one WKB per row (std::logic_error otherwise: a programming
/// error). Rows are written in the workspace's transaction.
void write_product(Workspace& workspace, const ProductSpec& product, const Table& table);

/// Replaces the metadata of `metadata.product` (table product_metadata).
void write_metadata(Workspace& workspace, const ProductMetadata& metadata);
/// The metadata stored for `product`; nullopt when none was written.
[[nodiscard]] std::optional<ProductMetadata> read_metadata(GDALDataset& dataset, const ProductSpec& product);

} // namespace migratlas::workspace
