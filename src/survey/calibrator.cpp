#include "survey/calibrator.hpp"

#include "common/error.hpp"
#include "common/number_format.hpp"
#include "common/stopwatch.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace migratlas::survey {

namespace {

/// g = F(u) and F'(u) of the Deville–Särndal distance functions, in survey::calibrate's form
/// (cal.linear, cal.raking, cal.logit), with u = x'λ.
class CalibrationFunction {
public:
    explicit CalibrationFunction(const CalibrationOptions& options)
        : m_method(options.method), m_lower(options.lower), m_upper(options.upper)
    {
        if (m_method == CalibrationMethod::logit) {
            m_a = (m_upper - m_lower) / ((m_upper - 1.0) * (1.0 - m_lower));
        }
    }

    void evaluate(double u, double& g, double& derivative) const
    {
        switch (m_method) {
        case CalibrationMethod::linear: clipped(1.0 + u, 1.0, g, derivative); break;
        case CalibrationMethod::raking: {
            const double e = std::exp(u);
            clipped(e, e, g, derivative);
            break;
        }
        case CalibrationMethod::logit: logit(u, g, derivative); break;
        }
    }

private:
    void clipped(double value, double slope, double& g, double& derivative) const
    {
        if (value <= m_lower) {
            g = m_lower;
            derivative = 0.0;
        } else if (value >= m_upper) {
            g = m_upper;
            derivative = 0.0;
        } else {
            g = value;
            derivative = slope;
        }
    }

    // g = [L(U−1) + U(1−L)e^{Au}] / [(U−1) + (1−L)e^{Au}]. Written with e^{−A|u|} so that large
    // |u| gives the bound instead of inf/inf; the value is the same as R's where R's is finite.
    void logit(double u, double& g, double& derivative) const
    {
        const double a = m_lower * (m_upper - 1.0);
        const double b = m_upper * (1.0 - m_lower);
        const double c = m_upper - 1.0;
        const double f = 1.0 - m_lower;
        const double k = (m_upper - 1.0) * (1.0 - m_lower) * (m_upper - m_lower);
        if (u <= 0.0) {
            const double e = std::exp(m_a * u);
            const double den = c + f * e;
            g = (a + b * e) / den;
            derivative = m_a * k * e / (den * den);
        } else {
            const double e = std::exp(-m_a * u);
            const double den = c * e + f;
            g = (a * e + b) / den;
            derivative = m_a * k * e / (den * den);
        }
    }

    CalibrationMethod m_method;
    double m_lower;
    double m_upper;
    double m_a = 0.0;
};

/// Control total and design-weighted sample count of every category (flat index over all margins).
struct CategoryTotals {
    std::vector<double> target;
    std::vector<double> design;
};

/// The Newton system at the current λ: H = Σ F'(u) d x xᵀ and T − Σ w x over the basis columns.
struct NewtonSystem {
    Eigen::MatrixXd hessian;
    Eigen::VectorXd misfit;
};

/// g and F' of every cell at some λ, and how far the weights they give are from the controls.
class CellFit {
public:
    CellFit(const CalibrationModel& model, const CalibrationOptions& options, std::vector<double> category_targets)
        : m_model(model), m_function(options), m_target(std::move(category_targets)),
          m_achieved(model.category_count()), m_g(model.cell_count()), m_derivative(model.cell_count())
    {
    }

    /// Evaluates g and F' for every cell at λ; false when some value is not finite.
    bool evaluate(const Eigen::VectorXd& lambda)
    {
        const std::size_t margin_count = m_model.margin_count();
        const auto& cell_columns = m_model.cell_columns();
        bool finite = true;
        for (std::size_t cell = 0; cell < m_g.size(); ++cell) {
            double u = 0.0;
            for (std::size_t m = 0; m < margin_count; ++m) {
                const auto col = cell_columns[cell * margin_count + m];
                if (col >= 0) {
                    u += lambda(col);
                }
            }
            m_function.evaluate(u, m_g[cell], m_derivative[cell]);
            finite = finite && std::isfinite(m_g[cell]) && std::isfinite(m_derivative[cell]);
        }
        return finite;
    }

