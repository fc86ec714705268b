// The `estimate` command as a library call: survey + weights (+ the controls the weights were
// calibrated to) → estimates CSV and the workspace `estimates` table. Also used by `calibrate --estimate`.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "common/run_log.hpp"
#include "survey/calibration_model.hpp"
#include "survey/controls.hpp"
#include "survey/estimator.hpp"
#include "survey/survey_data.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::survey {

/// What to estimate and where to put it; shared by `estimate` and `calibrate --estimate`.
struct EstimateSpec {
    std::string variable;         ///< numeric survey column (0/1 for a count of persons)
    std::string by;               ///< domain column; empty = national ALL row only
    std::string strata;           ///< empty = one stratum
    std::string psu;              ///< empty = persons are the PSUs
    EstimateOptions options;
    std::filesystem::path out;    ///< estimates CSV; empty = not written
};

/// Throws SettingError when no variable is named, UsageError when the CV thresholds are not
/// 0 < caution <= suppress.
void check_estimate_spec(const EstimateSpec& spec);

/// The survey columns a run reads: the margin variables of `controls` and, with a `spec`, its
/// domain, strata and PSU (categorical) and its variable (numeric). Either may be null.
SurveyReadSpec survey_columns(const std::string& id_column, const std::string& weight_column,
    const Controls* controls, const EstimateSpec* spec);

/// The estimator's view of `data` for `spec` (columns it does not name are null), with `weights`
/// and the model they were calibrated to (null: design-based variance).
EstimateInput estimate_input(const SurveyData& data, const EstimateSpec& spec, const std::vector<double>& weights,
    const CalibrationModel* model);

struct EstimateRequest {
    std::filesystem::path survey;
    std::filesystem::path weights;
    std::filesystem::path calibrated_with;  ///< controls of the calibration; empty = design-based variance
    std::string method;                     ///< label stored with the rows ("design" when not calibrated)
    std::string id_column = "person_id";
    std::string weight_column = "design_weight";
    EstimateSpec spec;
    std::filesystem::path workspace;        ///< empty = no workspace
};

struct EstimateOutcome {
    std::vector<DomainEstimate> rows;
    std::uint64_t rows_read = 0;
    bool units_checked = false;     ///< the workspace had a `units` layer to join codes to
    std::uint64_t unknown_units = 0;
    double seconds = 0.0;
};

/// Runs the estimate command. Rejected survey rows or any failure throw before a file is written.
EstimateOutcome run_estimate(const EstimateRequest& request, Diagnostics& diagnostics, Progress& progress);

/// Adds an "unknown_unit" warning to `diagnostics` for every row whose unit_code (other than
/// ALL) is not a code of the workspace `units` layer; returns how many, or nullopt when the
/// workspace or the layer does not exist.
std::optional<std::uint64_t> check_unit_codes(const std::vector<DomainEstimate>& rows,
    const std::filesystem::path& workspace, const std::string& by, Diagnostics& diagnostics);

/// Writes the estimates CSV (when spec.out is set); with a workspace, replaces this variable's
/// and method's rows of `estimates` and appends `log` to run_log in one atomic commit.
void publish_estimates(const std::vector<DomainEstimate>& rows, const EstimateSpec& spec, const std::string& method,
    const std::filesystem::path& workspace, const RunLog* log);

} // namespace migratlas::survey
