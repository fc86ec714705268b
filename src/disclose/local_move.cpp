#include "disclose/local_move.hpp"

#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace migratlas::disclose {

namespace {

std::int64_t value_at(const Cube& cube, CellKey key, std::size_t measure = 0)
{
    const CellId* cell = cube.find(key);
    return cell == nullptr ? 0 : cube.value(*cell, measure);
}

void collect_leaves(const Dimension& dimension, NodeId node, std::vector<NodeId>& leaves)
{
    if (dimension.is_leaf(node)) {
        leaves.push_back(node);
        return;
    }
    for (const NodeId child : dimension.children(node)) {
        collect_leaves(dimension, child, leaves);
    }
}

/// The leaves of dimension d that may move: those below the cell's own node and, from the cell's
/// parent's subtree, the largest ones on the cell's line (they can give the most).
std::vector<NodeId> neighbourhood(const Cube& cube, CellKey key, std::size_t d, std::size_t cap)
{
    const Dimension& dimension = cube.dimension(d);
    const NodeId own = cube.coord(key, d);
    if (((cube.separate() >> d) & 1U) != 0 && own != Dimension::root()) {
        return {own};  // a code of a dimension never summed is a table of its own: the move stays in it
    }
    std::vector<NodeId> inside;
    collect_leaves(dimension, own, inside);
    std::vector<NodeId> around;
    if (own != Dimension::root()) {
        collect_leaves(dimension, dimension.parent(own), around);
        around.erase(std::remove_if(around.begin(), around.end(), [&](NodeId leaf) { return dimension.within(leaf, own); }),
            around.end());
    }
    auto by_line_value = [&](std::vector<NodeId>& leaves, std::size_t keep) {
        std::stable_sort(leaves.begin(), leaves.end(), [&](NodeId a, NodeId b) {
            return value_at(cube, cube.with_coord(key, d, a)) > value_at(cube, cube.with_coord(key, d, b));
        });
        if (leaves.size() > keep) {
            leaves.resize(keep);
        }
    };
    const std::size_t inside_cap = own == Dimension::root() ? cap : std::max<std::size_t>(cap / 2, 1);
    by_line_value(inside, inside_cap);
    by_line_value(around, cap - std::min(cap, inside.size()));
    inside.insert(inside.end(), around.begin(), around.end());
    std::sort(inside.begin(), inside.end());
    return inside;
}

} // namespace