    /// max over all categories of |Σw − T| / (1 + |T|); worst() is the category that attains it.
    double deviation()
    {
        const std::size_t margin_count = m_model.margin_count();
        const auto& cell_categories = m_model.cell_categories();
        const auto& cell_weight = m_model.cell_design_weight();
        std::fill(m_achieved.begin(), m_achieved.end(), 0.0);
        for (std::size_t cell = 0; cell < m_g.size(); ++cell) {
            const double w = cell_weight[cell] * m_g[cell];
            for (std::size_t m = 0; m < margin_count; ++m) {
                m_achieved[m_model.category_index(m, cell_categories[cell * margin_count + m])] += w;
            }
        }
        double max_rel = 0.0;
        for (std::size_t j = 0; j < m_achieved.size(); ++j) {
            const double rel = std::abs(m_achieved[j] - m_target[j]) / (1.0 + std::abs(m_target[j]));
            if (!(rel <= max_rel)) {
                max_rel = rel;
                m_worst = j;
            }
        }
        return max_rel;
    }

    [[nodiscard]] std::size_t worst() const { return m_worst; }

    [[nodiscard]] NewtonSystem newton_system(const Eigen::VectorXd& column_target) const
    {
        const std::size_t margin_count = m_model.margin_count();
        const auto& cell_columns = m_model.cell_columns();
        const auto& cell_weight = m_model.cell_design_weight();
        const Eigen::Index p = column_target.size();
        NewtonSystem system{Eigen::MatrixXd::Zero(p, p), column_target};
        for (std::size_t cell = 0; cell < m_g.size(); ++cell) {
            const double w = cell_weight[cell] * m_g[cell];
            const double h = cell_weight[cell] * m_derivative[cell];
            const std::int32_t* cols = &cell_columns[cell * margin_count];
            for (std::size_t a = 0; a < margin_count; ++a) {
                if (cols[a] < 0) {
                    continue;
                }
                system.misfit(cols[a]) -= w;
                if (h != 0.0) {
                    for (std::size_t b = 0; b < margin_count; ++b) {
                        if (cols[b] >= 0) {
                            system.hessian(cols[a], cols[b]) += h;
                        }
                    }
                }
            }
        }
        return system;
    }

    /// g = w/d of every cell.
    [[nodiscard]] const std::vector<double>& g() const { return m_g; }

private:
    const CalibrationModel& m_model;
    CalibrationFunction m_function;
    std::vector<double> m_target;
    std::vector<double> m_achieved;
    std::vector<double> m_g;
    std::vector<double> m_derivative;
    std::size_t m_worst = 0;
};

struct NewtonRun {
    int iterations = 0;
    double measure = 0.0;  ///< the last deviation()
    bool converged = false;
    bool stagnated = false;
};

bool has_bounds(const CalibrationOptions& options)
{
    return std::isfinite(options.lower) || std::isfinite(options.upper);
}


CategoryTotals category_totals(const CalibrationModel& model)
{
    const std::size_t margin_count = model.margin_count();
    const auto& cell_categories = model.cell_categories();
    const auto& cell_weight = model.cell_design_weight();
    CategoryTotals totals{
        std::vector<double>(model.category_count()), std::vector<double>(model.category_count(), 0.0)};
    for (std::size_t m = 0; m < margin_count; ++m) {
        const auto& margin = model.margins()[m];
        for (std::size_t c = 0; c < margin.categories.size(); ++c) {
            totals.target[model.category_index(m, c)] = margin.totals[c];
        }
    }
    for (std::size_t cell = 0; cell < model.cell_count(); ++cell) {
        for (std::size_t m = 0; m < margin_count; ++m) {
            totals.design[model.category_index(m, cell_categories[cell * margin_count + m])] += cell_weight[cell];
        }
    }
    return totals;
}

// Bounds cap each category's weighted count at [L·Σd, U·Σd]; a total outside that range can
// never be reached, whatever the other margins do.
void check_totals_reachable(const CalibrationModel& model, const CategoryTotals& totals,
    const CalibrationOptions& options)
{
    for (std::size_t j = 0; j < model.category_count(); ++j) {
        const double low = options.lower * totals.design[j];
        const double high = options.upper * totals.design[j];
        const double target = totals.target[j];
        const double slack = 1e-12 * std::max(1.0, std::abs(target));
        if (target < low - slack || target > high + slack) {
            throw DataError("infeasible bounds: " + model.category_label(j) + " has total " +
                format_short(target, 10) + " but with g in [" + format_short(options.lower) + ", " +
                format_short(options.upper) + "] its weighted count can only reach [" + format_short(low, 10) + ", " +
                format_short(high, 10) + "]; widen bounds");
        }
    }
}

// Columns scaled to unit diagonal of Σ d x xᵀ so that the pseudo-inverse tolerance is relative
// to comparable magnitudes (cell totals range from tens to millions of persons).
Eigen::VectorXd column_scale(const CalibrationModel& model)
{
    const std::size_t margin_count = model.margin_count();
    const auto& cell_columns = model.cell_columns();
    const auto& cell_weight = model.cell_design_weight();
    Eigen::VectorXd diag = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(model.column_count()));
    for (std::size_t cell = 0; cell < model.cell_count(); ++cell) {
        for (std::size_t m = 0; m < margin_count; ++m) {
            const auto col = cell_columns[cell * margin_count + m];
            if (col >= 0) {
                diag(col) += cell_weight[cell];
            }
        }
    }
    return diag.cwiseSqrt().cwiseInverse();
}

