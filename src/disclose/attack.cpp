#include "disclose/attack.hpp"

#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

namespace migratlas::disclose {

namespace {

constexpr double integer_slack = 1e-6;
constexpr std::uint32_t no_var = ~std::uint32_t{0};

/// One additive relation among hidden cells: sum(coefficient * var) = rhs.
struct Relation {
    double rhs = 0.0;
    std::size_t first = 0;  ///< into Relations::vars / coefficients
    std::size_t count = 0;
};

struct Relations {
    std::vector<Relation> rows;
    std::vector<std::uint32_t> vars;
    std::vector<double> coefficients;
};

class UnionFind {
public:
    explicit UnionFind(std::size_t size) : m_parent(size) { std::iota(m_parent.begin(), m_parent.end(), 0U); }
    std::uint32_t find(std::uint32_t x)
    {
        while (m_parent[x] != x) {
            m_parent[x] = m_parent[m_parent[x]];
            x = m_parent[x];
        }
        return x;
    }
    void unite(std::uint32_t a, std::uint32_t b)
    {
        a = find(a);
        b = find(b);
        if (a != b) {
            m_parent[std::max(a, b)] = std::min(a, b);
        }
    }

private:
    std::vector<std::uint32_t> m_parent;
};

/// Every "margin = sum of its children" relation of the cube that involves a hidden cell; relations
/// among published cells only are checked instead.
Relations build_relations(const Cube& cube, std::size_t measure, const std::vector<std::uint32_t>& var_of,
    std::vector<std::string>& inconsistencies)
{
    Relations relations;
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        const CellKey key = cube.key(cell);
        for (std::size_t d = 0; d < cube.rank(); ++d) {
            if (!cube.sums_over(key, d)) {
                continue;
            }
            const Dimension& dimension = cube.dimension(d);
            const NodeId node = cube.coord(key, d);
            Relation row;
            row.first = relations.vars.size();
            double known = 0.0;
            auto term = [&](CellId term_cell, double coefficient) {
                if (var_of[term_cell] != no_var) {
                    relations.vars.push_back(var_of[term_cell]);
                    relations.coefficients.push_back(coefficient);
                } else {
                    known += coefficient * static_cast<double>(cube.value(term_cell, measure));
                }
            };
            term(cell, 1.0);
            for (const NodeId child : dimension.children(node)) {
                if (const CellId* child_cell = cube.find(cube.with_coord(key, d, child))) {
                    term(*child_cell, -1.0);
                }
            }
            row.count = relations.vars.size() - row.first;
            row.rhs = -known;
            if (row.count > 0) {
                relations.rows.push_back(row);
            } else if (std::abs(known) > 0.5 && inconsistencies.size() < 20) {
                inconsistencies.push_back(cube.describe(key) + ": published margin over " + dimension.name() +
                    " differs from the sum of its cells by " + std::to_string(static_cast<long long>(known)));
            }
        }
    }
    return relations;
}

/// Deterministic pseudo-random signs for the sampling objectives (no global state).
class Lcg {
public:
    explicit Lcg(std::uint64_t seed) : m_state(seed) {}
    bool coin()
    {
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (m_state >> 33) & 1U;
    }

private:
    std::uint64_t m_state;
};

/// One connected sub-problem: its hidden cells, the relations among them, and a CLP model reused
/// (warm-started) for every objective.
class Component {
public:
    /// `local` is scratch of one entry per hidden cell, all -1, and is left so.
    Component(const Relations& relations, const std::vector<std::size_t>& rows, std::vector<std::uint32_t> vars,
        std::vector<int>& local)
        : m_vars(std::move(vars)), m_seen_low(m_vars.size(), no_upper_bound), m_seen_high(m_vars.size(), -1.0)
    {
        for (std::size_t j = 0; j < m_vars.size(); ++j) {
            local[m_vars[j]] = static_cast<int>(j);
        }
        std::vector<CoinBigIndex> starts;
        std::vector<int> lengths;
        std::vector<int> all_indices;
        std::vector<double> all_elements;
        std::vector<double> row_bound;
        for (const std::size_t r : rows) {
            const Relation& relation = relations.rows[r];
            std::vector<int> indices;
            std::vector<double> elements;
            for (std::size_t t = 0; t < relation.count; ++t) {
                indices.push_back(local[relations.vars[relation.first + t]]);
                elements.push_back(relations.coefficients[relation.first + t]);
            }
            merge_duplicates(indices, elements);
            starts.push_back(static_cast<CoinBigIndex>(all_indices.size()));
            lengths.push_back(static_cast<int>(indices.size()));
            all_indices.insert(all_indices.end(), indices.begin(), indices.end());
            all_elements.insert(all_elements.end(), elements.begin(), elements.end());
            row_bound.push_back(relation.rhs);
        }
        const CoinPackedMatrix matrix(false, static_cast<int>(m_vars.size()), static_cast<int>(row_bound.size()),
            static_cast<CoinBigIndex>(all_indices.size()), all_elements.data(), all_indices.data(), starts.data(),
            lengths.data());
        const std::vector<double> col_low(m_vars.size(), 0.0);
        const std::vector<double> col_high(m_vars.size(), COIN_DBL_MAX);
        const std::vector<double> objective(m_vars.size(), 0.0);
        m_model.setLogLevel(0);
        m_model.scaling(0);
        m_model.loadProblem(matrix, col_low.data(), col_high.data(), objective.data(), row_bound.data(), row_bound.data());
        for (const std::uint32_t v : m_vars) {
            local[v] = -1;
        }
    }

