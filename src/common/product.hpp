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

/// How the disclosure gate sums a key column when it publishes margins (docs/methods/disclosure.md).
enum class Margin {
    none,    ///< never summed: each value is a table of its own (flow type, statistic, source)
    total,   ///< its values sum to one total (sex, age group, nationality, direction, crossing point)
    units,   ///< MEGA unit -> parent -> ... -> country -> total, the hierarchy of the units product
    period,  ///< periods (months, years) sum to the whole period
};

struct ColumnSpec {
    std::string_view name;
    ColumnType type = ColumnType::text;
    ColumnRole role = ColumnRole::attribute;
    std::string_view unit;         ///< "persons", "km", "per 1000"; empty when none
    std::string_view description;  ///< one phrase, used in docs and in datapackage.json
    // What the disclosure gate needs to know (docs/methods/disclosure.md, "Declaring a product"):
    Margin margin = Margin::none;  ///< key columns: how the gate sums over it
    /// Key columns: the code the product itself uses for the total over this key, when some rows
    /// hold totals ("_T" when empty); published totals are always this code.
    std::string_view total_code{};
    /// Count columns of a product linked to another (ProductSpec::linked_to): the cell of that
    /// product this count equals, as "count;dimension=column,dimension='code'" (dimensions not
    /// named are totals; same-named key columns map to themselves). Empty = same name, keys by name.
    /// A column may carry codes that stand for several of the linked product's codes, the count
    /// being the sum of those cells: "flow_type=flow_type{migration:immigration+emigration}" (entries separated by spaces).
    std::string_view cell{};
    /// Measures (and attributes computed from counts): the count columns of the row it is computed
    /// from ("inflow,outflow"); "*" = from counts of other rows too (ranks, shares, cumulative
    /// shares): withheld from every row as soon as one count of the table is hidden. Empty on a
    /// measure = every count of its row. Empty on an attribute = not derived (always published).
    std::string_view derived_from{};
};

struct ProductSpec {
    std::string_view name;  ///< the table or layer name in the workspace
    Visibility visibility = Visibility::internal;
    GeometryKind geometry = GeometryKind::none;
    std::span<const ColumnSpec> columns;
    std::string_view description;
    std::string_view made_by;  ///< the command that writes it, for "make it with ..." messages
    /// The product whose cells this one's counts are (crossing_points -> crossings_monthly): both
    /// are protected as one family, so a cell hidden in one is hidden in the other.
    std::string_view linked_to{};
    /// Survey products: the column holding the CV in percent; measures other than it are withheld
    /// (or flagged) where it exceeds the gate's cv_limit.
    std::string_view cv_column{};

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
[[nodiscard]] std::string_view to_string(Margin margin);

} // namespace migratlas