Eigen::VectorXd column_targets(const CalibrationModel& model)
{
    const auto p = static_cast<Eigen::Index>(model.column_count());
    Eigen::VectorXd target(p);
    for (Eigen::Index j = 0; j < p; ++j) {
        target(j) = model.column_targets()[static_cast<std::size_t>(j)];
    }
    return target;
}

// Δλ = H⁺ misfit, with the pseudo-inverse dropping eigenvalues below 256·eps of the largest, as
// survey::calibrate does with MASS::ginv; H is singular only when bounds freeze every person of
// some category.
Eigen::VectorXd newton_step(const NewtonSystem& system, const Eigen::VectorXd& scale)
{
    const Eigen::MatrixXd scaled = scale.asDiagonal() * system.hessian * scale.asDiagonal();
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(scaled);
    const Eigen::VectorXd& values = eigen.eigenvalues();
    const double cutoff = 256.0 * std::numeric_limits<double>::epsilon() * std::max(values.cwiseAbs().maxCoeff(), 0.0);
    Eigen::VectorXd inverse_values(values.size());
    for (Eigen::Index j = 0; j < values.size(); ++j) {
        inverse_values(j) = values(j) > cutoff ? 1.0 / values(j) : 0.0;
    }
    const Eigen::VectorXd rhs = scale.asDiagonal() * system.misfit;
    return scale.asDiagonal() *
        (eigen.eigenvectors() * (inverse_values.asDiagonal() * (eigen.eigenvectors().transpose() * rhs)));
}

/// Newton iterations on λ from 0 until the fit converges, stagnates or max_iter is reached; `fit`
/// is left at the last λ.
NewtonRun solve(const CalibrationModel& model, const CalibrationOptions& options, CellFit& fit)
{
    // Below this the weights already agree with the exact solution to ~1e-12; if a further step
    // cannot improve the fit, the remaining misfit is rounding in the sums and we stop there.
    constexpr double rounding_level = 1e-10;
    // With bounds, an infeasible problem shows up as a misfit that stops falling while Newton
    // keeps pushing g against the bounds.
    constexpr int stagnation_steps = 25;
    const Eigen::VectorXd scale = column_scale(model);
    const Eigen::VectorXd target = column_targets(model);
    Eigen::VectorXd lambda = Eigen::VectorXd::Zero(target.size());
    fit.evaluate(lambda);
    NewtonRun run;
    run.measure = fit.deviation();
    run.converged = run.measure < options.epsilon;
    double best = run.measure;
    int since_best = 0;
    while (!run.converged && run.iterations < options.max_iter) {
        ++run.iterations;
        Eigen::VectorXd step = newton_step(fit.newton_system(target), scale);
        lambda += step;
        // Step halving only when g or F' overflow (raking with a wild first step), as in R.
        for (int halving = 0; !fit.evaluate(lambda) && halving < 60; ++halving) {
            step /= 2.0;
            lambda -= step;
        }
        const double previous = run.measure;
        run.measure = fit.deviation();
        run.converged =
            run.measure < options.epsilon || (run.measure < rounding_level && run.measure >= 0.5 * previous);
        if (run.measure < best * 0.99) {
            best = run.measure;
            since_best = 0;
        } else if (++since_best >= stagnation_steps) {
            run.stagnated = true;
            break;
        }
    }
    return run;
}

std::string non_convergence_message(const NewtonRun& run, const std::string& worst_category,
    const CalibrationOptions& options)
{
    std::string message = "calibration (" + to_string(options.method) + ") " +
        (run.stagnated ? "stopped improving after " + std::to_string(run.iterations) + " iterations"
                       : "did not converge within " + std::to_string(options.max_iter) + " iterations") +
        ": " + worst_category + " is still off its total by " + format_short(run.measure, 3) +
        " relative (epsilon " + format_short(options.epsilon, 3) + ")";
    if (has_bounds(options)) {
        message += "; the bounds [" + format_short(options.lower) + ", " + format_short(options.upper) +
            "] are likely infeasible, widen bounds";
    } else if (!run.stagnated) {
        message += "; raise max_iter or check the controls";
    } else {
        message += "; check the controls for inconsistent totals";
    }
    return message;
}

