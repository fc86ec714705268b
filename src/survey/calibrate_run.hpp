// The `calibrate` command as a library call: survey + controls → calibrated weights file, with
// the fit report, optional estimates in the same run, and a run_log entry in the workspace.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "survey/calibrator.hpp"
#include "survey/estimate_run.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace migratlas::survey {

struct CalibrateRequest {
    std::filesystem::path survey;
    std::filesystem::path controls;
    CalibrationOptions options;
    std::string id_column = "person_id";
    std::string weight_column = "design_weight";
    std::filesystem::path weights_out;
    std::filesystem::path workspace;          ///< empty = no workspace
    std::optional<EstimateSpec> estimate;     ///< `--estimate VAR --by COL ...`
};

struct CalibrateOutcome {
    CalibrationResult result;
    std::uint64_t rows_read = 0;
    std::size_t margins = 0;
    std::size_t categories = 0;
    std::size_t columns = 0;
    double read_seconds = 0.0;
    double model_seconds = 0.0;
    double total_seconds = 0.0;
    std::vector<DomainEstimate> estimates;
    std::uint64_t unknown_units = 0;
};

/// Reads, checks, calibrates and, only when everything succeeded, writes the weights file (and
/// estimates, workspace). Any failure throws with nothing written.
CalibrateOutcome run_calibrate(const CalibrateRequest& request, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::survey
