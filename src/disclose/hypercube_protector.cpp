#include "disclose/hypercube_protector.hpp"

#include "disclose/local_move.hpp"
#include "disclose/parallel.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace migratlas::disclose {

namespace {

/// One coordinate touched by a move in one dimension: the move changes the cells at `node` by
/// `sign` times its step. `corner` marks the leaf at the end of a chain, where the move's
/// non-negativity is decided.
struct AxisCoord {
    NodeId node = 0;
    int sign = 1;
    bool corner = false;
    double share = 1.0;  ///< for a corner: the part of the move this leaf carries
};

/// The part of a move in one dimension: a chain of + coordinates from a leaf up to the cell's own
/// node and beyond, and (for a pair) a chain of - coordinates from a partner leaf up to the
/// partner's node, both ending below their common ancestor. A single (no partner) chain goes up to
/// `_T`. The product over dimensions is a hypercube whose signed cells sum to zero in every
/// margin below those common ancestors. A spread option, for a cell at `_T` in a dimension, moves
/// several leaves at once, each by its share of the step: the move stays a product of one vector
/// per dimension, so every margin still moves by the step times the shares below it.
struct AxisOption {
    std::vector<AxisCoord> coords;
    double proxy = 0.0;          ///< cost of the option's cells on the primary's own line
    std::int64_t minus_line = 0; ///< value at the partner leaf on the primary's line (unbounded: single)
};

std::int64_t saturating_add(std::int64_t a, std::int64_t b)
{
    return a > unbounded - b ? unbounded : a + b;
}

std::int64_t to_count(double step)
{
    return step >= static_cast<double>(unbounded) ? unbounded : static_cast<std::int64_t>(step);
}

/// The moves accepted for one primary cell: how far they raise and lower it, and how much each
/// leaf corner has been lowered by them, in the up and in the down direction (two separate points).
struct Ledger {
    std::vector<std::int64_t> upper;
    std::vector<std::int64_t> lower;
    std::unordered_map<CellKey, std::vector<double>> lowered_up;
    std::unordered_map<CellKey, std::vector<double>> lowered_down;
};

class Protector {
public:
    Protector(Cube& cube, const ProtectionRule& rule) : m_cube(cube), m_rule(rule), m_measures(cube.measures().size()) {}

    ProtectionReport run(std::vector<CellCertificate>* certificates);
    /// Certify mode: moves may use hidden cells only, nothing is hidden, every measure counts.
    void certify(const std::vector<CellId>& cells, std::vector<CellCertificate>& certificates)
    {
        m_certify = true;
        for (const CellId cell : cells) {
            protect_cell(cell, &certificates);
        }
    }

private:
    /// A hypercube's cost and how far it can move the cell up and down (per measure).
    struct Combo {
        double cost = 0.0;
        std::vector<double> up;
        std::vector<double> down;
        bool truncated = false;  ///< cost over the limit: up and down are not computed
    };
    /// The best hypercube of one move so far: the fewest persons newly hidden per person of protection.
    struct BestMove {
        std::vector<const AxisOption*> combo;
        Combo steps;
        double ratio = std::numeric_limits<double>::infinity();
        std::int64_t gain = 0;

        [[nodiscard]] bool empty() const { return combo.empty(); }
        /// The most a hypercube may cost and still win, for `needed` persons of protection missing.
        [[nodiscard]] double limit(std::int64_t needed) const
        {
            return empty() ? std::numeric_limits<double>::infinity() : ratio * static_cast<double>(needed);
        }
        /// Keeps the hypercube `tried` (with `tried_gain`) if it is better; true if it was kept.
        bool consider(const std::vector<const AxisOption*>& tried_combo, const Combo& tried, std::int64_t tried_gain)
        {
            if (tried_gain <= 0) {
                return false;
            }
            const double tried_ratio = tried.cost / static_cast<double>(tried_gain);
            if (tried_ratio < ratio || (tried_ratio == ratio && tried_gain > gain)) {
                combo = tried_combo;
                steps = tried;
                ratio = tried_ratio;
                gain = tried_gain;
                return true;
            }
            return false;
        }
    };

    [[nodiscard]] double weight(std::int64_t value) const
    {
        if (m_certify) {
            return std::numeric_limits<double>::infinity();
        }
        return m_rule.cost == SuppressionCost::cells ? 1.0 : 1.0 + static_cast<double>(value);
    }
    [[nodiscard]] std::int64_t value_at(CellKey key) const
    {
        const CellId* cell = m_cube.find(key);
        return cell == nullptr ? 0 : m_cube.value(*cell, 0);
    }
    [[nodiscard]] double cost_at(CellKey key) const
    {
        if (!m_cube.published(key)) {
            return 0.0;  // not in any published table: the attacker does not know it
        }
        const CellId* cell = m_cube.find(key);
        if (cell == nullptr) {
            return weight(0);
        }
        return m_cube.hidden(*cell) ? 0.0 : weight(m_cube.value(*cell, 0));
    }

