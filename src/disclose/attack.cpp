#include "disclose/attack.hpp"

#include "disclose/hypercube_protector.hpp"
#include "disclose/parallel.hpp"

#include <ClpSimplex.hpp>
#include <ClpSolve.hpp>
#include <CoinPackedMatrix.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
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

/// Relations with one unknown left give it away (a cell recovered by subtraction); substituting it
/// may leave another relation with one unknown, and so on. Returns each var's value (NaN when not
/// fixed) and removes the fixed vars from `relations` (their values move to the right-hand sides).
/// Exact, so the LP that follows is smaller and sees the same feasible set.
std::vector<double> fix_single_unknowns(Relations& relations, std::size_t vars, std::vector<std::string>& inconsistencies)
{
    const double free_var = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> fixed(vars, free_var);
    std::vector<std::vector<std::uint32_t>> rows_of_var(vars);
    std::vector<std::size_t> unknown(relations.rows.size());
    std::vector<std::size_t> queue;
    for (std::size_t r = 0; r < relations.rows.size(); ++r) {
        const Relation& row = relations.rows[r];
        for (std::size_t t = 0; t < row.count; ++t) {
            rows_of_var[relations.vars[row.first + t]].push_back(static_cast<std::uint32_t>(r));
        }
        unknown[r] = row.count;  // a var listed twice counts twice: never wrongly "one unknown"
        if (unknown[r] == 1) {
            queue.push_back(r);
        }
    }
    for (std::size_t next = 0; next < queue.size(); ++next) {
        const Relation& row = relations.rows[queue[next]];
        if (unknown[queue[next]] != 1) {
            continue;
        }
        double rest = row.rhs;
        std::size_t term = row.count;
        for (std::size_t t = 0; t < row.count; ++t) {
            const std::uint32_t v = relations.vars[row.first + t];
            if (std::isnan(fixed[v])) {
                term = t;
            } else {
                rest -= relations.coefficients[row.first + t] * fixed[v];
            }
        }
        const std::uint32_t v = relations.vars[row.first + term];
        fixed[v] = rest / relations.coefficients[row.first + term];
        for (const std::uint32_t r : rows_of_var[v]) {
            if (--unknown[r] == 1) {
                queue.push_back(r);
            }
        }
    }
    Relations left;
    for (const Relation& row : relations.rows) {
        Relation kept;
        kept.first = left.vars.size();
        kept.rhs = row.rhs;
        for (std::size_t t = 0; t < row.count; ++t) {
            const std::uint32_t v = relations.vars[row.first + t];
            const double coefficient = relations.coefficients[row.first + t];
            if (std::isnan(fixed[v])) {
                left.vars.push_back(v);
                left.coefficients.push_back(coefficient);
            } else {
                kept.rhs -= coefficient * fixed[v];
            }
        }
        kept.count = left.vars.size() - kept.first;
        if (kept.count > 0) {
            left.rows.push_back(kept);
        } else if (std::abs(kept.rhs) > 0.5 && inconsistencies.size() < 20) {
            inconsistencies.push_back("published margins contradict each other by " +
                std::to_string(static_cast<long long>(std::llround(kept.rhs))) + " once the cells they give away are subtracted");
        }
    }
    for (std::size_t v = 0; v < vars; ++v) {
        if (!std::isnan(fixed[v]) && fixed[v] < -0.5 && inconsistencies.size() < 20) {
            inconsistencies.push_back("a hidden cell recovered by subtraction would be negative (" +
                std::to_string(static_cast<long long>(std::llround(fixed[v]))) + ")");
        }
    }
    relations = std::move(left);
    return fixed;
}

