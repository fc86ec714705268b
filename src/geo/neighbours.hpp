// Neighbour pairs between units of one level and the length of the border they share.
// Feeds the workspace `unit_neighbours` table (border indicators and map checks read it).
#pragma once

#include "geo/unit.hpp"

#include <string>
#include <vector>

namespace migratlas::geo {

struct Neighbour {
    std::string code_a;          ///< code_a < code_b: each pair appears once
    std::string code_b;
    int level = 0;
    double shared_border_km = 0; ///< geodesic length of the common boundary
};

/// Pairs of units of the same level among `units` whose boundaries share a line (touching at a
/// point is not neighbourhood). Candidates come from an R-tree on envelopes, so the cost grows
/// with the number of touching pairs, not with n². Sorted by level, code_a, code_b.
///
/// Units from different sources (Colombian vs Venezuelan states) rarely share exact vertices, so
/// when two boundaries share no line but come within `snap_km`, the border is the part of the first
/// boundary lying within `snap_km` of the second (0 disables this).
[[nodiscard]] std::vector<Neighbour> compute_neighbours(const GeosContext& geos, const std::vector<const Unit*>& units,
    double snap_km = 0.5);

} // namespace migratlas::geo