    [[nodiscard]] std::vector<NodeId> descend(CellKey key, std::size_t d, NodeId from) const;
    /// The cost of the option's cells on the primary's own line in dimension d (a lower bound of
    /// the cost of any hypercube using the option).
    [[nodiscard]] double line_cost(CellKey key, std::size_t d, const AxisOption& option) const;
    [[nodiscard]] AxisOption make_option(CellKey key, std::size_t d, const std::vector<AxisCoord>& plus,
        const std::vector<AxisCoord>& minus) const;
    [[nodiscard]] std::vector<AxisOption> options(CellKey key, std::size_t d) const;
    [[nodiscard]] std::vector<AxisOption> fallback(CellKey key) const;
    [[nodiscard]] std::optional<AxisOption> spread_option(CellKey key, std::size_t d) const;
    [[nodiscard]] bool summed(std::size_t d) const { return ((m_cube.separate() >> d) & 1U) == 0; }
    [[nodiscard]] CellKey largest_leaf_below(CellKey key) const;
    [[nodiscard]] std::vector<std::vector<AxisOption>> partner_led(CellKey key, const std::vector<std::vector<AxisOption>>& axes) const;

    [[nodiscard]] Combo evaluate(const std::vector<const AxisOption*>& combo, const Ledger& ledger, double cost_limit) const;
    void accept(const std::vector<const AxisOption*>& combo, const Combo& steps, Ledger& ledger);
    /// Calls visit(key, published, sign, corner, share) for every cell of the hypercube `combo`
    /// spans (every combination of its axes' coordinates); stops, returning false, when visit
    /// returns false. `published` comes from the coordinates it combines: decoding each key
    /// again was a tenth of the protection time.
    template <typename Visit>
    bool for_each_cell(const std::vector<const AxisOption*>& combo, Visit&& visit) const
    {
        const std::size_t rank = combo.size();
        std::array<std::size_t, 32> index{};
        while (true) {
            CellKey key = 0;
            std::uint32_t breakdown = 0;
            int sign = 1;
            bool corner = true;
            double share = 1.0;
            for (std::size_t d = 0; d < rank; ++d) {
                const AxisCoord& coord = combo[d]->coords[index[d]];
                key += static_cast<CellKey>(coord.node) * m_cube.stride(d);
                breakdown |= coord.node != Dimension::root() ? 1U << d : 0U;
                sign *= coord.sign;
                corner = corner && coord.corner;
                share *= coord.share;
            }
            if (!visit(key, m_cube.published_breakdown(breakdown), sign, corner, share)) {
                return false;
            }
            std::size_t d = 0;
            while (d < rank && ++index[d] == combo[d]->coords.size()) {
                index[d] = 0;
                ++d;
            }
            if (d == rank) {
                return true;
            }
        }
    }
    [[nodiscard]] std::int64_t protection(const Ledger& ledger, std::size_t m, std::int64_t value) const;
    [[nodiscard]] std::int64_t gain(const Ledger& ledger, const Combo& steps, const std::vector<std::int64_t>& values) const;
    [[nodiscard]] std::int64_t missing(const Ledger& ledger, const std::vector<std::int64_t>& values) const;
    /// The gain of an evaluated hypercube, or 0 when it is truncated or over `limit` (not proven or not winning).
    [[nodiscard]] std::int64_t usable_gain(const Combo& tried, double limit, const Ledger& ledger, const std::vector<std::int64_t>& values) const
    {
        const bool usable = !tried.truncated && tried.cost <= limit + 1e-9 && std::isfinite(tried.cost);
        return usable ? gain(ledger, tried, values) : 0;
    }
    [[nodiscard]] static std::vector<std::size_t> search_width(const std::vector<std::vector<AxisOption>>& axes);
    void protect_cell(CellId cell, std::vector<CellCertificate>* certificates);
    /// LP moves (local_move.hpp) for every measure the cell still needs, not yet applied, and the
    /// persons they would newly hide per person of protection missing (+inf when one has none).
    struct LocalMoves {
        struct Move {
            std::int64_t target = 0;
            std::vector<CellKey> changed;
        };
        std::vector<std::optional<Move>> moves;
        double price = 0.0;
    };
    [[nodiscard]] LocalMoves plan_local_moves(CellId cell, const Ledger& ledger, const std::vector<std::int64_t>& values) const;
    void apply(const LocalMoves& plan, Ledger& ledger);

