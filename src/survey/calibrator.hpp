// Deville–Särndal calibration of design weights to control totals (linear/GREG, raking, bounded
// logit) by Newton iterations on the Lagrange multipliers. Works on a CalibrationModel; its weights feed the estimator.
#pragma once

#include "survey/calibration_model.hpp"

#include <limits>
#include <string>
#include <vector>

namespace migratlas::survey {

enum class CalibrationMethod { linear, raking, logit };

/// "linear", "raking", "logit"; parse throws UsageError for anything else.
std::string to_string(CalibrationMethod method);
CalibrationMethod parse_calibration_method(const std::string& text);

struct CalibrationOptions {
    CalibrationMethod method = CalibrationMethod::raking;
    /// Bounds on g = w/d (not on w), as in R's survey::calibrate. Logit needs both finite.
    double lower = -std::numeric_limits<double>::infinity();
    double upper = std::numeric_limits<double>::infinity();
    int max_iter = 100;
    /// Convergence when max over control categories of |Σw − T| / (1 + |T|) < epsilon. R's default
    /// 1e-7 leaves weights ~1e-8 off the solution; 1e-13 is the level double sums reach reliably.
    double epsilon = 1e-13;
};

struct CalibrationResult {
    std::vector<double> weights;        ///< final w_k = g_k d_k, survey order
    int iterations = 0;                 ///< Newton steps taken
    double max_rel_deviation = 0.0;     ///< max |Σw − T| / (1 + |T|) over all control categories
    std::string worst_category;         ///< label of the category that attains it
    double g_min = 0.0;
    double g_max = 0.0;
    double n_eff_design = 0.0;          ///< Kish (Σd)² / Σd²
    double n_eff_calibrated = 0.0;      ///< Kish (Σw)² / Σw²
    double total_design = 0.0;
    double total_calibrated = 0.0;
    std::size_t cells = 0;
    double solve_seconds = 0.0;         ///< Newton iterations alone (model building excluded)
};

/// Throws UsageError for bounds that do not bracket 1 (or are not finite for logit), and
/// DataError when a category cannot reach its total within the bounds, when the iterations
/// stagnate or do not converge within max_iter (naming the worst category, and saying the
/// bounds are likely infeasible when bounds were given).
/// Range checks of the options, as SettingErrors naming bounds, max_iter or epsilon.
void check_calibration_options(const CalibrationOptions& options);

CalibrationResult calibrate(const CalibrationModel& model, const std::vector<double>& design_weights,
    const CalibrationOptions& options);

} // namespace migratlas::survey
