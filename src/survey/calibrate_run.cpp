#include "survey/calibrate_run.hpp"

#include "common/error.hpp"
#include "common/number_format.hpp"
#include "common/run_log.hpp"
#include "common/stopwatch.hpp"
#include "survey/calibration_model.hpp"
#include "survey/controls.hpp"
#include "survey/survey_data.hpp"
#include "survey/survey_io.hpp"
#include "workspace/workspace.hpp"

#include <optional>

namespace migratlas::survey {

namespace {

RunLog calibrate_log(const CalibrateRequest& request, const SurveyData& data, const CalibrateOutcome& outcome,
    const Diagnostics& diagnostics, const std::string& started_utc)
{
    const CalibrationOptions& options = request.options;
    const CalibrationResult& r = outcome.result;
    RunLog log;
    log.command = "calibrate";
    log.started_utc = started_utc;
    log.parameters = {{"method", to_string(options.method)},
        {"bounds", format_short(options.lower) + "," + format_short(options.upper)},
        {"max_iter", std::to_string(options.max_iter)}, {"epsilon", format_short(options.epsilon)},
        {"id_column", request.id_column}, {"weight_column", request.weight_column},
        {"weights_out", request.weights_out.string()}};
    if (request.estimate) {
        log.parameters.emplace_back("estimate", request.estimate->variable);
        log.parameters.emplace_back("by", request.estimate->by);
        log.parameters.emplace_back("strata", request.estimate->strata);
        log.parameters.emplace_back("psu", request.estimate->psu);
    }
    log.add_input("survey", request.survey.string());
    log.add_input("controls", request.controls.string());
    log.add_count("survey", "rows_read", static_cast<std::int64_t>(data.rows_read));
    log.add_count("survey", "accepted", static_cast<std::int64_t>(data.size()));
    log.add_reject_counts("survey", diagnostics);
    log.add_count("survey", "cells", static_cast<std::int64_t>(r.cells));
    log.add_count("survey", "control_categories", static_cast<std::int64_t>(outcome.categories));
    log.add_count("survey", "iterations", r.iterations);
    log.notes.push_back("max_rel_deviation=" + format_g17(r.max_rel_deviation) + " (" + r.worst_category + ")");
    log.notes.push_back("g_min=" + format_g17(r.g_min) + " g_max=" + format_g17(r.g_max));
    log.notes.push_back("n_eff_design=" + format_g17(r.n_eff_design) + " n_eff_calibrated=" +
        format_g17(r.n_eff_calibrated));
    log.notes.push_back("total_design=" + format_g17(r.total_design) + " total_calibrated=" +
        format_g17(r.total_calibrated));
    if (request.estimate) {
        log.add_count("survey", "unknown_unit_codes", static_cast<std::int64_t>(outcome.unknown_units));
    }
    log.finished_utc = utc_now_iso();
    return log;
}

/// The weights file, then the estimates CSV and the workspace (estimates and run_log in one commit).
void publish_calibration(const CalibrateRequest& request, const SurveyData& data, const CalibrateOutcome& outcome,
    const Diagnostics& diagnostics, const std::string& started_utc)
{
    write_weights_csv(request.weights_out, data.ids, outcome.result.weights, request.id_column);
    std::optional<RunLog> log;
    if (!request.workspace.empty()) {
        log = calibrate_log(request, data, outcome, diagnostics, started_utc);
    }
    if (request.estimate) {
        publish_estimates(outcome.estimates, *request.estimate, to_string(request.options.method), request.workspace,
            log ? &*log : nullptr);
    } else if (log) {
        workspace::Workspace ws(request.workspace);
        ws.append_run_log(*log);
        ws.commit();
    }
}

} // namespace

CalibrateOutcome run_calibrate(const CalibrateRequest& request, Diagnostics& diagnostics, Progress& progress)
{
    const Stopwatch started;
    const std::string started_utc = utc_now_iso();
    if (request.weights_out.empty()) {
        throw SettingError("weights_out", "calibrate needs a file to write the weights to");
    }
    check_calibration_options(request.options);
    const EstimateSpec* estimate = request.estimate ? &*request.estimate : nullptr;
    if (estimate != nullptr) {
        check_estimate_spec(*estimate);
    }
    const Controls controls = read_controls(request.controls);
    const SurveyData data = read_survey(request.survey,
        survey_columns(request.id_column, request.weight_column, &controls, estimate), diagnostics, &progress);
    require_no_rejects(data, diagnostics);

    CalibrateOutcome outcome;
    outcome.read_seconds = started.seconds();
    const Stopwatch model_started;
    const CalibrationModel model = CalibrationModel::build(controls, data);
    outcome.model_seconds = model_started.seconds();
    outcome.result = calibrate(model, data.design_weights, request.options);
    outcome.rows_read = data.rows_read;
    outcome.margins = model.margin_count();
    outcome.categories = model.category_count();
    outcome.columns = model.column_count();
    if (estimate != nullptr) {
        outcome.estimates =
            estimate_by_domain(estimate_input(data, *estimate, outcome.result.weights, &model), estimate->options);
        outcome.unknown_units = check_unit_codes(outcome.estimates, request.workspace, estimate->by, diagnostics)
                                    .value_or(0);
    }
    // Everything succeeded: only now do files appear.
    publish_calibration(request, data, outcome, diagnostics, started_utc);
    outcome.total_seconds = started.seconds();
    return outcome;
}

} // namespace migratlas::survey
