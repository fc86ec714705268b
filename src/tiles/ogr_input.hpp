// The generic input of the tiler: one layer of any OGR vector source, named on the command line as
// SOURCE[:layer][=name], read into a TileLayer in world coordinates. Every feature read is accepted
// or rejected with a reason (Diagnostics), so counts reconcile.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "geo/geos_context.hpp"
#include "tiles/layer_builder.hpp"
#include "tiles/tile_layer.hpp"

#include <string>
#include <vector>

class OGRGeometry;

namespace migratlas::tiles {

struct AttributeSelection {
    std::vector<std::string> include;  ///< empty: every attribute
    std::vector<std::string> exclude;
};

struct InputSummary {
    std::string spec;        ///< as given
    std::string source;      ///< passwords of PG: strings masked
    std::string layer;       ///< the OGR layer read
    std::string driver;
    std::string crs;
    std::uint64_t features_read = 0;
    BuildCounts counts;
};

/// Reads one input. Structural problems (unreadable source, unknown layer, no usable CRS) throw
/// InputError; bad features are rejects. `name` of the result is the given name or the layer's name.
[[nodiscard]] TileLayer read_input(const std::string& spec, const AttributeSelection& attributes,
    std::size_t max_attribute_bytes, const geo::GeosContext& geos, Diagnostics& diagnostics, Progress& progress,
    InputSummary& summary);

/// Appends the parts of an OGR geometry (any Multi* or collection of one kind; curves as segments)
/// to `out`; false when it mixes points, lines and areas. `kind_set` tells whether out.kind is known.
[[nodiscard]] bool collect_parts(const OGRGeometry& geometry, LonLatGeometry& out, bool& kind_set);

} // namespace migratlas::tiles