/// The cells with no upper bound at all, found without an LP. A ray of the attacker's feasible set
/// is a table r >= 0 of hidden cells whose sums all hold with zero right-hand sides; along it every
/// cell it raises grows without end. In a cube every such ray is a sum of the rays of single cells
/// (a cell plus every margin above it), which exist exactly when all those margins are hidden,
/// as when a grand total is. Each candidate is checked against every relation it touches, so the
/// result holds for any relations, cube or not; rays this misses are still found by the LP.
std::vector<bool> unbounded_above(const Relations& relations, std::size_t vars)
{
    struct Term {
        std::uint32_t row;
        double coefficient;
    };
    std::vector<std::vector<Term>> terms_of(vars);
    std::vector<std::int64_t> margin_of(relations.rows.size(), -1);  // the one +1 var of a row, if one
    for (std::size_t r = 0; r < relations.rows.size(); ++r) {
        const Relation& row = relations.rows[r];
        int positives = 0;
        for (std::size_t t = 0; t < row.count; ++t) {
            const std::uint32_t v = relations.vars[row.first + t];
            const double coefficient = relations.coefficients[row.first + t];
            terms_of[v].push_back(Term{static_cast<std::uint32_t>(r), coefficient});
            if (coefficient > 0.0 && ++positives == 1) {
                margin_of[r] = v;
            }
        }
        if (positives != 1) {
            margin_of[r] = -1;
        }
    }
    std::vector<bool> unbounded(vars, false);
    std::vector<std::uint32_t> ray;
    std::vector<char> in_ray(vars, 0);
    std::map<std::uint32_t, double> balance;
    for (std::uint32_t start = 0; start < vars; ++start) {
        const bool leaf = !terms_of[start].empty() &&
            std::all_of(terms_of[start].begin(), terms_of[start].end(), [](const Term& term) { return term.coefficient < 0.0; });
        if (!leaf || unbounded[start]) {
            continue;
        }
        // The cell and, transitively, the margin of every sum it is a term of.
        ray.assign(1, start);
        in_ray[start] = 1;
        bool closed = true;
        for (std::size_t next = 0; next < ray.size() && closed; ++next) {
            for (const Term& term : terms_of[ray[next]]) {
                if (term.coefficient > 0.0) {
                    continue;
                }
                const std::int64_t margin = margin_of[term.row];
                if (margin < 0) {
                    closed = false;  // the margin is published: the sum bounds the cell
                    break;
                }
                if (in_ray[margin] == 0) {
                    in_ray[margin] = 1;
                    ray.push_back(static_cast<std::uint32_t>(margin));
                }
            }
        }
        balance.clear();
        for (const std::uint32_t v : ray) {
            for (const Term& term : terms_of[v]) {
                balance[term.row] += term.coefficient;
            }
        }
        const bool holds = closed && std::all_of(balance.begin(), balance.end(),
            [](const auto& row) { return std::abs(row.second) < integer_slack; });
        for (const std::uint32_t v : ray) {
            in_ray[v] = 0;
            if (holds) {
                unbounded[v] = true;
            }
        }
    }
    return unbounded;
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

/// Passes of CLP's idiot crash before the first primal solve of a sub-problem.
constexpr int idiot_passes = 50;

/// One connected sub-problem: its hidden cells, the relations among them, and a CLP model reused
/// (warm-started) for every objective.
class Component {
public:
    /// `local` is scratch of one entry per hidden cell, all -1, and is left so.
    /// `unbounded` (one entry per hidden cell) marks the cells known to have no upper bound.
    Component(const Relations& relations, const std::vector<std::size_t>& rows, std::vector<std::uint32_t> vars,
        const std::vector<bool>& unbounded, std::vector<int>& local)
        : m_vars(std::move(vars)), m_unbounded(m_vars.size()), m_seen_low(m_vars.size(), no_upper_bound),
          m_seen_high(m_vars.size(), -1.0)
    {
        for (std::size_t j = 0; j < m_vars.size(); ++j) {
            local[m_vars[j]] = static_cast<int>(j);
            m_unbounded[j] = unbounded[m_vars[j]];
            if (m_unbounded[j]) {
                m_seen_high[j] = no_upper_bound;
            }
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
    [[nodiscard]] bool unbounded(std::size_t j) const { return m_unbounded[j]; }
    [[nodiscard]] double seen_low(std::size_t j) const { return m_seen_low[j]; }
    [[nodiscard]] double seen_high(std::size_t j) const { return m_seen_high[j]; }
    [[nodiscard]] std::size_t solves() const { return m_solves; }
    [[nodiscard]] bool infeasible() const { return m_infeasible; }
    /// The mean of the optimal solutions seen: a feasible point (the feasible set is convex), inside
    /// it rather than at a vertex, from which moves can be tried. Empty when nothing was solved.
    [[nodiscard]] std::vector<double> mean_point() const
    {
        std::vector<double> mean = m_sum;
        for (double& value : mean) {
            value /= static_cast<double>(std::max<std::size_t>(m_points, 1));
        }
        return mean;
    }

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
            // Primal simplex after presolve and CLP's "idiot" crash (a penalty method that gets near
            // a feasible point before the first basis): on the sub-problems of the large flows
            // export (19-74 thousand hidden cells) the first optimum came 1.6-8x faster than with
            // the dual simplex (65 789 hidden cells: 127 -> 15 s).
            ClpSolve options;
            options.setSolveType(ClpSolve::usePrimal);
            options.setSpecialOption(1, 2, idiot_passes);
            m_model.initialSolve(options);
        } else {
            m_model.primal(0, 3);
        }
        ++m_solves;
        if (m_model.isProvenPrimalInfeasible()) {
            m_infeasible = true;
            return 0.0;
        }
        if (m_model.isProvenDualInfeasible()) {
            see_ray();
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
        see_point(m_model.primalColumnSolution());
        return m_model.objectiveValue();
    }

    /// One LP that raises every cell of `cells` as far as `level` above the lowest value seen for
    /// it, and no further: maximise sum(y) with y_j <= x_j and y_j <= low_j + level. Pushing the
    /// plain sum up instead puts the whole slack of a shared sum into one cell at a vertex; capping
    /// each gain spreads it, so one solve shows many cells wide enough. Its x is a point of the
    /// attacker's feasible set like any other.
    void push_up(const std::vector<std::size_t>& cells, double level)
    {
        ClpSimplex push(m_model);
        for (int j = 0; j < push.numberColumns(); ++j) {
            push.setObjectiveCoefficient(j, 0.0);
        }
        const auto first_y = push.numberColumns();
        const auto n = static_cast<int>(cells.size());
        std::vector<double> y_low(cells.size(), 0.0);
        std::vector<double> y_high;
        const std::vector<double> y_cost(cells.size(), -1.0);
        const std::vector<CoinBigIndex> no_elements(cells.size() + 1, 0);
        for (const std::size_t j : cells) {
            y_high.push_back(std::max(0.0, std::ceil(m_seen_low[j] - integer_slack)) + level);
        }
        push.addColumns(n, y_low.data(), y_high.data(), y_cost.data(), no_elements.data(), nullptr, nullptr);
        std::vector<CoinBigIndex> starts;
        std::vector<int> columns;
        std::vector<double> elements;
        for (int k = 0; k < n; ++k) {
            starts.push_back(static_cast<CoinBigIndex>(columns.size()));
            columns.push_back(first_y + k);
            elements.push_back(1.0);
            columns.push_back(static_cast<int>(cells[static_cast<std::size_t>(k)]));
            elements.push_back(-1.0);
        }
        starts.push_back(static_cast<CoinBigIndex>(columns.size()));
        const std::vector<double> row_low(cells.size(), -COIN_DBL_MAX);
        const std::vector<double> row_high(cells.size(), 0.0);
        push.addRows(n, row_low.data(), row_high.data(), starts.data(), columns.data(), elements.data());
        push.setLogLevel(0);
        push.primal(0, 0);
        ++m_solves;
        if (push.isProvenOptimal()) {
            see_point(push.primalColumnSolution());
        }
    }

private:
    void see_point(const double* solution)
    {
        if (m_sum.empty()) {
            m_sum.assign(m_vars.size(), 0.0);
        }
        for (std::size_t j = 0; j < m_vars.size(); ++j) {
            m_seen_low[j] = std::min(m_seen_low[j], solution[j]);
            m_seen_high[j] = std::max(m_seen_high[j], solution[j]);
            m_sum[j] += solution[j];
        }
        ++m_points;
    }

    /// An unbounded objective ends at a feasible point with a ray: a direction along which every
    /// cell stays >= 0 and every sum holds, so the cells it raises have no upper bound at all.
    /// unbounded_above() finds the rays of single cells before any LP; this keeps any other ray
    /// CLP reports, once checked against the relations.
    void see_ray()
    {
        const std::unique_ptr<double[]> ray(m_model.unboundedRay());
        if (!ray || m_model.numberPrimalInfeasibilities() != 0 || !is_ray(ray.get())) {
            return;
        }
        see_point(m_model.primalColumnSolution());
        for (std::size_t j = 0; j < m_vars.size(); ++j) {
            if (ray[j] > 1e-9) {
                m_seen_high[j] = no_upper_bound;
            }
        }
    }

    [[nodiscard]] bool is_ray(const double* ray) const
    {
        constexpr double tolerance = 1e-7;
        double largest = 0.0;
        for (std::size_t j = 0; j < m_vars.size(); ++j) {
            if (ray[j] < -tolerance) {
                return false;
            }
            largest = std::max(largest, ray[j]);
        }
        std::vector<double> sums(static_cast<std::size_t>(m_model.numberRows()), 0.0);
        m_model.matrix()->times(ray, sums.data());
        return largest > tolerance &&
            std::all_of(sums.begin(), sums.end(), [&](double sum) { return std::abs(sum) <= tolerance * largest; });
    }

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
    std::vector<bool> m_unbounded;
    ClpSimplex m_model;
    std::vector<std::pair<int, double>> m_objective;
    std::vector<double> m_seen_low;
    std::vector<double> m_seen_high;
    std::size_t m_solves = 0;
    std::vector<double> m_sum;
    std::size_t m_points = 0;
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

std::vector<std::size_t> checked_vars(const Component& component, const std::vector<CellId>& cell_of_var,
    const std::vector<bool>& protect, const AttackSettings& settings)
{
    std::vector<std::size_t> checked;
    for (std::size_t j = 0; j < component.size(); ++j) {
        if (settings.all_hidden || protect[cell_of_var[component.var(j)]]) {
            checked.push_back(j);
        }
    }
    return checked;
}

/// A few joint objectives: each solution is a point the attacker cannot exclude, so it widens
/// every cell's known interval at once; their mean is the point moves are tried from.
void sample(Component& component, const std::vector<std::size_t>& checked, const AttackSettings& settings)
{
    // Cells known to be unbounded need only a low end, which any point gives; pushing them up
    // would leave the objective without an optimum.
    std::vector<std::pair<int, double>> weights;
    for (const std::size_t j : checked) {
        if (!component.unbounded(j)) {
            weights.emplace_back(static_cast<int>(j), -1.0);
        }
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

CellInterval seen_interval(const Component& component, std::size_t j, CellId cell)
{
    CellInterval interval;
    interval.cell = cell;
    interval.low = ceil_bound(component.seen_low(j));
    interval.high = component.seen_high(j) < 0.0 ? -1.0 : floor_bound(component.seen_high(j));
    return interval;
}

/// Moves the cells of `pending` that the points seen so far show wide enough into `result`.
void settle_seen(const Component& component, std::vector<std::size_t>& pending, const std::vector<CellId>& cell_of_var,
    double level, AttackResult& result)
{
    std::vector<std::size_t> still;
    for (const std::size_t j : pending) {
        const CellInterval interval = seen_interval(component, j, cell_of_var[component.var(j)]);
        if (interval.high >= 0.0 && interval.width() >= level) {
            result.intervals.push_back(interval);
        } else {
            still.push_back(j);
        }
    }
    pending = std::move(still);
}

/// Capped pushes (Component::push_up) while they settle at least a tenth of what is left.
void push_rounds(Component& component, std::vector<std::size_t>& pending, const std::vector<CellId>& cell_of_var, double level,
    AttackResult& result)
{
    constexpr int max_rounds = 3;
    for (int round = 0; round < max_rounds && pending.size() > 4; ++round) {
        const std::size_t before = pending.size();
        component.push_up(pending, level);
        settle_seen(component, pending, cell_of_var, level, result);
        if (pending.size() * 10 > before * 9) {
            break;
        }
    }
}

/// Joint objectives over the cells the points do not yet show wide enough: pushing them all up,
/// then all down, settles many per solve on tables where most cells are hidden; rounds stop once
/// one settles few, and the rest go to certificates and cell-by-cell solves.
void refine(Component& component, std::vector<std::size_t>& pending, const std::vector<CellId>& cell_of_var, double level,
    AttackResult& result)
{
    constexpr int max_rounds = 12;
    for (int round = 0; round < max_rounds && pending.size() > 4; ++round) {
        std::vector<std::pair<int, double>> weights;
        for (const std::size_t j : pending) {
            weights.emplace_back(static_cast<int>(j), -1.0);
        }
        (void)component.minimise(weights);
        for (auto& [j, w] : weights) {
            w = 1.0;
        }
        (void)component.minimise(weights);
        const std::size_t before = pending.size();
        settle_seen(component, pending, cell_of_var, level, result);
        if (pending.size() * 10 > before * 9) {
            break;  // settled few
        }
    }
}

/// Cells the sampled points did not already show wide enough, certified by moves through hidden
/// cells from the mean point (hypercube_protector.hpp's certify), without an LP of their own.
std::vector<CellInterval> certify_from_points(const Cube& cube, std::size_t measure, const std::vector<CellId>& cell_of_var,
    const std::vector<std::unique_ptr<Component>>& components, const std::vector<std::vector<std::size_t>>& pending,
    std::int64_t level)
{
    Cube point(cube.dimensions(), {cube.measures()[measure]});
    point.set_views(cube.views());
    point.set_separate(cube.separate());
    std::vector<CellId> point_cell(cube.size());
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        std::vector<NodeId> coords(cube.rank());
        for (std::size_t d = 0; d < cube.rank(); ++d) {
            coords[d] = cube.coord(cube.key(cell), d);
        }
        const std::int64_t value[] = {cube.value(cell, measure)};
        point_cell[cell] = point.add_cell(coords, value, cube.status(cell));
    }
    std::vector<double> exact_point(cube.size(), 0.0);
    std::vector<CellId> wanted;
    for (std::size_t c = 0; c < components.size(); ++c) {
        const std::vector<double> mean = components[c]->mean_point();
        for (std::size_t j = 0; j < mean.size(); ++j) {
            const CellId cell = cell_of_var[components[c]->var(j)];
            exact_point[cell] = mean[j];
            // Rounding down keeps every leaf >= 0 after the moves; the sums need not hold for
            // the rounded values, only for the mean point the interval is measured from.
            point.set_value(point_cell[cell], 0, static_cast<std::int64_t>(std::floor(mean[j] + 1e-9)));
        }
        for (const std::size_t j : pending[c]) {
            wanted.push_back(point_cell[cell_of_var[components[c]->var(j)]]);
        }
    }
    std::vector<CellInterval> intervals;
    if (wanted.empty()) {
        return intervals;
    }
    std::vector<CellId> original(point.size());
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        original[point_cell[cell]] = cell;
    }
    for (const CellCertificate& certificate : certify(point, wanted, level)) {
        const CellId cell = original[certificate.cell];
        const double at = exact_point[cell];
        CellInterval interval;
        interval.cell = cell;
        interval.low = ceil_bound(at - static_cast<double>(std::min<std::int64_t>(certificate.lower[0],
                                           static_cast<std::int64_t>(std::floor(at + 1e-9)))));
        interval.high = certificate.upper[0] == unbounded ? no_upper_bound
                                                          : floor_bound(at + static_cast<double>(certificate.upper[0]));
        intervals.push_back(interval);
    }
    return intervals;
}

void solve_exactly(Component& component, std::size_t j, CellInterval interval, const std::vector<bool>& protect,
    const AttackSettings& settings, AttackResult& result)
{
    const auto level = static_cast<double>(settings.protection_level);
    interval.high = component.unbounded(j) ? no_upper_bound : floor_bound(-component.minimise({{static_cast<int>(j), -1.0}}));
    if (settings.exact || interval.high - interval.low < level || interval.low > interval.high) {
        interval.low = ceil_bound(component.minimise({{static_cast<int>(j), 1.0}}));
        interval.exact = true;
    }
    result.intervals.push_back(interval);
    if (protect[interval.cell] && interval.width() < level) {
        result.exposed.push_back(interval);
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
    Relations relations = build_relations(cube, measure, var_of, result.inconsistencies);
    const std::vector<double> fixed = fix_single_unknowns(relations, cell_of_var.size(), result.inconsistencies);
    for (std::uint32_t v = 0; v < cell_of_var.size(); ++v) {
        const CellId cell = cell_of_var[v];
        if (std::isnan(fixed[v]) || !(settings.all_hidden || protect[cell])) {
            continue;
        }
        CellInterval interval{cell, ceil_bound(fixed[v]), floor_bound(fixed[v]), true};
        interval.high = std::max(interval.high, interval.low);  // one value: rounding must not cross
        result.intervals.push_back(interval);
        ++result.fixed_by_subtraction;
        if (protect[cell] && interval.width() < static_cast<double>(settings.protection_level)) {
            result.exposed.push_back(interval);
        }
    }
    UnionFind components(cell_of_var.size());
    for (const Relation& relation : relations.rows) {
        for (std::size_t t = 1; t < relation.count; ++t) {
            components.unite(relations.vars[relation.first], relations.vars[relation.first + t]);
        }
    }
    std::vector<std::vector<std::uint32_t>> vars_of(cell_of_var.size());
    for (std::uint32_t v = 0; v < cell_of_var.size(); ++v) {
        if (std::isnan(fixed[v])) {
            vars_of[components.find(v)].push_back(v);
        }
    }
    std::vector<std::vector<std::size_t>> rows_of(cell_of_var.size());
    for (std::size_t r = 0; r < relations.rows.size(); ++r) {
        rows_of[components.find(relations.vars[relations.rows[r].first])].push_back(r);
    }
    const std::vector<bool> without_upper_bound = unbounded_above(relations, cell_of_var.size());
    std::vector<int> local(cell_of_var.size(), -1);
    std::vector<std::unique_ptr<Component>> parts;
    std::vector<std::vector<std::size_t>> checked;
    for (std::uint32_t root = 0; root < cell_of_var.size(); ++root) {
        if (vars_of[root].empty()) {
            continue;
        }
        ++result.components;
        result.largest_component = std::max(result.largest_component, vars_of[root].size());
        if (rows_of[root].empty()) {
            // In no published sum (a table without margins): anything from 0 up, no LP needed.
            const CellId cell = cell_of_var[vars_of[root].front()];
            if (settings.all_hidden || protect[cell]) {
                result.intervals.push_back(CellInterval{cell, 0.0, no_upper_bound, true});
            }
            continue;
        }
        auto component = std::make_unique<Component>(relations, rows_of[root], std::move(vars_of[root]), without_upper_bound, local);
        std::vector<std::size_t> cells = checked_vars(*component, cell_of_var, protect, settings);
        if (cells.empty()) {
            continue;  // only complementary cells: nothing to prove
        }
        parts.push_back(std::move(component));
        checked.push_back(std::move(cells));
    }
    const auto level = static_cast<double>(settings.protection_level);
    // Without `exact`: sample each sub-problem, keep the cells its points already show wide enough,
    // certify most others by moves from the mean point, and solve only the rest cell by cell.
    // Sub-problems are independent: they are solved on `threads` threads, each into its own
    // result, merged in sub-problem order (the same result whatever the thread count).
    std::vector<std::vector<std::size_t>> pending(parts.size());
    std::vector<AttackResult> part_result(parts.size());
    parallel_for(parts.size(), settings.threads, [&](std::size_t c) {
        if (settings.exact) {
            pending[c] = checked[c];
            return;
        }
        sample(*parts[c], checked[c], settings);
        pending[c] = checked[c];
        settle_seen(*parts[c], pending[c], cell_of_var, level, part_result[c]);
        push_rounds(*parts[c], pending[c], cell_of_var, level, part_result[c]);
        refine(*parts[c], pending[c], cell_of_var, level, part_result[c]);
    });
    std::map<CellId, CellInterval> certified;
    if (!settings.exact) {
        for (const CellInterval& interval : certify_from_points(cube, measure, cell_of_var, parts, pending, settings.protection_level)) {
            if (interval.width() >= level) {
                certified.emplace(interval.cell, interval);
            }
        }
    }
    parallel_for(parts.size(), settings.threads, [&](std::size_t c) {
        for (const std::size_t j : pending[c]) {
            const CellId cell = cell_of_var[parts[c]->var(j)];
            if (const auto it = certified.find(cell); it != certified.end()) {
                part_result[c].intervals.push_back(it->second);
                continue;
            }
            // Every solve so far was a point of this sub-problem: it may already show this cell wide enough.
            const CellInterval seen = seen_interval(*parts[c], j, cell);
            if (!settings.exact && seen.high >= 0.0 && seen.width() >= level) {
                part_result[c].intervals.push_back(seen);
                continue;
            }
            solve_exactly(*parts[c], j, seen, protect, settings, part_result[c]);
        }
    });
    for (std::size_t c = 0; c < parts.size(); ++c) {
        result.intervals.insert(result.intervals.end(), part_result[c].intervals.begin(), part_result[c].intervals.end());
        result.exposed.insert(result.exposed.end(), part_result[c].exposed.begin(), part_result[c].exposed.end());
        result.lp_solves += parts[c]->solves();
        if (parts[c]->infeasible() && result.inconsistencies.size() < 20) {
            result.inconsistencies.push_back("the published values around " + std::to_string(checked[c].size()) +
                " hidden cells admit no non-negative solution (the table is not additive as its metadata says)");
        }
    }
    return result;
}

} // namespace migratlas::disclose
