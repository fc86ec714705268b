#include "survey/calibrate_run.hpp"

#include "common/error.hpp"
#include "common/run_log.hpp"
#include "workspace/workspace.hpp"
#include "survey/calibration_model.hpp"
#include "survey/controls.hpp"
#include "survey/number_format.hpp"
#include "survey/survey_data.hpp"
#include "survey/survey_io.hpp"

#include <chrono>

namespace migratlas::survey {

namespace {
double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
} // namespace

CalibrateOutcome run_calibrate(const CalibrateRequest& request, Diagnostics& diagnostics, Progress& progress)
{
    const auto started = std::chrono::steady_clock::now();
    RunLog log;
    log.command = "calibrate";
    log.started_utc = utc_now_iso();
    if (request.weights_out.empty()) {
        throw UsageError("calibrate needs --weights-out");
    }

    const Controls controls = read_controls(request.controls);
    SurveyReadSpec read_spec;
    read_spec.id_column = request.id_column;
    read_spec.weight_column = request.weight_column;
    read_spec.categorical = controls.variables();
    if (request.estimate) {
        if (request.estimate->variable.empty()) {
            throw UsageError("--estimate needs a variable name");
        }
        for (const auto* column : {&request.estimate->by, &request.estimate->strata, &request.estimate->psu}) {
            if (!column->empty()) {
                read_spec.categorical.push_back(*column);
            }
        }
        read_spec.numeric.push_back(request.estimate->variable);
    }
    const SurveyData data = read_survey(request.survey, read_spec, diagnostics, &progress);
    require_no_rejects(data, diagnostics);

    CalibrateOutcome outcome;
    outcome.read_seconds = seconds_since(started);
    const auto model_started = std::chrono::steady_clock::now();
    const CalibrationModel model = CalibrationModel::build(controls, data);
    outcome.model_seconds = seconds_since(model_started);
    outcome.result = calibrate(model, data.design_weights, request.options);
    outcome.rows_read = data.rows_read;
    outcome.margins = model.margin_count();
    outcome.categories = model.category_count();
    outcome.columns = model.column_count();

    const std::string method = to_string(request.options.method);
    if (request.estimate) {
        EstimateInput input;
        input.weights = &outcome.result.weights;
        input.design_weights = &data.design_weights;
        input.values = &data.numeric_column(request.estimate->variable).values;
        input.domain = request.estimate->by.empty() ? nullptr : &data.categorical_column(request.estimate->by);
        input.strata = request.estimate->strata.empty() ? nullptr : &data.categorical_column(request.estimate->strata);
        input.psu = request.estimate->psu.empty() ? nullptr : &data.categorical_column(request.estimate->psu);
        input.model = &model;
        outcome.estimates = estimate_by_domain(input, request.estimate->options);
        std::vector<std::string> codes;
        if (read_unit_codes(request.workspace, codes)) {
            outcome.unknown_units = check_unit_codes(outcome.estimates, codes, request.estimate->by, diagnostics);
        }
    }

    // Everything succeeded: only now do files appear.
    write_weights_csv(request.weights_out, data.ids, outcome.result.weights, request.id_column);
    if (!request.workspace.empty() || (request.estimate && !request.estimate->out.empty())) {
        const auto& r = outcome.result;
        log.parameters = {{"method", method}, {"bounds", format_short(request.options.lower) + "," +
            format_short(request.options.upper)}, {"max_iter", std::to_string(request.options.max_iter)},
            {"epsilon", format_short(request.options.epsilon)}, {"id_column", request.id_column},
            {"weight_column", request.weight_column}, {"weights_out", request.weights_out.string()}};
        if (request.estimate) {
            log.parameters.emplace_back("estimate", request.estimate->variable);
            log.parameters.emplace_back("by", request.estimate->by);
            log.parameters.emplace_back("strata", request.estimate->strata);
            log.parameters.emplace_back("psu", request.estimate->psu);
        }
        if (!request.workspace.empty()) {
            log.add_input("survey", request.survey.string());
            log.add_input("controls", request.controls.string());
        }
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
        if (request.estimate) {
            publish_estimates(outcome.estimates, *request.estimate, method, request.workspace,
                request.workspace.empty() ? nullptr : &log);
        } else {
            workspace::Workspace ws(request.workspace);
            ws.append_run_log(log);
            ws.commit();
        }
    }
    outcome.total_seconds = seconds_since(started);
    return outcome;
}

} // namespace migratlas::survey
