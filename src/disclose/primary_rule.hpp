// Primary suppression: which cells of a cube are too small (or too dominated) to publish. First
// step of the gate's protection, before complementary suppression (hypercube_protector.hpp).
#pragma once

#include "disclose/cube.hpp"

#include <cstdint>
#include <span>

namespace migratlas::disclose {

struct PrimaryRule {
    std::int64_t threshold = 10;  ///< counts 1 .. threshold-1 are primary
    bool suppress_zeros = false;  ///< zeros are published unless this is set
};

/// True when a count is primary under `rule`.
[[nodiscard]] inline bool is_primary(std::int64_t count, const PrimaryRule& rule)
{
    return count < rule.threshold && (count > 0 || rule.suppress_zeros);
}

/// The (n, k) dominance rule for sums: a cell is dominated when its n largest contributions make
/// up more than k percent of its total. `largest` holds the largest contributions, largest first.
[[nodiscard]] bool is_dominated(double total, std::span<const double> largest, int n, double k_pct);

/// Marks every cell primary whose value in any measure is primary; returns how many.
std::int64_t apply_primary(Cube& cube, const PrimaryRule& rule);

} // namespace migratlas::disclose
