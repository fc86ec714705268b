// One protected table family as the gate builds it from the workspace: the base product's rows
// as a cube with every margin its keys imply, protected once, then written back as the rows of the
// base product (with its margins) and of every product linked to it (their own rows).
#pragma once

#include "common/table.hpp"
#include "disclose/cube.hpp"
#include "disclose/hypercube_protector.hpp"
#include "disclose/pattern_cache.hpp"
#include "disclose/product_layout.hpp"
#include "disclose/published_layer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace migratlas::disclose {

/// The MEGA hierarchy of the workspace (units product): code -> parent code (empty at level 1), name.
struct UnitHierarchy {
    struct Unit {
        std::string parent;
        std::string name;
    };
    std::unordered_map<std::string, Unit> units;
};

/// The rule for survey quality (products with a cv_column).
struct QualityRule {
    double cv_limit_pct = 30.0;
    bool withhold = true;  ///< false: published, flagged by the product's own flag column
};

/// Rows and columns of one published layer, before the LayerFactory wraps them.
struct LayerRows {
    std::vector<PublishedColumn> columns;
    Table table;
    std::vector<PublishedDimension> dimensions;
    PublishedStructure structure;
    std::int64_t withheld_quality = 0;
};

class FamilyTable {
public:
    /// Builds the cube from the base product's rows. InputError/DataError on rows the gate cannot
    /// protect (negative counts, stated totals that are not the sum of their parts).
    FamilyTable(const ProductLayout& base, Table rows, const UnitHierarchy& units);

    /// Primary and complementary suppression of every count of the family.
    ProtectionReport protect(const ProtectionRule& rule, std::vector<CellCertificate>* certificates = nullptr);
    /// Instead of protect(): the pattern protect(rule) gave this table in another process (the
    /// gate's pattern cache). False when it does not fit the table; protect() must run then.
    [[nodiscard]] bool restore(const ProtectionRule& rule, const StoredPattern& pattern);

    /// The base product with every published margin (rows for `_T` and hierarchy levels), or, for
    /// products with a geometry, its own rows only.
    [[nodiscard]] LayerRows base_rows(const QualityRule& quality) const;
    /// A product linked to the base: its own rows, each count taking the status of its cell.
    [[nodiscard]] LayerRows member_rows(const ProductLayout& member, const Table& rows, const QualityRule& quality) const;

    [[nodiscard]] const Cube& cube() const { return m_cube; }
    /// The cell of the base product's key codes (one per key column, in order; a total is the
    /// key's total code); nullopt when some code is not in the table (the cell is zero).
    [[nodiscard]] std::optional<CellKey> key_of(const std::vector<std::string>& codes) const;

private:
    void add_rows();
    void check_stated_totals() const;
    [[nodiscard]] std::vector<PublishedColumn> columns_with_status(const ProductLayout& layout) const;
    [[nodiscard]] std::vector<PublishedDimension> published_dimensions() const;
    [[nodiscard]] PublishedStructure structure_of(const ProductLayout& layout) const;
    void fill_derived(const ProductLayout& layout, const std::vector<TableValue>& data,
        const std::vector<CellStatus>& count_status, bool table_hidden, const QualityRule& quality,
        std::vector<TableValue>& out, std::int64_t& withheld) const;

    [[nodiscard]] CellStatus count_status(const CellId* cell, std::size_t measure) const;

    /// A linked product's count in one of its rows: the base cells it sums, their sum and status.
    struct LinkedCount {
        std::optional<CellKey> key;  ///< a cell it sums (the one cell, when there is one)
        std::int64_t value = 0;
        CellStatus status = CellStatus::published;
    };
    /// The base key codes of every cell a linked count sums (more than one through expansions).
    [[nodiscard]] std::vector<std::vector<std::string>> linked_codes(const ProductLayout& member, const CellLink& link,
        const std::vector<TableValue>& row) const;
    [[nodiscard]] LinkedCount linked_count(const ProductLayout& member, const CellLink& link,
        const std::vector<TableValue>& row, std::size_t measure) const;
    [[nodiscard]] std::vector<TableValue> cell_row(const ProductLayout& layout, const std::vector<TableValue>* data,
        const std::vector<std::string>& key_codes, const std::vector<std::int64_t>& counts,
        const std::vector<CellStatus>& status, bool table_hidden, const QualityRule& quality,
        std::int64_t& withheld) const;

    ProductLayout m_base;
    Cube m_cube;
    ProtectionRule m_rule;
    /// Leaf or stated-total cells that are a row of the base product.
    std::unordered_map<CellKey, std::size_t> m_row_of_cell;
    std::vector<std::pair<CellKey, std::size_t>> m_stated_totals;
    Table m_rows;
};

} // namespace migratlas::disclose
