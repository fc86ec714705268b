// Totals and means by domain with Taylor-linearised standard errors (stratified, with-replacement
// PSUs), CV, 95% CI and a reliability flag. Last step of the survey stage; its rows go to estimates.csv and the workspace.
#pragma once

#include "survey/calibration_model.hpp"
#include "survey/survey_data.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace migratlas::survey {

struct EstimateOptions {
    bool mean = false;          ///< ratio mean Σwy/Σw instead of the total Σwy
    double cv_caution = 15.0;   ///< percent: CV above this is "caution"
    double cv_suppress = 30.0;  ///< percent: CV above this is "suppress" (not publishable)
};

struct EstimateInput {
    const std::vector<double>* weights = nullptr;         ///< final weights w_k
    const std::vector<double>* design_weights = nullptr;  ///< d_k (regression weights for GREG residuals)
    const std::vector<double>* values = nullptr;          ///< y_k
    const CategoricalColumn* domain = nullptr;            ///< null: only the national ALL row
    const CategoricalColumn* strata = nullptr;            ///< null: one stratum
    const CategoricalColumn* psu = nullptr;               ///< null: every person is a PSU
    /// The model the weights were calibrated to; null for design-based variance (e_k = w_k y_k).
    const CalibrationModel* model = nullptr;
};

struct DomainEstimate {
    std::string unit_code;      ///< domain value, or "ALL"
    double estimate = 0.0;
    double se = 0.0;
    double cv = 0.0;            ///< percent; NaN when the estimate is 0
    double ci_low = 0.0;
    double ci_high = 0.0;
    std::string flag;           ///< "ok", "caution" or "suppress"
    std::uint64_t n_sample = 0; ///< sample persons in the domain
};

/// 97.5% standard normal quantile for the 95% confidence interval.
inline constexpr double normal_quantile_975 = 1.959963984540054;

/// Reliability flag of a CV in percent: ≤ caution "ok", ≤ suppress "caution", else (and NaN) "suppress".
std::string reliability_flag(double cv_percent, const EstimateOptions& options);

/// One row per domain value (sorted by byte order, as R sorts these codes) and a final "ALL".
/// The variance is that of survey::svyrecvar: e_k = w_k (z_k − x_kᵀB), B from the d-weighted
/// regression of z on the model (z_k = y_k·1{domain} for totals, the ratio's linearisation for
/// means), z_hi summed per PSU, V = Σ_h n_h/(n_h−1) Σ_i (z_hi − z̄_h)². Throws DataError for a
/// stratum with a single PSU and when input lengths disagree.
std::vector<DomainEstimate> estimate_by_domain(const EstimateInput& input, const EstimateOptions& options);

} // namespace migratlas::survey
