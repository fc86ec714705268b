// The workspace path of the tiler: products leave the workspace only through the disclosure gate
// (disclose::run), which returns PublishedLayer objects; this adapter turns each into a TileLayer.
// The tiles target never links the workspace (tests/layering), so nothing unprotected can be tiled.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "geo/geos_context.hpp"
#include "tiles/ogr_input.hpp"
#include "tiles/tile_layer.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::tiles {

struct PublishedLayers {
    std::vector<TileLayer> layers;
    std::vector<InputSummary> summaries;  ///< one per layer, in the same order
};

/// Runs the gate on `workspace` for the layers `layer_specs` names (in that order; each
/// "[NAME=]PRODUCT[:COLUMN=VALUE[|VALUE...]]...", a view of a product: disclose/layer_view.hpp) and
/// adapts every layer: a product keyed by unit without a geometry of its own is drawn on its units'
/// polygons (filter it to one row per unit, e.g. "arrivals=unit_flows:flow_type=migration"); every published
/// column becomes an attribute (the `<count>_status` columns included, so a viewer can tell a hidden
/// value from a zero), geometries come from the layer's WKB, and a product without a geometry column
/// but with lon/lat columns becomes points. A product that has neither is a SettingError("layers").
/// `pattern_cache`: disclose::Request::use_pattern_cache.
[[nodiscard]] PublishedLayers read_published(const std::filesystem::path& workspace,
    const std::vector<std::string>& layer_specs, const AttributeSelection& attributes, std::size_t max_attribute_bytes,
    bool pattern_cache, const geo::GeosContext& geos, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::tiles