    Cube& m_cube;
    const ProtectionRule& m_rule;
    std::size_t m_measures;
    std::int64_t m_fallbacks = 0;
    std::int64_t m_local_moves = 0;
    bool m_certify = false;
    [[nodiscard]] bool needs(std::int64_t value) const { return m_certify || is_primary(value, m_rule.primary); }
};

std::vector<NodeId> Protector::descend(CellKey key, std::size_t d, NodeId from) const
{
    // Down the largest child on the cell's line: large leaves let the move go further.
    const Dimension& dimension = m_cube.dimension(d);
    std::vector<NodeId> chain{from};
    NodeId node = from;
    while (!dimension.is_leaf(node)) {
        NodeId best = dimension.children(node).front();
        std::int64_t best_value = -1;
        for (const NodeId child : dimension.children(node)) {
            const std::int64_t value = value_at(m_cube.with_coord(key, d, child));
            if (value > best_value) {
                best = child;
                best_value = value;
            }
        }
        node = best;
        chain.push_back(node);
    }
    return chain;
}

double Protector::line_cost(CellKey key, std::size_t d, const AxisOption& option) const
{
    const NodeId own = m_cube.coord(key, d);
    double cost = 0.0;
    for (const AxisCoord& coord : option.coords) {
        if (coord.node != own) {
            cost += cost_at(m_cube.with_coord(key, d, coord.node));
        }
    }
    return cost;
}

AxisOption Protector::make_option(CellKey key, std::size_t d, const std::vector<AxisCoord>& plus,
    const std::vector<AxisCoord>& minus) const
{
    AxisOption option;
    option.coords = plus;
    option.coords.insert(option.coords.end(), minus.begin(), minus.end());
    option.proxy = line_cost(key, d, option);
    option.minus_line = unbounded;
    for (const AxisCoord& coord : minus) {
        if (coord.corner) {
            option.minus_line = value_at(m_cube.with_coord(key, d, coord.node));
        }
    }
    return option;
}

std::vector<AxisOption> Protector::options(CellKey key, std::size_t d) const
{
    const Dimension& dimension = m_cube.dimension(d);
    const NodeId own = m_cube.coord(key, d);
    auto chain_coords = [](const std::vector<NodeId>& nodes, int sign) {
        std::vector<AxisCoord> coords;
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            coords.push_back(AxisCoord{nodes[i], sign, i + 1 == nodes.size()});
        }
        return coords;
    };
    std::vector<AxisOption> result;
    if (((m_cube.separate() >> d) & 1U) != 0 && own != Dimension::root()) {
        // Each code of a dimension never summed is a table of its own: moves stay inside it. The
        // chain goes from the code up to, not including, its `_T`: a cell at that `_T` is in no
        // published table, so it moves freely and bounds nothing, and leaving it out halves the
        // cells every hypercube walks per such dimension without changing what a move proves or hides.
        std::vector<AxisCoord> chain{AxisCoord{own, 1, true}};
        for (NodeId node = dimension.parent(own); node != Dimension::root(); node = dimension.parent(node)) {
            chain.push_back(AxisCoord{node, 1, false});
        }
        result.push_back(make_option(key, d, chain, {}));
        return result;
    }
    std::vector<NodeId> down = descend(key, d, own);
    std::reverse(down.begin(), down.end());  // leaf first, own node last
    // Pairs: with a sibling of the own node, else of its parent, ... until enough partners exist.
    std::vector<NodeId> up = down;
    for (NodeId below = own; below != Dimension::root(); below = dimension.parent(below)) {
        if (below != own) {
            up.push_back(below);
        }
        const NodeId stop = dimension.parent(below);
        std::vector<AxisCoord> plus = chain_coords(up, 1);
        for (AxisCoord& coord : plus) {
            coord.corner = coord.node == up.front();
        }
        std::size_t viable = 0;
        for (const NodeId sibling : dimension.children(stop)) {
            if (sibling == below) {
                continue;
            }
            std::vector<NodeId> partner = descend(key, d, sibling);
            std::reverse(partner.begin(), partner.end());
            std::vector<AxisCoord> minus = chain_coords(partner, -1);
            for (AxisCoord& coord : minus) {
                coord.corner = coord.node == partner.front();
            }
            result.push_back(make_option(key, d, plus, minus));
            viable += result.back().minus_line > 0 ? 1 : 0;
        }
        if (viable >= 3) {
            break;
        }
    }
    if (own == Dimension::root()) {
        if (std::optional<AxisOption> spread = spread_option(key, d)) {
            result.push_back(std::move(*spread));
        }
    }
    // At a total, a single chain down to one leaf. (Below a total a single chain would hide the
    // margins all the way up; the LP move of local_move.hpp is the better last resort there.)
    if (own == Dimension::root()) {
        for (const NodeId child : dimension.children(own)) {
            std::vector<NodeId> chain = descend(key, d, child);
            std::reverse(chain.begin(), chain.end());
            chain.push_back(own);
            std::vector<AxisCoord> plus = chain_coords(chain, 1);
            for (AxisCoord& coord : plus) {
                coord.corner = coord.node == chain.front();
            }
            result.push_back(make_option(key, d, plus, {}));
        }
    }
    if (own != Dimension::root()) {
        // A single chain up to the total: valid, and cheap where the margins on the way are small
        // or hidden already; where they are not, the search's price cap leaves it to local_move.
        std::vector<NodeId> chain = down;
        for (NodeId node = own; node != Dimension::root();) {
            node = dimension.parent(node);
            chain.push_back(node);
        }
        std::vector<AxisCoord> plus = chain_coords(chain, 1);
        for (AxisCoord& coord : plus) {
            coord.corner = coord.node == chain.front();
        }
        result.push_back(make_option(key, d, plus, {}));
    }
    std::stable_sort(result.begin(), result.end(), [](const AxisOption& a, const AxisOption& b) {
        const bool a_viable = a.minus_line > 0;
        const bool b_viable = b.minus_line > 0;
        if (a_viable != b_viable) {
            return a_viable;
        }
        if (a.proxy != b.proxy) {
            return a.proxy < b.proxy;
        }
        return a.minus_line > b.minus_line;
    });
    return result;
}