std::optional<std::vector<CellKey>> local_move(const Cube& cube, CellId cell, std::size_t measure,
    std::int64_t target, const std::function<double(std::int64_t)>& cost, const LocalMoveLimits& limits)
{
    const CellKey primary = cube.key(cell);
    const std::size_t rank = cube.rank();
    std::vector<std::vector<NodeId>> leaves(rank);
    std::size_t per_dimension = limits.leaves_per_dimension;
    while (true) {
        std::size_t product = 1;
        for (std::size_t d = 0; d < rank; ++d) {
            leaves[d] = neighbourhood(cube, primary, d, per_dimension);
            product *= leaves[d].size();
        }
        if (product <= limits.max_leaves || per_dimension <= 2) {
            break;
        }
        per_dimension = per_dimension * 2 / 3;
    }
    // Every node above a moving leaf, per dimension: the cells whose value the move can change.
    std::vector<std::vector<NodeId>> nodes(rank);
    std::vector<std::unordered_map<NodeId, std::vector<std::size_t>>> leaves_below(rank);
    for (std::size_t d = 0; d < rank; ++d) {
        const Dimension& dimension = cube.dimension(d);
        for (std::size_t i = 0; i < leaves[d].size(); ++i) {
            for (NodeId node = leaves[d][i];; node = dimension.parent(node)) {
                auto& below = leaves_below[d][node];
                if (below.empty()) {
                    nodes[d].push_back(node);
                }
                below.push_back(i);
                if (node == Dimension::root()) {
                    break;
                }
            }
        }
    }
    // Columns: one change per leaf of the neighbourhood (>= -value), then p and n of every priced cell.
    std::vector<CellKey> leaf_keys;
    std::vector<double> col_low;
    std::vector<double> col_high;
    std::vector<double> objective;
    std::vector<std::size_t> index(rank, 0);
    std::unordered_map<CellKey, int> column_of_leaf;
    while (true) {
        CellKey key = 0;
        for (std::size_t d = 0; d < rank; ++d) {
            key += static_cast<CellKey>(leaves[d][index[d]]) * cube.stride(d);
        }
        column_of_leaf[key] = static_cast<int>(leaf_keys.size());
        leaf_keys.push_back(key);
        col_low.push_back(-static_cast<double>(value_at(cube, key, measure)));
        col_high.push_back(COIN_DBL_MAX);
        objective.push_back(0.0);
        std::size_t d = 0;
        while (d < rank && ++index[d] == leaves[d].size()) {
            index[d] = 0;
            ++d;
        }
        if (d == rank) {
            break;
        }
    }
    std::vector<CoinBigIndex> starts;
    std::vector<int> lengths;
    std::vector<int> indices;
    std::vector<double> elements;
    std::vector<double> row_low;
    std::vector<double> row_high;
    std::vector<CellKey> priced;
    std::vector<int> row_indices;
    std::vector<double> row_elements;
    std::vector<std::size_t> node_index(rank, 0);
    std::vector<std::size_t> leaf_index(rank, 0);
    const std::size_t leaf_columns = leaf_keys.size();
    while (true) {
        CellKey key = 0;
        for (std::size_t d = 0; d < rank; ++d) {
            key += static_cast<CellKey>(nodes[d][node_index[d]]) * cube.stride(d);
        }
        const CellId* existing = cube.find(key);
        const bool free = !cube.published(key) || (existing != nullptr && cube.hidden(*existing));
        if (key == primary || !free) {
            // The row: sum of the moving leaves below this cell.
            row_indices.clear();
            row_elements.clear();
            std::vector<std::size_t> pick(rank, 0);
            while (true) {
                CellKey leaf = 0;
                for (std::size_t d = 0; d < rank; ++d) {
                    leaf += static_cast<CellKey>(leaves[d][leaves_below[d][nodes[d][node_index[d]]][pick[d]]]) * cube.stride(d);
                }
                row_indices.push_back(column_of_leaf[leaf]);
                row_elements.push_back(1.0);
                std::size_t d = 0;
                while (d < rank && ++pick[d] == leaves_below[d][nodes[d][node_index[d]]].size()) {
                    pick[d] = 0;
                    ++d;
                }
                if (d == rank) {
                    break;
                }
            }
            if (key == primary) {
                starts.push_back(static_cast<CoinBigIndex>(indices.size()));
                lengths.push_back(static_cast<int>(row_indices.size()));
                indices.insert(indices.end(), row_indices.begin(), row_indices.end());
                elements.insert(elements.end(), row_elements.begin(), row_elements.end());
                row_low.push_back(static_cast<double>(target));
                row_high.push_back(static_cast<double>(target));
            } else {
                // change - p + n = 0, with p and n priced at the cost of hiding the cell.
                const int p = static_cast<int>(leaf_columns + 2 * priced.size());
                row_indices.push_back(p);
                row_elements.push_back(-1.0);
                row_indices.push_back(p + 1);
                row_elements.push_back(1.0);
                starts.push_back(static_cast<CoinBigIndex>(indices.size()));
                lengths.push_back(static_cast<int>(row_indices.size()));
                indices.insert(indices.end(), row_indices.begin(), row_indices.end());
                elements.insert(elements.end(), row_elements.begin(), row_elements.end());
                row_low.push_back(0.0);
                row_high.push_back(0.0);
                priced.push_back(key);
            }
        }
        std::size_t d = 0;
        while (d < rank && ++node_index[d] == nodes[d].size()) {
            node_index[d] = 0;
            ++d;
        }
        if (d == rank) {
            break;
        }
    }
    for (const CellKey key : priced) {
        const double weight = cost(value_at(cube, key));
        for (int side = 0; side < 2; ++side) {
            col_low.push_back(0.0);
            col_high.push_back(COIN_DBL_MAX);
            objective.push_back(weight);
        }
    }
    const CoinPackedMatrix matrix(false, static_cast<int>(col_low.size()), static_cast<int>(row_low.size()),
        static_cast<CoinBigIndex>(indices.size()), elements.data(), indices.data(), starts.data(), lengths.data());
    ClpSimplex model;
    model.setLogLevel(0);
    model.loadProblem(matrix, col_low.data(), col_high.data(), objective.data(), row_low.data(), row_high.data());
    // Presolve first: most rows of a neighbourhood are cells whose leaves cannot move apart (the
    // LP fixes them at once), and CLP's presolved solve took a third of the time of dual() alone on
    // the flows of the demo `large` region.
    model.initialSolve();
    if (!model.isProvenOptimal()) {
        return std::nullopt;
    }
    const double* solution = model.primalColumnSolution();
    std::vector<CellKey> changed;
    for (std::size_t i = 0; i < priced.size(); ++i) {
        const double change = solution[leaf_columns + 2 * i] - solution[leaf_columns + 2 * i + 1];
        if (std::abs(change) > 1e-7) {
            changed.push_back(priced[i]);
        }
    }
    return changed;
}

} // namespace migratlas::disclose
