// The LP attacker: for hidden cells of a cube, the smallest and largest value consistent with every
// published cell, the table's additivity and non-negativity (COIN-OR CLP). The gate verifies its
// own patterns with it; `migratlas audit` runs it on published files.
#pragma once

#include "disclose/cube.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace migratlas::disclose {

struct AttackSettings {
    std::int64_t protection_level = 10;
    /// Exact min and max of every checked cell (small tables and tests). Otherwise a protected cell
    /// whose sampled LP solutions already span the protection level is not solved on its own.
    bool exact = false;
    /// Check every hidden cell, not only the protected ones.
    bool all_hidden = false;
    /// Random objectives solved per sub-problem after pushing every cell up and down (capped
    /// pushes settle more per solve: none by default).
    int sampling_objectives = 0;
    /// Threads the independent sub-problems are solved on; 0: one per core (the result does not
    /// depend on it).
    unsigned threads = 0;
};

inline constexpr double no_upper_bound = std::numeric_limits<double>::infinity();

struct CellInterval {
    CellId cell = 0;
    double low = 0.0;   ///< integer bounds (counts are integers): ceil of the LP minimum
    double high = 0.0;  ///< floor of the LP maximum; no_upper_bound when unbounded
    bool exact = false; ///< both ends solved; otherwise [low, high] is inside the attacker's interval
    [[nodiscard]] double width() const { return high - low; }
};

struct AttackResult {
    std::vector<CellInterval> intervals;  ///< every checked cell (protected ones; every hidden one with all_hidden)
    std::vector<CellInterval> exposed;    ///< protected cells narrower than the protection level
    std::vector<std::string> inconsistencies;  ///< published sums that do not add up (the model does not fit)
    std::size_t hidden = 0;
    std::size_t fixed_by_subtraction = 0;  ///< checked cells a relation with one unknown gives away (exact)
    std::size_t components = 0;
    std::size_t largest_component = 0;
    std::size_t lp_solves = 0;
};

/// Attacks `measure` of `cube`. `protect[cell]` marks the hidden cells whose interval must be at
/// least settings.protection_level wide (primary cells); other hidden cells are unknowns only.
[[nodiscard]] AttackResult attack(const Cube& cube, std::size_t measure, const std::vector<bool>& protect,
    const AttackSettings& settings);

} // namespace migratlas::disclose