std::optional<AxisOption> Protector::spread_option(CellKey key, std::size_t d) const
{
    // The cell is a total over d: spread its move over its largest leaves along d, in proportion to
    // their values, so that no one small leaf limits how far the total can move.
    constexpr std::size_t max_leaves = 6;
    const Dimension& dimension = m_cube.dimension(d);
    std::vector<std::pair<std::int64_t, NodeId>> leaves;
    std::vector<NodeId> stack{Dimension::root()};
    while (!stack.empty()) {
        const NodeId node = stack.back();
        stack.pop_back();
        if (dimension.is_leaf(node)) {
            const std::int64_t value = value_at(m_cube.with_coord(key, d, node));
            if (value > 0) {
                leaves.emplace_back(value, node);
            }
            continue;
        }
        for (const NodeId child : dimension.children(node)) {
            stack.push_back(child);
        }
    }
    if (leaves.size() < 2) {
        return std::nullopt;
    }
    std::sort(leaves.begin(), leaves.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    leaves.resize(std::min(leaves.size(), max_leaves));
    double total = 0.0;
    for (const auto& leaf : leaves) {
        total += static_cast<double>(leaf.first);
    }
    std::vector<AxisCoord> coords;
    std::vector<bool> taken(dimension.size(), false);
    for (const auto& [value, leaf] : leaves) {
        coords.push_back(AxisCoord{leaf, 1, true, static_cast<double>(value) / total});
        for (NodeId node = leaf; node != Dimension::root();) {
            node = dimension.parent(node);
            if (!taken[node]) {
                taken[node] = true;
                coords.push_back(AxisCoord{node, 1, false, 1.0});
            }
        }
    }
    return make_option(key, d, coords, {});
}

CellKey Protector::largest_leaf_below(CellKey key) const
{
    // Greedy: split the dimension whose largest child holds the most, until every coordinate is a
    // leaf. Each step keeps a positive value where the cell has one (a margin is the sum of its children).
    while (true) {
        std::int64_t best_value = -1;
        CellKey best = key;
        for (std::size_t d = 0; d < m_cube.rank(); ++d) {
            const Dimension& dimension = m_cube.dimension(d);
            const NodeId node = m_cube.coord(key, d);
            if (!summed(d) || dimension.is_leaf(node)) {
                continue;
            }
            for (const NodeId child : dimension.children(node)) {
                const CellKey candidate = m_cube.with_coord(key, d, child);
                const std::int64_t value = value_at(candidate);
                if (value > best_value) {
                    best_value = value;
                    best = candidate;
                }
            }
        }
        if (best_value < 0) {
            return key;
        }
        key = best;
    }
}

std::vector<std::vector<AxisOption>> Protector::partner_led(CellKey key, const std::vector<std::vector<AxisOption>>& axes) const
{
    // In a sparse table the chains options() descends along the cell's own lines mostly meet zero
    // cells at the partner's side, so no hypercube they span moves at all. Here the partner leads:
    // in dimension d the cell pairs with a partner code as in options(); the partner's cell is
    // descended (largest_leaf_below) to one leaf with counts, and in every other summed dimension
    // the chain runs from that leaf's code up to `_T`. That leaf is then the only corner that
    // falls when the cell rises, so the move goes as far as it holds (the cell's own corner may
    // be a zero: it rises).
    constexpr std::size_t partners_per_dimension = 2;
    std::vector<std::vector<AxisOption>> combos;
    for (std::size_t d = 0; d < m_cube.rank(); ++d) {
        if (!summed(d) || m_cube.coord(key, d) == Dimension::root()) {
            continue;
        }
        std::vector<const AxisOption*> pairs;
        for (const AxisOption& option : axes[d]) {
            if (option.minus_line > 0 && option.minus_line != unbounded) {
                pairs.push_back(&option);
            }
        }
        std::stable_sort(pairs.begin(), pairs.end(), [](const AxisOption* a, const AxisOption* b) { return a->minus_line > b->minus_line; });
        if (pairs.size() > partners_per_dimension) {
            pairs.resize(partners_per_dimension);
        }
        const Dimension& dimension = m_cube.dimension(d);
        for (const AxisOption* pair : pairs) {
            const NodeId partner = pair->coords.back().node;  // the minus chain ends at the partner code
            const CellKey leaf = largest_leaf_below(m_cube.with_coord(key, d, partner));
            if (value_at(leaf) <= 0) {
                continue;
            }
            std::vector<AxisOption> combo(m_cube.rank());
            for (std::size_t e = 0; e < m_cube.rank(); ++e) {
                if (!summed(e)) {
                    combo[e] = axes[e].front();
                    continue;
                }
                const Dimension& along = m_cube.dimension(e);
                if (e == d) {
                    AxisOption& option = combo[e];
                    for (const AxisCoord& coord : pair->coords) {
                        if (coord.sign > 0) {
                            option.coords.push_back(coord);
                        }
                    }
                    for (NodeId node = m_cube.coord(leaf, d);; node = dimension.parent(node)) {
                        option.coords.push_back(AxisCoord{node, -1, node == m_cube.coord(leaf, d)});
                        if (node == partner) {
                            break;
                        }
                    }
                    continue;
                }
                for (NodeId node = m_cube.coord(leaf, e);; node = along.parent(node)) {
                    combo[e].coords.push_back(AxisCoord{node, 1, node == m_cube.coord(leaf, e)});
                    if (node == Dimension::root()) {
                        break;
                    }
                }
            }
            combos.push_back(std::move(combo));
        }
    }
    return combos;
}

std::vector<AxisOption> Protector::fallback(CellKey key) const
{
    // Every dimension a single chain to `_T`: the move has no - corner, so the cell is unbounded
    // above. It hides the cell's whole path to the grand total.
    std::vector<AxisOption> result;
    for (std::size_t d = 0; d < m_cube.rank(); ++d) {
        const Dimension& dimension = m_cube.dimension(d);
        const NodeId own = m_cube.coord(key, d);
        std::vector<NodeId> chain = descend(key, d, own);
        std::reverse(chain.begin(), chain.end());
        for (NodeId node = own; node != Dimension::root();) {
            node = dimension.parent(node);
            chain.push_back(node);
        }
        AxisOption option;
        for (const NodeId node : chain) {
            option.coords.push_back(AxisCoord{node, 1, node == chain.front()});
        }
        result.push_back(std::move(option));
    }
    return result;
}

Protector::Combo Protector::evaluate(const std::vector<const AxisOption*>& combo, const Ledger& ledger,
    double cost_limit) const
{
    Combo result;
    result.up.assign(m_measures, static_cast<double>(unbounded));
    result.down.assign(m_measures, static_cast<double>(unbounded));
    const bool complete = for_each_cell(combo, [&](CellKey key, bool published, int sign, bool corner, double share) {
        if (!published && !corner) {
            return true;  // moves freely and bounds nothing: no lookup (half the cells at a `none` key's `_T`)
        }
        const CellId* cell = m_cube.find(key);
        if (!published) {
            // an unpublished cell moves freely
        } else if (cell == nullptr) {
            result.cost += weight(0);
        } else if (!m_cube.hidden(*cell)) {
            result.cost += weight(m_cube.value(*cell, 0));
        }
        if (result.cost > cost_limit || std::isinf(result.cost)) {
            // Not every corner was seen: the steps are not proven, the hypercube must not be used.
            result.truncated = true;
            return false;
        }
        if (corner) {
            // The leaf moves down by share * step (up moves at - corners, down moves at + corners)
            // and must stay >= 0 after what earlier moves of this cell already took from it.
            const bool lowered_by_up = sign < 0;
            const auto& taken = lowered_by_up ? ledger.lowered_up : ledger.lowered_down;
            const auto it = taken.find(key);
            std::vector<double>& side = lowered_by_up ? result.up : result.down;
            for (std::size_t m = 0; m < m_measures; ++m) {
                const double value = cell == nullptr ? 0.0 : static_cast<double>(m_cube.value(*cell, m));
                const double left = value - (it == taken.end() ? 0.0 : it->second[m]);
                side[m] = std::min(side[m], std::max(0.0, left) / share);
            }
        }
        return true;
    });
    if (!complete) {
        return result;
    }
    for (std::size_t m = 0; m < m_measures; ++m) {
        result.up[m] = std::floor(result.up[m] + 1e-9);
        result.down[m] = std::floor(result.down[m] + 1e-9);
    }
    return result;
}

void Protector::accept(const std::vector<const AxisOption*>& combo, const Combo& steps, Ledger& ledger)
{
    for_each_cell(combo, [&](CellKey key, bool published, int sign, bool corner, double share) {
        if (published) {
            const CellId cell = m_cube.find_or_add(key);
            if (!m_cube.hidden(cell)) {
                m_cube.set_status(cell, CellStatus::secondary);
            }
        }
        if (corner) {
            auto& taken = sign < 0 ? ledger.lowered_up : ledger.lowered_down;
            const std::vector<double>& step = sign < 0 ? steps.up : steps.down;
            std::vector<double>& entry = taken[key];
            entry.resize(m_measures, 0.0);
            for (std::size_t m = 0; m < m_measures; ++m) {
                if (step[m] < static_cast<double>(unbounded)) {
                    entry[m] += share * step[m];
                }
            }
        }
        return true;
    });
    for (std::size_t m = 0; m < m_measures; ++m) {
        ledger.upper[m] = saturating_add(ledger.upper[m], to_count(steps.up[m]));
        ledger.lower[m] = saturating_add(ledger.lower[m], to_count(steps.down[m]));
    }
}

std::int64_t Protector::protection(const Ledger& ledger, std::size_t m, std::int64_t value) const
{
    const std::int64_t width = saturating_add(ledger.upper[m], std::min(ledger.lower[m], value));
    return std::min(width, m_rule.protection_level);
}

std::int64_t Protector::gain(const Ledger& ledger, const Combo& steps, const std::vector<std::int64_t>& values) const
{
    std::int64_t total = 0;
    for (std::size_t m = 0; m < m_measures; ++m) {
        if (!needs(values[m])) {
            continue;
        }
        const std::int64_t upper = saturating_add(ledger.upper[m], to_count(steps.up[m]));
        const std::int64_t lower = saturating_add(ledger.lower[m], to_count(steps.down[m]));
        const std::int64_t width = std::min(saturating_add(upper, std::min(lower, values[m])), m_rule.protection_level);
        total += width - protection(ledger, m, values[m]);
    }
    return total;
}

std::int64_t Protector::missing(const Ledger& ledger, const std::vector<std::int64_t>& values) const
{
    std::int64_t total = 0;
    for (std::size_t m = 0; m < m_measures; ++m) {
        if (needs(values[m])) {
            total += m_rule.protection_level - protection(ledger, m, values[m]);
        }
    }
    return total;
}

std::vector<std::size_t> Protector::search_width(const std::vector<std::vector<AxisOption>>& axes)
{
    // Keep the search to a few hundred hypercubes: the best-ranked options of each dimension. A
    // hypercube has 2^k corners in k summed dimensions, so past four the budget halves with each
    // one: the corners visited per move stay about the same.
    std::size_t summed = 0;
    for (const std::vector<AxisOption>& axis : axes) {
        summed += axis.size() > 1 ? 1 : 0;
    }
    const std::size_t combo_budget = std::max<std::size_t>(16, std::size_t{256} >> (summed > 4 ? summed - 4 : 0));
    std::vector<std::size_t> keep(axes.size());
    for (std::size_t per_axis = 6; per_axis >= 1; --per_axis) {
        std::size_t combos = 1;
        for (std::size_t d = 0; d < axes.size(); ++d) {
            keep[d] = std::min(axes[d].size(), per_axis);
            combos *= keep[d];
        }
        if (combos <= combo_budget || per_axis == 1) {
            break;
        }
    }
    return keep;
}

void Protector::protect_cell(CellId cell, std::vector<CellCertificate>* certificates)
{
    const CellKey key = m_cube.key(cell);
    std::vector<std::int64_t> values(m_measures);
    for (std::size_t m = 0; m < m_measures; ++m) {
        values[m] = m_cube.value(cell, m);
    }
    Ledger ledger;
    ledger.upper.assign(m_measures, 0);
    ledger.lower.assign(m_measures, 0);
    std::vector<std::vector<AxisOption>> axes;
    for (std::size_t d = 0; d < m_cube.rank(); ++d) {
        axes.push_back(options(key, d));
    }
    const std::vector<std::size_t> keep = search_width(axes);
    // Past this price (persons hidden per person of protection) an LP move of the neighbourhood
    // is usually cheaper than another hypercube.
    constexpr double price_cap = 200.0;
    std::optional<std::vector<std::vector<AxisOption>>> led_combos;  // made when first needed
    // Moves add up: each accepted hypercube raises (and lowers) the cell by as much as the leaves it
    // lowers still allow after the earlier moves, so many cheap moves through cells that are hidden
    // anyway can protect a cell that no single move protects.
    constexpr int max_moves = 16;
    std::optional<LocalMoves> planned;
    for (int move = 0; move < max_moves && missing(ledger, values) > 0; ++move) {
        std::vector<std::size_t> pick(axes.size(), 0);
        std::vector<const AxisOption*> combo(axes.size());
        BestMove best;
        const std::int64_t needed = missing(ledger, values);
        while (true) {
            for (std::size_t d = 0; d < axes.size(); ++d) {
                combo[d] = &axes[d][pick[d]];
            }
            const double limit = best.limit(needed);
            // The cells on the primary's own lines are corners of the hypercube: their cost is a
            // lower bound of its cost, so a hypercube whose lines already cost more than the best
            // one could not win (gain <= needed) and is not enumerated. Same pick, fewer corners.
            double lines = 0.0;
            for (const AxisOption* option : combo) {
                lines += option->proxy;
            }
            Combo tried;
            if (lines > limit + 1e-9) {
                tried.cost = lines;
                tried.truncated = true;
            } else {
                tried = evaluate(combo, ledger, limit + 1e-9);
            }
            if (best.consider(combo, tried, usable_gain(tried, limit, ledger, values)) && tried.cost == 0.0 && best.gain == needed) {
                break;
            }
            std::size_t d = 0;
            while (d < axes.size() && ++pick[d] == keep[d]) {
                pick[d] = 0;
                ++d;
            }
            if (d == axes.size()) {
                break;
            }
        }
        if (!m_certify && (best.empty() || best.ratio > price_cap)) {
            // None of the hypercubes spanned from the cell's own lines is cheap: try the partner-led ones.
            if (!led_combos) {
                led_combos = partner_led(key, axes);
            }
            for (const std::vector<AxisOption>& led : *led_combos) {
                for (std::size_t d = 0; d < led.size(); ++d) {
                    combo[d] = &led[d];
                }
                const double limit = best.limit(needed);
                const Combo tried = evaluate(combo, ledger, limit + 1e-9);
                (void)best.consider(combo, tried, usable_gain(tried, limit, ledger, values));
            }
        }
        // Past the price cap, the LP move is planned and taken if it hides less per person of
        // protection: where no leaf around the cell can give, it can only let the margins change
        // up to the grand total, and the dear hypercube is then the cheaper one.
        if (best.empty()) {
            break;
        }
        if (best.ratio > price_cap && !m_certify) {
            if (!planned) {
                planned = plan_local_moves(cell, ledger, values);
            }
            if (planned->price <= best.ratio) {
                break;
            }
            planned.reset();  // the hypercube changes the ledger the plan was made for
        }
        accept(best.combo, best.steps, ledger);
        // The move hid cells: the lines' costs (the search's lower bounds) fall with them.
        for (std::size_t d = 0; d < axes.size(); ++d) {
            for (std::size_t i = 0; i < keep[d]; ++i) {
                axes[d][i].proxy = line_cost(key, d, axes[d][i]);
            }
        }
    }
    // No hypercube (or sum of them) is enough: the cheapest move of the leaves around the cell, by LP.
    if (!m_certify && missing(ledger, values) > 0) {
        if (!planned) {
            planned = plan_local_moves(cell, ledger, values);
        }
        apply(*planned, ledger);
    }
    if (!m_certify && missing(ledger, values) > 0) {
        const std::vector<AxisOption> chains = fallback(key);
        std::vector<const AxisOption*> combo;
        for (const AxisOption& option : chains) {
            combo.push_back(&option);
        }
        const Combo steps = evaluate(combo, ledger, std::numeric_limits<double>::infinity());
        accept(combo, steps, ledger);
        ++m_fallbacks;
    }
    if (certificates != nullptr) {
        certificates->push_back(CellCertificate{cell, ledger.upper, ledger.lower});
    }
}

Protector::LocalMoves Protector::plan_local_moves(CellId cell, const Ledger& ledger, const std::vector<std::int64_t>& values) const
{
    LocalMoves plan;
    plan.moves.resize(m_measures);
    std::unordered_set<CellKey> newly_hidden;
    double cost = 0.0;
    for (std::size_t m = 0; m < m_measures; ++m) {
        if (!needs(values[m]) || protection(ledger, m, values[m]) >= m_rule.protection_level) {
            continue;
        }
        const std::int64_t target = m_rule.protection_level - std::min(ledger.lower[m], values[m]);
        auto changed = local_move(m_cube, cell, m, target, [this](std::int64_t value) { return weight(value); });
        if (!changed) {
            plan.price = std::numeric_limits<double>::infinity();
            continue;
        }
        for (const CellKey key : *changed) {
            const CellId* existing = m_cube.find(key);
            if ((existing == nullptr || !m_cube.hidden(*existing)) && newly_hidden.insert(key).second) {
                cost += weight(value_at(key));
            }
        }
        plan.moves[m] = LocalMoves::Move{target, std::move(*changed)};
    }
    const std::int64_t wanted = missing(ledger, values);
    if (std::isfinite(plan.price) && wanted > 0) {
        plan.price = cost / static_cast<double>(wanted);
    }
    return plan;
}

void Protector::apply(const LocalMoves& plan, Ledger& ledger)
{
    for (std::size_t m = 0; m < m_measures; ++m) {
        if (!plan.moves[m]) {
            continue;
        }
        for (const CellKey changed_key : plan.moves[m]->changed) {
            const CellId hidden = m_cube.find_or_add(changed_key);
            if (!m_cube.hidden(hidden)) {
                m_cube.set_status(hidden, CellStatus::secondary);
            }
        }
        ledger.upper[m] = std::max(ledger.upper[m], plan.moves[m]->target);
        ++m_local_moves;
    }
}

ProtectionReport Protector::run(std::vector<CellCertificate>* certificates)
{
    std::vector<CellId> primaries;
    for (CellId cell = 0; cell < m_cube.size(); ++cell) {
        if (m_cube.status(cell) == CellStatus::primary || m_cube.status(cell) == CellStatus::primary_dominance) {
            primaries.push_back(cell);
        }
    }
    // Margins first: their moves reach down to the leaves and hide cells the leaves can reuse.
    auto totals = [this](CellKey key) {
        int count = 0;
        for (std::size_t d = 0; d < m_cube.rank(); ++d) {
            count += m_cube.dimension(d).depth(m_cube.coord(key, d));
        }
        return count;
    };
    std::vector<int> order_depth(primaries.size());
    for (std::size_t i = 0; i < primaries.size(); ++i) {
        order_depth[i] = totals(m_cube.key(primaries[i]));
    }
    std::vector<std::size_t> order(primaries.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (order_depth[a] != order_depth[b]) {
            return order_depth[a] < order_depth[b];
        }
        const std::int64_t va = m_cube.value(primaries[a], 0);
        const std::int64_t vb = m_cube.value(primaries[b], 0);
        if (va != vb) {
            return va > vb;
        }
        return m_cube.key(primaries[a]) < m_cube.key(primaries[b]);
    });
    for (const std::size_t i : order) {
        protect_cell(primaries[i], certificates);
    }
    ProtectionReport report;
    report.cells = static_cast<std::int64_t>(m_cube.size());
    report.cells = 0;
    for (CellId cell = 0; cell < m_cube.size(); ++cell) {
        if (!m_cube.published(m_cube.key(cell))) {
            continue;
        }
        ++report.cells;
        const CellStatus status = m_cube.status(cell);
        if (status == CellStatus::primary || status == CellStatus::primary_dominance) {
            ++report.primary;
        } else if (status == CellStatus::secondary) {
            ++report.secondary;
        }
        if (status != CellStatus::published) {
            report.persons_hidden += m_cube.value(cell, 0);
        }
    }
    report.fallbacks = m_fallbacks;
    report.local_moves = m_local_moves;
    return report;
}

} // namespace