/// Range of g, totals and Kish effective sample sizes before and after calibration.
void summarise_fit(const CalibrationModel& model, const std::vector<double>& cell_g, CalibrationResult& result)
{
    const auto& cell_weight = model.cell_design_weight();
    const auto& cell_weight_sq = model.cell_design_weight_sq();
    result.cells = model.cell_count();
    result.g_min = std::numeric_limits<double>::infinity();
    result.g_max = -std::numeric_limits<double>::infinity();
    double sum_d = 0.0;
    double sum_d2 = 0.0;
    double sum_w = 0.0;
    double sum_w2 = 0.0;
    for (std::size_t cell = 0; cell < model.cell_count(); ++cell) {
        const double g = cell_g[cell];
        result.g_min = std::min(result.g_min, g);
        result.g_max = std::max(result.g_max, g);
        sum_d += cell_weight[cell];
        sum_d2 += cell_weight_sq[cell];
        sum_w += g * cell_weight[cell];
        sum_w2 += g * g * cell_weight_sq[cell];
    }
    result.total_design = sum_d;
    result.total_calibrated = sum_w;
    result.n_eff_design = sum_d * sum_d / sum_d2;
    result.n_eff_calibrated = sum_w * sum_w / sum_w2;
}

std::vector<double> person_weights(const CalibrationModel& model, const std::vector<double>& cell_g,
    const std::vector<double>& design_weights)
{
    const auto& person_cell = model.person_cells();
    // Serial and without zero-filling first: 1 M multiplications take ~1 ms, less than starting
    // worker threads or faulting in a zeroed array twice.
    std::vector<double> weights;
    weights.reserve(design_weights.size());
    for (std::size_t k = 0; k < design_weights.size(); ++k) {
        weights.push_back(cell_g[person_cell[k]] * design_weights[k]);
    }
    return weights;
}

} // namespace

void check_calibration_options(const CalibrationOptions& options)
{
    if (options.method == CalibrationMethod::logit &&
        !(std::isfinite(options.lower) && std::isfinite(options.upper) && options.lower < 1.0 && options.upper > 1.0)) {
        throw SettingError("bounds", "logit calibration needs finite bounds L < 1 < U on g = w/d (e.g. 0.3,3)");
    }
    if (!(options.lower <= 1.0 && options.upper >= 1.0 && options.lower < options.upper)) {
        throw SettingError("bounds", "[" + format_short(options.lower) + ", " + format_short(options.upper) +
            "] on g = w/d must include 1");
    }
    if (options.max_iter < 1) {
        throw SettingError("max_iter", "must be at least 1");
    }
    if (!(options.epsilon > 0.0)) {
        throw SettingError("epsilon", "must be positive");
    }
}

std::string to_string(CalibrationMethod method)
{
    switch (method) {
    case CalibrationMethod::linear: return "linear";
    case CalibrationMethod::raking: return "raking";
    case CalibrationMethod::logit: return "logit";
    }
    return "unknown";
}

CalibrationMethod parse_calibration_method(const std::string& text)
{
    if (text == "linear") {
        return CalibrationMethod::linear;
    }
    if (text == "raking") {
        return CalibrationMethod::raking;
    }
    if (text == "logit") {
        return CalibrationMethod::logit;
    }
    throw SettingError("method", "unknown calibration method '" + text + "' (expected raking, linear or logit)");
}

CalibrationResult calibrate(const CalibrationModel& model, const std::vector<double>& design_weights,
    const CalibrationOptions& options)
{
    check_calibration_options(options);
    if (design_weights.size() != model.person_count()) {
        throw DataError("calibration: " + std::to_string(design_weights.size()) + " design weights for " +
            std::to_string(model.person_count()) + " persons");
    }
    const Stopwatch started;
    CategoryTotals totals = category_totals(model);
    if (has_bounds(options)) {
        check_totals_reachable(model, totals, options);
    }
    CellFit fit(model, options, std::move(totals.target));
    const NewtonRun run = solve(model, options, fit);
    if (!run.converged) {
        throw DataError(non_convergence_message(run, model.category_label(fit.worst()), options));
    }
    CalibrationResult result;
    result.iterations = run.iterations;
    result.max_rel_deviation = run.measure;
    result.worst_category = model.category_label(fit.worst());
    summarise_fit(model, fit.g(), result);
    result.weights = person_weights(model, fit.g(), design_weights);
    result.solve_seconds = started.seconds();
    return result;
}

} // namespace migratlas::survey
