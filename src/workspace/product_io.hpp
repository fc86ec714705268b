// Typed reads and writes of the products declared in common/products/: every table or layer of the
// workspace is read and written through its ProductSpec, so names, columns and types match the declaration.
#pragma once

#include "common/product.hpp"
#include "common/product_metadata.hpp"
#include "common/table.hpp"
#include "workspace/workspace.hpp"

#include <gdal_priv.h>

#include <functional>
#include <optional>

namespace migratlas::workspace {

/// Whether the workspace holds `product`.
[[nodiscard]] bool has_product(GDALDataset& dataset, const ProductSpec& product);

/// Reads `product` with its columns in declared order (and one WKB per row when it has a geometry).
/// Throws InputError naming the workspace and the command that makes the product when it is absent,
/// or when a declared column is missing or of another type.
[[nodiscard]] Table read_product(GDALDataset& dataset, const ProductSpec& product);

/// Calls `row` for every row of `product` without holding the whole table (large tables).
void for_each_row(GDALDataset& dataset, const ProductSpec& product,
    const std::function<void(const std::vector<TableValue>& row)>& row);

/// Replaces `product` with `table`. The table's columns must be exactly the declared ones and, for
/// products with a geometry, it must carry one WKB per row (std::logic_error otherwise: a programming
/// error). Rows are written in one transaction.
void write_product(Workspace& workspace, const ProductSpec& product, const Table& table);

/// Replaces the metadata of `metadata.product` (table product_metadata).
void write_metadata(Workspace& workspace, const ProductMetadata& metadata);
/// The metadata stored for `product`; nullopt when none was written.
[[nodiscard]] std::optional<ProductMetadata> read_metadata(GDALDataset& dataset, const ProductSpec& product);

} // namespace migratlas::workspace
