// The adapter from the disclosure gate's published layers to render's own FeatureLayer: the only
// way workspace products reach the pages (render never links the workspace).
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "render/feature_layer.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace migratlas::render {

/// A published product as a feature layer, with the texts the legend uses for hidden values.
struct PublishedInput {
    std::shared_ptr<FeatureLayer> layer;
    std::string suppressed_label;   ///< "fewer than 10 persons (and complementary cells)"
    std::string unreliable_label;   ///< "CV above 30%"
};

/// Runs the disclosure gate on `workspace` for `products` and adapts every layer it returns.
[[nodiscard]] std::map<std::string, PublishedInput> read_published_products(const std::filesystem::path& workspace,
    const std::vector<std::string>& products, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::render