std::vector<CellCertificate> certify(Cube& cube, const std::vector<CellId>& cells, std::int64_t protection_level)
{
    ProtectionRule rule;
    rule.protection_level = protection_level;
    Protector protector(cube, rule);
    std::vector<CellCertificate> certificates;
    protector.certify(cells, certificates);
    return certificates;
}

namespace {

/// The table of each cell (its codes in the dimensions never summed, packed), or nullopt for cells of
/// no table (unpublished, at `_T` of such a dimension): moves never change them.
std::optional<CellKey> table_of(const Cube& cube, CellKey key)
{
    CellKey table = 0;
    for (std::size_t d = 0; d < cube.rank(); ++d) {
        if (((cube.separate() >> d) & 1U) != 0) {
            const NodeId node = cube.coord(key, d);
            if (node == Dimension::root()) {
                return std::nullopt;
            }
            table += static_cast<CellKey>(node) * cube.stride(d);
        }
    }
    return table;
}

/// The cells of `cube` in at most `chunks` sub-cubes, each holding whole tables: one per table when
/// there are few, else the tables dealt (largest first, each to the smallest chunk) into `chunks`.
std::vector<Cube> split_tables(const Cube& cube, std::size_t chunks)
{
    std::vector<CellKey> tables;
    std::unordered_map<CellKey, std::size_t> table_index;
    std::vector<std::size_t> table_cells;
    std::vector<std::size_t> cell_table(cube.size(), SIZE_MAX);
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        const std::optional<CellKey> table = table_of(cube, cube.key(cell));
        if (!table) {
            continue;
        }
        const auto [it, added] = table_index.try_emplace(*table, tables.size());
        if (added) {
            tables.push_back(*table);
            table_cells.push_back(0);
        }
        cell_table[cell] = it->second;
        ++table_cells[it->second];
    }
    std::vector<std::size_t> by_size(tables.size());
    std::iota(by_size.begin(), by_size.end(), std::size_t{0});
    std::stable_sort(by_size.begin(), by_size.end(), [&](std::size_t a, std::size_t b) {
        return table_cells[a] != table_cells[b] ? table_cells[a] > table_cells[b] : tables[a] < tables[b];
    });
    const std::size_t parts_wanted = std::max<std::size_t>(1, std::min(tables.size(), chunks));
    std::vector<std::size_t> chunk_of(tables.size());
    std::vector<std::size_t> chunk_cells(parts_wanted, 0);
    for (const std::size_t t : by_size) {
        const std::size_t c = static_cast<std::size_t>(
            std::min_element(chunk_cells.begin(), chunk_cells.end()) - chunk_cells.begin());
        chunk_of[t] = c;
        chunk_cells[c] += table_cells[t];
    }
    // Threads take chunks in order: largest first, so that they finish together.
    std::vector<std::size_t> order(parts_wanted);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return chunk_cells[a] > chunk_cells[b]; });
    std::vector<std::size_t> position(parts_wanted);
    for (std::size_t i = 0; i < parts_wanted; ++i) {
        position[order[i]] = i;
    }
    std::vector<Cube> parts;
    for (std::size_t c = 0; c < parts_wanted; ++c) {
        parts.emplace_back(cube.dimensions(), cube.measures());
        parts.back().set_views(cube.views());
        parts.back().set_separate(cube.separate());
    }
    std::vector<NodeId> coords(cube.rank());
    std::vector<std::int64_t> values(cube.measures().size());
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        if (cell_table[cell] == SIZE_MAX) {
            continue;
        }
        const CellKey key = cube.key(cell);
        for (std::size_t d = 0; d < cube.rank(); ++d) {
            coords[d] = cube.coord(key, d);
        }
        for (std::size_t m = 0; m < values.size(); ++m) {
            values[m] = cube.value(cell, m);
        }
        (void)parts[position[chunk_of[cell_table[cell]]]].add_cell(coords, values, cube.status(cell));
    }
    return parts;
}

} // namespace

