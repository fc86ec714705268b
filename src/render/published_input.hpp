// The adapter from the disclosure gate's published layers to render's own FeatureLayer: the only
// way workspace products reach the pages (render never links the workspace).
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "common/source_pos.hpp"
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

/// What a map layer draws of a product: its rows that pass `filter` (column -> accepted values).
/// A product keyed by unit without a geometry of its own is drawn on the published units' polygons,
/// one row per unit (disclose/layer_view.hpp).
struct ProductRequest {
    std::string key;      ///< the name the result is returned under
    std::string product;
    std::vector<std::pair<std::string, std::vector<std::string>>> filter;
    SourcePos pos;        ///< where the atlas file asks for it (errors of the view name it)
};

/// True when `product` has no geometry but a unit key, so a map draws it on its units.
[[nodiscard]] bool drawn_on_units(const std::string& product);

/// The requests in groups whose products the gate protects together (a product and those linked
/// to it share one table family, ProductSpec::linked_to), in the order first requested. The gate
/// protects each family on its own, so groups can go through it at once with the same result.
[[nodiscard]] std::vector<std::vector<ProductRequest>> protected_together(const std::vector<ProductRequest>& requests);

/// Runs the disclosure gate on `workspace` once for every product the requests name and adapts
/// each request's view of its product; the result is keyed by ProductRequest::key.
/// `pattern_cache`: disclose::Request::use_pattern_cache.
[[nodiscard]] std::map<std::string, PublishedInput> read_published_products(const std::filesystem::path& workspace,
    const std::vector<ProductRequest>& requests, bool pattern_cache, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::render
