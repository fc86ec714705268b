// Every product declared in common/products/, for the stages that handle products by name
// (disclose, export, the atlas file): lookup by name, and the list for docs and checks.
#pragma once

#include "common/product.hpp"

#include <span>
#include <string_view>

namespace migratlas::products {

/// All declared products, in pipeline order.
[[nodiscard]] std::span<const ProductSpec* const> all();
/// The product called `name`; nullptr when none is declared.
[[nodiscard]] const ProductSpec* find(std::string_view name);

} // namespace migratlas::products