ProtectionReport protect(Cube& cube, const ProtectionRule& rule, std::vector<CellCertificate>* certificates)
{
    if (cube.separate() == 0) {
        Protector protector(cube, rule);
        return protector.run(certificates);
    }
    // Tables that share no sum are protected independently, in chunks on several threads. Any
    // split gives the same pattern (no move crosses tables, and each table's primaries keep their
    // order), and cells the moves add are merged in key order: the result is the same whatever
    // the thread count.
    const unsigned threads = thread_count(rule.threads);
    // A few chunks per thread: a thread that finishes a small table takes the next one.
    std::vector<Cube> parts = split_tables(cube, std::size_t{4} * std::max(threads, 2U));
    std::vector<std::vector<CellCertificate>> part_certificates(parts.size());
    std::vector<ProtectionReport> part_reports(parts.size());
    parallel_for(parts.size(), threads, [&](std::size_t c) {
        Protector protector(parts[c], rule);
        part_reports[c] = protector.run(certificates != nullptr ? &part_certificates[c] : nullptr);
    });
    std::vector<std::pair<CellKey, CellStatus>> added;
    for (const Cube& part : parts) {
        for (CellId cell = 0; cell < part.size(); ++cell) {
            if (const CellId* existing = cube.find(part.key(cell))) {
                cube.set_status(*existing, part.status(cell));
            } else {
                added.emplace_back(part.key(cell), part.status(cell));
            }
        }
    }
    std::sort(added.begin(), added.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, status] : added) {
        cube.set_status(cube.find_or_add(key), status);
    }
    ProtectionReport report;
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        if (!cube.published(cube.key(cell))) {
            continue;
        }
        ++report.cells;
        const CellStatus status = cube.status(cell);
        if (status == CellStatus::primary || status == CellStatus::primary_dominance) {
            ++report.primary;
        } else if (status == CellStatus::secondary) {
            ++report.secondary;
        }
        if (status != CellStatus::published) {
            report.persons_hidden += cube.value(cell, 0);
        }
    }
    for (std::size_t c = 0; c < parts.size(); ++c) {
        report.local_moves += part_reports[c].local_moves;
        report.fallbacks += part_reports[c].fallbacks;
        if (certificates != nullptr) {
            for (CellCertificate certificate : part_certificates[c]) {
                certificate.cell = *cube.find(parts[c].key(certificate.cell));
                certificates->push_back(std::move(certificate));
            }
        }
    }
    if (certificates != nullptr) {
        std::sort(certificates->begin(), certificates->end(),
            [&](const CellCertificate& a, const CellCertificate& b) { return cube.key(a.cell) < cube.key(b.cell); });
    }
    return report;
}

} // namespace migratlas::disclose
