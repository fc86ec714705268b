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
    std::size_t max_leaves = 800;
    /// The cells the move can change (the leaves and every margin above them, one LP row each when
    /// published) bound the solve time. With five summed keys 800 leaves span about 7 000 cells and
    /// a solve took 30 ms, so the flows of the demo `large` region took over 25 minutes; 1 200 cells
    /// keep it to a few ms, and on the four-key tables of docs/methods/disclosure.md §7 the pattern
    /// hides no more persons than with leaves alone bounded.
    std::size_t max_cells = 1200;
};

/// Published, not yet hidden cells a move raising `cell` by `target` (leaves of a neighbourhood
/// only, each >= 0) changes, at the least total `cost(value) * |change|`. Cells in the list may be
/// absent from the cube (zeros). nullopt when no such move exists in the neighbourhood.
[[nodiscard]] std::optional<std::vector<CellKey>> local_move(const Cube& cube, CellId cell, std::size_t measure,
    std::int64_t target, const std::function<double(std::int64_t)>& cost, const LocalMoveLimits& limits = {});

} // namespace migratlas::disclose
