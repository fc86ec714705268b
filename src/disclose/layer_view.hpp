// Views of published layers for maps and tiles: a subset of a layer's rows (e.g. one flow type), and
// rows keyed by unit drawn on their unit's polygon (unit_flows, estimates on the map). A view only
// leaves rows out and borrows geometry from the published units, so it publishes nothing its
// product does not; values and statuses are untouched.
#pragma once

#include "disclose/published_layer.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace migratlas::disclose {

/// The key column of a product whose rows are about one unit each (unit_flows, estimates, ...).
inline constexpr std::string_view unit_key_column = "unit_code";

struct ViewSpec {
    std::string name;     ///< the view's layer name; empty = the product's
    std::string product;  ///< the published layer it is a view of
    /// Rows whose column's value (as text) is one of the values; every listed column must match.
    std::vector<std::pair<std::string, std::vector<std::string>>> where;
};

struct ViewCounts {
    std::uint64_t rows_read = 0;
    std::uint64_t rows_kept = 0;
    std::uint64_t filtered_out = 0;  ///< by `where`
    std::uint64_t without_unit = 0;  ///< unit-keyed rows whose unit has no polygon (margins, countries abroad)
};

/// Parses "[NAME=]PRODUCT[:COLUMN=VALUE[|VALUE...]]..." (the tiles stage's layer syntax).
/// Throws SettingError(setting) naming the part that is not of that form.
[[nodiscard]] ViewSpec parse_view_spec(const std::string& text, const std::string& setting);

/// True when `layer` has no geometry of its own but a unit key, so a view draws it on the units.
[[nodiscard]] bool needs_unit_geometry(const PublishedLayer& layer);

/// The view of `layer` that `spec` describes. When needs_unit_geometry(layer), each kept row takes
/// the polygon of its unit from `units` (the published units layer; required then) and two rows for
/// one unit are a SettingError(setting) naming the columns to filter on and their values.
/// Filtering on a column the layer does not have is a SettingError(setting) too.
[[nodiscard]] PublishedLayer make_view(const PublishedLayer& layer, const ViewSpec& spec, const PublishedLayer* units,
    const std::string& setting, ViewCounts& counts);

} // namespace migratlas::disclose