    [[nodiscard]] std::size_t size() const { return m_vars.size(); }
    [[nodiscard]] std::uint32_t var(std::size_t j) const { return m_vars[j]; }
    [[nodiscard]] double seen_low(std::size_t j) const { return m_seen_low[j]; }
    [[nodiscard]] double seen_high(std::size_t j) const { return m_seen_high[j]; }
    [[nodiscard]] std::size_t solves() const { return m_solves; }
    [[nodiscard]] bool infeasible() const { return m_infeasible; }

    /// Minimises sum(weights * x); returns the optimum, -inf when unbounded below. Every optimal
    /// solution widens the seen range of every variable.
    double minimise(const std::vector<std::pair<int, double>>& weights)
    {
        for (const auto& [j, w] : m_objective) {
            m_model.setObjectiveCoefficient(j, 0.0);
        }
        m_objective = weights;
        for (const auto& [j, w] : m_objective) {
            m_model.setObjectiveCoefficient(j, w);
        }
        // Keep the factorisation and work areas between objectives: only the objective changes.
        // The first solve goes through presolve; later ones start from its basis and keep the
        // factorisation and work areas, since only the objective changes.
        if (m_solves == 0) {
            m_model.initialSolve();
        } else {
            m_model.primal(0, 3);
        }
        ++m_solves;
        if (m_model.isProvenPrimalInfeasible()) {
            m_infeasible = true;
            return 0.0;
        }
        if (m_model.isProvenDualInfeasible()) {
            return -no_upper_bound;
        }
        if (!m_model.isProvenOptimal()) {
            // Numerical trouble: solve again from scratch before trusting anything.
            m_model.allSlackBasis(true);
            m_model.primal();
            ++m_solves;
            if (m_model.isProvenDualInfeasible()) {
                return -no_upper_bound;
            }
            if (!m_model.isProvenOptimal()) {
                m_infeasible = m_model.isProvenPrimalInfeasible();
                return 0.0;
            }
        }
        const double* solution = m_model.primalColumnSolution();
        for (std::size_t j = 0; j < m_vars.size(); ++j) {
            m_seen_low[j] = std::min(m_seen_low[j], solution[j]);
            m_seen_high[j] = std::max(m_seen_high[j], solution[j]);
        }
        return m_model.objectiveValue();
    }

private:
    static void merge_duplicates(std::vector<int>& indices, std::vector<double>& elements)
    {
        // A cell can appear twice in one relation only through a degenerate hierarchy; CLP wants
        // one element per column and row.
        for (std::size_t i = 0; i < indices.size(); ++i) {
            for (std::size_t k = i + 1; k < indices.size();) {
                if (indices[k] == indices[i]) {
                    elements[i] += elements[k];
                    indices.erase(indices.begin() + static_cast<std::ptrdiff_t>(k));
                    elements.erase(elements.begin() + static_cast<std::ptrdiff_t>(k));
                } else {
                    ++k;
                }
            }
        }
    }

