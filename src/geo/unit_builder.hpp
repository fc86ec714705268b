// Assembles units from source features: one unit per code, parts of one unit merged, name conflicts
// resolved or reported, area and representative point computed. Runs after the source reader.
#pragma once

#include "common/diagnostics.hpp"
#include "geo/source_reader.hpp"
#include "geo/unit.hpp"

#include <cstdint>
#include <vector>

namespace migratlas::geo {

/// What to do when one code is used by features with different names (--name-conflict).
enum class NameConflict {
    error,         ///< an error: the source is not usable (default)
    keep_largest,  ///< merge the parts, keep the name of the largest-area part, warn for each code
};

struct BuildResult {
    std::vector<Unit> units;           ///< in order of the first feature of each code
    std::uint64_t parts_merged = 0;    ///< features folded into another feature of the same code
    std::uint64_t duplicate_codes = 0; ///< codes used by features with different names
};

/// Builds units from `source` (its geometries are moved out). Errors ("duplicate_code",
/// "code_conflict") and warnings ("parts_merged", "name_conflict") go to `diagnostics`.
[[nodiscard]] BuildResult build_units(const GeosContext& geos, SourceData& source, NameConflict name_conflict,
    Diagnostics& diagnostics);

/// Fills area_km2 and rep_lon/rep_lat of a unit from its geometry.
void measure_unit(const GeosContext& geos, Unit& unit);

} // namespace migratlas::geo
