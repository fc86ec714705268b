// Checks new units against the MEGA hierarchy they join: parents (orphans), overlaps between
// siblings and gaps inside parents, in km² in an equal-area projection. Runs before import writes.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "geo/unit.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace migratlas::geo {

struct HierarchyOptions {
    double tolerance_km2 = 1.0;  ///< overlaps and gaps up to this area (per piece) are ignored
    /// True when the full hierarchy is known (a workspace was given, or import): a parent code
    /// found nowhere is an orphan error. False (check without --workspace): only a warning.
    bool parents_known = true;
};

struct HierarchyResult {
    std::vector<std::string> orphans;  ///< codes of new units without a valid parent
    std::uint64_t overlaps = 0;        ///< sibling pairs overlapping by more than the tolerance
    double overlap_km2 = 0;
    std::uint64_t gaps = 0;            ///< pieces of a parent not covered by its children, above tolerance
    double gap_km2 = 0;
    std::uint64_t outside = 0;         ///< pieces of children outside their parent, above tolerance
    double outside_km2 = 0;
};

/// `hierarchy` holds every unit after the import (kept existing units and the new ones);
/// `is_new[i]` marks the units this source brings. Only relations involving new units are checked.
[[nodiscard]] HierarchyResult check_hierarchy(const GeosContext& geos, const std::vector<const Unit*>& hierarchy,
    const std::vector<bool>& is_new, const std::string& source, const HierarchyOptions& options,
    Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::geo
