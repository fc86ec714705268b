// How the gate reads a product declaration (common/products/): which key columns are dimensions
// and how they sum, which columns are protected counts, which measures derive from which counts,
// and how a linked product's counts map onto the cells of the product it is linked to.
#pragma once

#include "common/product.hpp"
#include "disclose/published_layer.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::disclose {


struct KeyLayout {
    std::size_t column = 0;
    Margin margin = Margin::none;
    std::string total_code;  ///< the product's own code for the total over this key
};

struct DerivedLayout {
    std::size_t column = 0;
    bool whole_table = false;            ///< "*": withheld everywhere once a count of the table is hidden
    std::vector<std::size_t> sources;    ///< count columns of the row
};

/// The cell of the linked product one count column equals.
struct CellLink {
    std::string count;  ///< count column of the linked product
    /// linked product key column -> this product's key column, or a fixed code ('code')
    std::map<std::string, std::string> columns;
    std::map<std::string, std::string> codes;
    /// linked product key column -> (this product's code -> the linked product's codes it sums)
    std::map<std::string, std::map<std::string, std::vector<std::string>>> expansions;
};

struct ProductLayout {
    const ProductSpec* spec = nullptr;
    std::vector<KeyLayout> keys;
    std::vector<std::size_t> counts;
    std::vector<DerivedLayout> derived;
    std::vector<CellLink> links;  ///< one per count, when the product is linked to another
    std::optional<std::size_t> cv_column;
};

/// Reads the declaration; std::logic_error on a declaration the gate cannot use (a programming
/// error caught by the tests of every catalogue product).
[[nodiscard]] ProductLayout layout_of(const ProductSpec& spec);

} // namespace migratlas::disclose
