#include "survey/calibrator.hpp"

#include "common/error.hpp"
#include "common/number_format.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
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

struct CellState {
    std::vector<double> g;
    std::vector<double> derivative;
};

} // namespace

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
    throw UsageError("unknown calibration method '" + text + "' (expected raking, linear or logit)");
}

CalibrationResult calibrate(const CalibrationModel& model, const std::vector<double>& design_weights,
    const CalibrationOptions& options)
{
    const bool bounded = std::isfinite(options.lower) || std::isfinite(options.upper);
    if (options.method == CalibrationMethod::logit &&
        !(std::isfinite(options.lower) && std::isfinite(options.upper) && options.lower < 1.0 && options.upper > 1.0)) {
        throw UsageError("logit calibration needs finite bounds L < 1 < U on g = w/d (e.g. --bounds 0.3,3)");
    }
    if (!(options.lower <= 1.0 && options.upper >= 1.0 && options.lower < options.upper)) {
        throw UsageError("bounds [" + format_short(options.lower) + ", " + format_short(options.upper) +
            "] on g = w/d must include 1");
    }
    if (options.max_iter < 1) {
        throw UsageError("--max-iter must be at least 1");
    }
    if (!(options.epsilon > 0.0)) {
        throw UsageError("--epsilon must be positive");
    }
    if (design_weights.size() != model.person_count()) {
        throw DataError("calibration: " + std::to_string(design_weights.size()) + " design weights for " +
            std::to_string(model.person_count()) + " persons");
    }

    const auto started = std::chrono::steady_clock::now();
    const std::size_t margin_count = model.margin_count();
    const std::size_t cell_count = model.cell_count();
    const auto p = static_cast<Eigen::Index>(model.column_count());
    const auto& cell_columns = model.cell_columns();
    const auto& cell_categories = model.cell_categories();
    const auto& cell_weight = model.cell_design_weight();
    const std::size_t category_count = model.category_count();

    std::vector<double> target_by_category(category_count);
    std::vector<double> design_by_category(category_count, 0.0);
    for (std::size_t m = 0; m < margin_count; ++m) {
        const auto& margin = model.margins()[m];
        for (std::size_t c = 0; c < margin.categories.size(); ++c) {
            target_by_category[model.category_index(m, c)] = margin.totals[c];
        }
    }
    for (std::size_t cell = 0; cell < cell_count; ++cell) {
        for (std::size_t m = 0; m < margin_count; ++m) {
            design_by_category[model.category_index(m, cell_categories[cell * margin_count + m])] += cell_weight[cell];
        }
    }

    // Bounds cap each category's weighted count at [L·Σd, U·Σd]; a total outside that range can
    // never be reached, whatever the other margins do.
    if (bounded) {
        for (std::size_t j = 0; j < category_count; ++j) {
            const double low = options.lower * design_by_category[j];
            const double high = options.upper * design_by_category[j];
            const double target = target_by_category[j];
            const double slack = 1e-12 * std::max(1.0, std::abs(target));
            if (target < low - slack || target > high + slack) {
                throw DataError("infeasible bounds: " + model.category_label(j) + " has total " +
                    format_short(target, 10) + " but with g in [" + format_short(options.lower) + ", " +
                    format_short(options.upper) + "] its weighted count can only reach [" + format_short(low, 10) + ", " +
                    format_short(high, 10) + "]; widen --bounds");
            }
        }
    }

    // Columns scaled to unit diagonal of Σ d x xᵀ so that the pseudo-inverse tolerance is relative
    // to comparable magnitudes (cell totals range from tens to millions of persons).
    Eigen::VectorXd scale(p);
    {
        Eigen::VectorXd diag = Eigen::VectorXd::Zero(p);
        for (std::size_t cell = 0; cell < cell_count; ++cell) {
            for (std::size_t m = 0; m < margin_count; ++m) {
                const auto col = cell_columns[cell * margin_count + m];
                if (col >= 0) {
                    diag(col) += cell_weight[cell];
                }
            }
        }
        scale = diag.cwiseSqrt().cwiseInverse();
    }
    Eigen::VectorXd target(p);
    for (Eigen::Index j = 0; j < p; ++j) {
        target(j) = model.column_targets()[static_cast<std::size_t>(j)];
    }

    const CalibrationFunction function(options);
    Eigen::VectorXd lambda = Eigen::VectorXd::Zero(p);
    CellState state{std::vector<double>(cell_count), std::vector<double>(cell_count)};

    // Evaluates g and F' for every cell at λ; false when some value is not finite.
    auto evaluate = [&](const Eigen::VectorXd& at) {
        bool finite = true;
        for (std::size_t cell = 0; cell < cell_count; ++cell) {
            double u = 0.0;
            for (std::size_t m = 0; m < margin_count; ++m) {
                const auto col = cell_columns[cell * margin_count + m];
                if (col >= 0) {
                    u += at(col);
                }
            }
            function.evaluate(u, state.g[cell], state.derivative[cell]);
            finite = finite && std::isfinite(state.g[cell]) && std::isfinite(state.derivative[cell]);
        }
        return finite;
    };
    std::vector<double> achieved(category_count);
    std::size_t worst = 0;
    auto deviation = [&]() {
        std::fill(achieved.begin(), achieved.end(), 0.0);
        for (std::size_t cell = 0; cell < cell_count; ++cell) {
            const double w = cell_weight[cell] * state.g[cell];
            for (std::size_t m = 0; m < margin_count; ++m) {
                achieved[model.category_index(m, cell_categories[cell * margin_count + m])] += w;
            }
        }
        double max_rel = 0.0;
        for (std::size_t j = 0; j < category_count; ++j) {
            const double rel = std::abs(achieved[j] - target_by_category[j]) / (1.0 + std::abs(target_by_category[j]));
            if (!(rel <= max_rel)) {
                max_rel = rel;
                worst = j;
            }
        }
        return max_rel;
    };

    evaluate(lambda);
    double measure = deviation();
    double best = measure;
    int since_best = 0;
    int iterations = 0;
    bool converged = measure < options.epsilon;
    // Below this the weights already agree with the exact solution to ~1e-12; if a further step
    // cannot improve the fit, the remaining misfit is rounding in the sums and we stop there.
    constexpr double rounding_level = 1e-10;
    // With bounds, an infeasible problem shows up as a misfit that stops falling while Newton
    // keeps pushing g against the bounds.
    constexpr int stagnation_steps = 25;
    bool stagnated = false;
    while (!converged && iterations < options.max_iter) {
        ++iterations;
        Eigen::MatrixXd hessian = Eigen::MatrixXd::Zero(p, p);
        Eigen::VectorXd misfit = target;
        for (std::size_t cell = 0; cell < cell_count; ++cell) {
            const double w = cell_weight[cell] * state.g[cell];
            const double h = cell_weight[cell] * state.derivative[cell];
            const std::int32_t* cols = &cell_columns[cell * margin_count];
            for (std::size_t a = 0; a < margin_count; ++a) {
                if (cols[a] < 0) {
                    continue;
                }
                misfit(cols[a]) -= w;
                if (h != 0.0) {
                    for (std::size_t b = 0; b < margin_count; ++b) {
                        if (cols[b] >= 0) {
                            hessian(cols[a], cols[b]) += h;
                        }
                    }
                }
            }
        }
        // λ += H⁺ misfit, with the pseudo-inverse dropping eigenvalues below 256·eps of the
        // largest, as survey::calibrate does with MASS::ginv; H is singular only when bounds
        // freeze every person of some category.
        const Eigen::MatrixXd scaled = scale.asDiagonal() * hessian * scale.asDiagonal();
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(scaled);
        const Eigen::VectorXd& values = eigen.eigenvalues();
        const double cutoff = 256.0 * std::numeric_limits<double>::epsilon() * std::max(values.cwiseAbs().maxCoeff(), 0.0);
        Eigen::VectorXd inverse_values(p);
        for (Eigen::Index j = 0; j < p; ++j) {
            inverse_values(j) = values(j) > cutoff ? 1.0 / values(j) : 0.0;
        }
        const Eigen::VectorXd rhs = scale.asDiagonal() * misfit;
        Eigen::VectorXd step = scale.asDiagonal() *
            (eigen.eigenvectors() * (inverse_values.asDiagonal() * (eigen.eigenvectors().transpose() * rhs)));
        lambda += step;
        // Step halving only when g or F' overflow (raking with a wild first step), as in R.
        for (int halving = 0; !evaluate(lambda) && halving < 60; ++halving) {
            step /= 2.0;
            lambda -= step;
        }
        const double previous = measure;
        measure = deviation();
        if (measure < options.epsilon) {
            converged = true;
        } else if (measure < rounding_level && measure >= 0.5 * previous) {
            converged = true;
        }
        if (measure < best * 0.99) {
            best = measure;
            since_best = 0;
        } else if (++since_best >= stagnation_steps) {
            stagnated = true;
            break;
        }
    }
    if (!converged) {
        std::string message = "calibration (" + to_string(options.method) + ") " +
            (stagnated ? "stopped improving after " + std::to_string(iterations) + " iterations"
                       : "did not converge within " + std::to_string(options.max_iter) + " iterations") +
            ": " + model.category_label(worst) + " is still off its total by " + format_short(measure, 3) +
            " relative (epsilon " + format_short(options.epsilon, 3) + ")";
        if (bounded) {
            message += "; the bounds [" + format_short(options.lower) + ", " + format_short(options.upper) +
                "] are likely infeasible, widen --bounds";
        } else if (!stagnated) {
            message += "; raise --max-iter or check the controls";
        } else {
            message += "; check the controls for inconsistent totals";
        }
        throw DataError(message);
    }

    CalibrationResult result;
    result.iterations = iterations;
    result.max_rel_deviation = measure;
    result.worst_category = model.category_label(worst);
    result.cells = cell_count;
    result.g_min = std::numeric_limits<double>::infinity();
    result.g_max = -std::numeric_limits<double>::infinity();
    double sum_d = 0.0;
    double sum_d2 = 0.0;
    double sum_w = 0.0;
    double sum_w2 = 0.0;
    const auto& cell_weight_sq = model.cell_design_weight_sq();
    for (std::size_t cell = 0; cell < cell_count; ++cell) {
        const double g = state.g[cell];
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

    const auto& person_cell = model.person_cells();
    // Serial and without zero-filling first: 1 M multiplications take ~1 ms, less than starting
    // worker threads or faulting in a zeroed array twice.
    result.weights.reserve(design_weights.size());
    for (std::size_t k = 0; k < design_weights.size(); ++k) {
        result.weights.push_back(state.g[person_cell[k]] * design_weights[k]);
    }
    result.solve_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

} // namespace migratlas::survey
