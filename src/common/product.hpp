// The declaration of a product that stages exchange through the workspace: table or layer name,
// columns with types and roles, keys, geometry, and whether it may leave the workspace as is.
// Every product is declared once, in common/products/ (one header per stage that makes it).
#pragma once

#include "common/table.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas {

/// internal: unsuppressed values; lives in the workspace only and leaves it only through the
/// disclosure stage (src/disclose). publishable: holds nothing confidential (boundaries, names).
enum class Visibility { internal, publishable };

/// Stored as Point, MultiLineString and MultiPolygon layers (EPSG:4326) respectively.
enum class GeometryKind { none, point, line, polygon };

/// What a column is to the stages that read it, and to the disclosure gate in particular.
enum class ColumnRole {
    key,        ///< identifies the row together with the other key columns (a dimension: unit, period, sex, ...)
    count,      ///< additive count of persons (or of events of persons): protected by the disclosure rule
    measure,    ///< any other number derived from counts (net, rates, shares, SE, CV): published only
                ///< where what it derives from is
    attribute,  ///< descriptive and never confidential (names, areas, coordinates, distances)
};

struct ColumnSpec {
    std::string_view name;
    ColumnType type = ColumnType::text;
    ColumnRole role = ColumnRole::attribute;
    std::string_view unit;         ///< "persons", "km", "per 1000"; empty when none
    std::string_view description;  ///< one phrase, used in docs and in datapackage.json
};

struct ProductSpec {
    std::string_view name;  ///< the table or layer name in the workspace
    Visibility visibility = Visibility::internal;
    GeometryKind geometry = GeometryKind::none;
    std::span<const ColumnSpec> columns;
    std::string_view description;
    std::string_view made_by;  ///< the command that writes it, for "make it with ..." messages

    /// Index of `column`; throws std::logic_error when the product has no such column (a
    /// programming error: column names are part of the declaration).
    [[nodiscard]] std::size_t column_index(std::string_view column) const;
    [[nodiscard]] bool has_column(std::string_view column) const;
    [[nodiscard]] std::vector<std::size_t> key_columns() const;
    /// Columns as a Table header, in declared order.
    [[nodiscard]] std::vector<TableColumn> table_columns() const;
    /// An empty Table of this product (name and columns set).
    [[nodiscard]] Table make_table() const;
};

[[nodiscard]] std::string_view to_string(Visibility visibility);
[[nodiscard]] std::string_view to_string(GeometryKind geometry);
[[nodiscard]] std::string_view to_string(ColumnRole role);

} // namespace migratlas
