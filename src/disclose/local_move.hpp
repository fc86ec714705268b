// The protector's second tool, for primary cells no hypercube protects: the cheapest move of the
// table's leaves around the cell (an LP over a neighbourhood, COIN-OR CLP) that raises the cell by a
// target while keeping every leaf >= 0; the published cells it changes become secondary.
#pragma once

#include "disclose/cube.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace migratlas::disclose {

struct LocalMoveLimits {
    std::size_t leaves_per_dimension = 6;
    /// The LP's size grows with the product of the leaves per dimension; past a few hundred the
    /// solve dominates protection (on the demo `large` flows, 800 leaves: about 30 ms per move, 256:
    /// about 3 ms) while the pattern hides about 3% more cells (docs/methods/disclosure.md §1).
    std::size_t max_leaves = 256;
};

/// Published, not yet hidden cells a move raising `cell` by `target` (leaves of a neighbourhood
/// only, each >= 0) changes, at the least total `cost(value) * |change|`. Cells in the list may be
/// absent from the cube (zeros). nullopt when no such move exists in the neighbourhood.
[[nodiscard]] std::optional<std::vector<CellKey>> local_move(const Cube& cube, CellId cell, std::size_t measure,
    std::int64_t target, const std::function<double(std::int64_t)>& cost, const LocalMoveLimits& limits = {});

} // namespace migratlas::disclose
