// The publishable view of a product: what every publishing stage (export, render, tiles, serve)
// receives instead of the internal workspace. Only the disclosure gate (src/disclose/) makes them.
#pragma once

#include "common/product.hpp"
#include "common/product_metadata.hpp"
#include "common/table.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::disclose {

/// The SDMX cross-domain code for "total" (CL_SEX, CL_AGE, ... all use _T): every published margin.
inline constexpr std::string_view total_code = "_T";
/// The code a missing (NULL or empty) key gets where a code is needed (SDMX "_U", unknown).
inline constexpr std::string_view unknown_code = "_U";

/// What the gate did to one value of a count or measure column, written in its `<column>_status`
/// column. Published values have status `published`; the others are NULL in the value column.
enum class CellStatus {
    published,         ///< shown as computed
    primary,           ///< below the threshold (small count)
    primary_dominance, ///< a sum dominated by one or two contributors
    secondary,         ///< complementary: hidden so that a primary cell cannot be recovered or narrowed
    withheld_quality,  ///< survey estimate whose CV exceeds the limit
    derived_hidden,    ///< a measure derived from a hidden value (net, rate, share)
};

[[nodiscard]] std::string_view to_string(CellStatus status);
/// The status called `text`; false when there is none.
[[nodiscard]] bool parse_cell_status(std::string_view text, CellStatus& status);

struct PublishedColumn {
    std::string name;
    ColumnType type = ColumnType::text;
    ColumnRole role = ColumnRole::attribute;
    std::string unit;
    std::string description;
    std::string status_of;  ///< for a `<column>_status` column: the column it qualifies; empty otherwise
};

/// One code of a dimension as published: margins use `_T` (the SDMX total), hierarchical
/// dimensions list each code with its parent so a reader can re-derive every sum the table implies.
struct DimensionCode {
    std::string code;
    std::string parent;  ///< empty for `_T`; `_T` for top-level codes
    std::string label;   ///< name of the unit or code, when known
};

/// A key column over which the layer publishes sums (sex, age group, unit -> parent -> country, ...).
struct PublishedDimension {
    std::string column;  ///< key column of the layer
    std::vector<DimensionCode> codes;
};

/// How the layer's counts sit in the table family the gate protected, so that a reader (the
/// audit) can rebuild every sum the published files imply from the files alone.
struct PublishedStructure {
    std::string family;                     ///< the base product of the family
    std::vector<std::string> family_keys;   ///< the base product's key columns, in order
    std::vector<std::string> separate;      ///< those of them never summed (one table per code)
    /// True when the layer lists every published cell of the family, margins included, and a
    /// combination of codes that is absent is zero (the base product without a geometry).
    bool complete = false;
    struct Count {
        std::string column;         ///< count column of the layer
        std::string status_column;  ///< its <column>_status
        std::string family_count;   ///< the base product's count this column is a cell of
        /// family key -> the layer's key column holding its code, or 'code' for a fixed code;
        /// family keys not listed are at their total.
        std::vector<std::pair<std::string, std::string>> coordinates;
        /// family key -> (the layer's code -> the family codes whose cells the count sums)
        std::map<std::string, std::map<std::string, std::vector<std::string>>> expansions;
    };
    std::vector<Count> counts;
    std::vector<std::string> total_codes;   ///< per family key: its code for the total
};

/// What the gate applied to a layer and what it hid (counts only, never which values).
struct DisclosureSummary {
    std::int64_t threshold = 0;         ///< persons; 0 for layers that needed no protection
    std::int64_t protection_level = 0;  ///< minimum width of an attacker's interval for a primary cell
    double cv_limit_pct = 0.0;          ///< 0 when the layer has no survey estimates
    std::string method;                 ///< rule and secondary-suppression method, one sentence
    std::int64_t cells = 0;             ///< protected values (count cells, margins included)
    std::int64_t primary = 0;
    std::int64_t secondary = 0;
    std::int64_t withheld_quality = 0;
    std::int64_t persons_hidden = 0;    ///< sum of the hidden count values
    std::string family;                 ///< layers of one family share cells and were protected together
};

class LayerFactory;  // src/disclose/layer_factory.hpp: the only code that constructs a PublishedLayer

class PublishedLayer {
public:
    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] GeometryKind geometry() const { return m_geometry; }
    /// Every column of table(), in order, including the `<count>_status` text columns.
    [[nodiscard]] const std::vector<PublishedColumn>& columns() const { return m_columns; }
    /// Rows of TableValue (NULL where a value is hidden) and, for layers with a geometry, one ISO WKB
    /// per row (EPSG:4326, lon/lat) in Table::geometry_wkb.
    [[nodiscard]] const Table& table() const { return m_table; }
    /// Sources, method, parameters, period, creation time, version and, in `disclosure`, the rule
    /// applied and what it hid.
    [[nodiscard]] const ProductMetadata& metadata() const { return m_metadata; }
    /// Key columns over which the layer publishes margins (`_T` rows and hierarchy levels).
    [[nodiscard]] const std::vector<PublishedDimension>& dimensions() const { return m_dimensions; }
    [[nodiscard]] const DisclosureSummary& disclosure() const { return m_disclosure; }
    /// Where its counts sit in the protected family (empty family for layers without counts).
    [[nodiscard]] const PublishedStructure& structure() const { return m_structure; }
    /// Index of column `name` in columns(); throws std::logic_error when there is none.
    [[nodiscard]] std::size_t column_index(std::string_view name) const;

private:
    friend class LayerFactory;
    PublishedLayer() = default;

    std::string m_name;
    GeometryKind m_geometry = GeometryKind::none;
    std::vector<PublishedColumn> m_columns;
    Table m_table;
    ProductMetadata m_metadata;
    std::vector<PublishedDimension> m_dimensions;
    DisclosureSummary m_disclosure;
    PublishedStructure m_structure;
};

} // namespace migratlas::disclose