    std::vector<std::uint32_t> m_vars;
    ClpSimplex m_model;
    std::vector<std::pair<int, double>> m_objective;
    std::vector<double> m_seen_low;
    std::vector<double> m_seen_high;
    std::size_t m_solves = 0;
    bool m_infeasible = false;
};

double floor_bound(double high)
{
    return high == no_upper_bound ? no_upper_bound : std::floor(high + integer_slack);
}

double ceil_bound(double low)
{
    return std::max(0.0, std::ceil(low - integer_slack));
}

void solve_component(Component& component, const std::vector<CellId>& cell_of_var, const std::vector<bool>& protect,
    const AttackSettings& settings, AttackResult& result)
{
    std::vector<std::size_t> checked;
    for (std::size_t j = 0; j < component.size(); ++j) {
        if (settings.all_hidden || protect[cell_of_var[component.var(j)]]) {
            checked.push_back(j);
        }
    }
    if (checked.empty()) {
        return;
    }
    const auto level = static_cast<double>(settings.protection_level);
    if (!settings.exact) {
        // A few joint objectives first: each solution is a point the attacker cannot exclude, so
        // it widens every cell's known interval at once and most cells need no LP of their own.
        std::vector<std::pair<int, double>> weights;
        for (const std::size_t j : checked) {
            weights.emplace_back(static_cast<int>(j), -1.0);
        }
        (void)component.minimise(weights);
        for (auto& [j, w] : weights) {
            w = 1.0;
        }
        (void)component.minimise(weights);
        Lcg signs(component.var(0) + 1ULL);
        for (int round = 0; round < settings.sampling_objectives; ++round) {
            for (auto& [j, w] : weights) {
                w = signs.coin() ? 1.0 : -1.0;
            }
            (void)component.minimise(weights);
        }
    }
    for (const std::size_t j : checked) {
        CellInterval interval;
        interval.cell = cell_of_var[component.var(j)];
        interval.low = ceil_bound(component.seen_low(j));
        interval.high = component.seen_high(j) < 0.0 ? 0.0 : floor_bound(component.seen_high(j));
        if (!settings.exact && component.seen_high(j) >= 0.0 && interval.width() >= level) {
            result.intervals.push_back(interval);
            continue;
        }
        const double max = -component.minimise({{static_cast<int>(j), -1.0}});
        interval.high = floor_bound(max);
        if (settings.exact || interval.high - interval.low < level) {
            interval.low = ceil_bound(component.minimise({{static_cast<int>(j), 1.0}}));
            interval.exact = true;
        }
        if (interval.high == no_upper_bound) {
            interval.exact = interval.exact || settings.exact;
        }
        result.intervals.push_back(interval);
        if (protect[interval.cell] && interval.width() < level) {
            result.exposed.push_back(interval);
        }
    }
    if (component.infeasible() && result.inconsistencies.size() < 20) {
        result.inconsistencies.push_back("the published values around " + std::to_string(checked.size()) +
            " hidden cells admit no non-negative solution (the table is not additive as its metadata says)");
    }
}

} // namespace

AttackResult attack(const Cube& cube, std::size_t measure, const std::vector<bool>& protect, const AttackSettings& settings)
{
    AttackResult result;
    std::vector<std::uint32_t> var_of(cube.size(), no_var);
    std::vector<CellId> cell_of_var;
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        if (cube.hidden(cell) && cube.published(cube.key(cell))) {
            var_of[cell] = static_cast<std::uint32_t>(cell_of_var.size());
            cell_of_var.push_back(cell);
        }
    }
    result.hidden = cell_of_var.size();
    const Relations relations = build_relations(cube, measure, var_of, result.inconsistencies);
    UnionFind components(cell_of_var.size());
    for (const Relation& relation : relations.rows) {
        for (std::size_t t = 1; t < relation.count; ++t) {
            components.unite(relations.vars[relation.first], relations.vars[relation.first + t]);
        }
    }
    std::vector<std::vector<std::uint32_t>> vars_of(cell_of_var.size());
    for (std::uint32_t v = 0; v < cell_of_var.size(); ++v) {
        vars_of[components.find(v)].push_back(v);
    }
    std::vector<std::vector<std::size_t>> rows_of(cell_of_var.size());
    for (std::size_t r = 0; r < relations.rows.size(); ++r) {
        rows_of[components.find(relations.vars[relations.rows[r].first])].push_back(r);
    }
    std::vector<int> local(cell_of_var.size(), -1);
    for (std::uint32_t root = 0; root < cell_of_var.size(); ++root) {
        if (vars_of[root].empty()) {
            continue;
        }
        ++result.components;
        result.largest_component = std::max(result.largest_component, vars_of[root].size());
        Component component(relations, rows_of[root], std::move(vars_of[root]), local);
        solve_component(component, cell_of_var, protect, settings, result);
        result.lp_solves += component.solves();
    }
    return result;
}

} // namespace migratlas::disclose
