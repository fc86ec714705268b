#include "survey/estimate_run.hpp"

#include "common/error.hpp"
#include "common/products/geo.hpp"
#include "common/products/survey.hpp"
#include "common/stopwatch.hpp"
#include "workspace/product_io.hpp"
#include "survey/calibrator.hpp"
#include "survey/controls.hpp"
#include "survey/survey_data.hpp"
#include "survey/survey_io.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace migratlas::survey {

namespace {

/// Codes of the workspace `units` layer; false when the workspace or the layer does not exist.
bool read_unit_codes(const std::filesystem::path& workspace, std::vector<std::string>& codes)
{
    codes.clear();
    if (workspace.empty() || !std::filesystem::exists(workspace)) {
        return false;
    }
    auto dataset = workspace::open_readonly(workspace);
    if (!workspace::has_product(*dataset, products::units)) {
        return false;
    }
    const Table units = workspace::read_product(*dataset, products::units);
    const std::size_t column = products::units.column_index("code");
    for (const auto& row : units.rows) {
        if (const auto* code = std::get_if<std::string>(&row[column])) {
            codes.push_back(*code);
        } else if (const auto* number = std::get_if<std::int64_t>(&row[column])) {
            codes.push_back(std::to_string(*number));
        }
    }
    return true;
}

RunLog estimate_log(const EstimateRequest& request, const std::string& method, const SurveyData& data,
    const EstimateOutcome& outcome, const Diagnostics& diagnostics, const std::string& started_utc)
{
    const EstimateSpec& spec = request.spec;
    RunLog log;
    log.command = "estimate";
    log.started_utc = started_utc;
    log.parameters = {{"variable", spec.variable}, {"by", spec.by}, {"strata", spec.strata}, {"psu", spec.psu},
        {"method", method}, {"statistic", spec.options.mean ? "mean" : "total"},
        {"cv_caution", std::to_string(spec.options.cv_caution)},
        {"cv_suppress", std::to_string(spec.options.cv_suppress)}};
    log.add_input("survey", request.survey.string());
    log.add_input("weights", request.weights.string());
    if (!request.calibrated_with.empty()) {
        log.add_input("controls", request.calibrated_with.string());
    }
    log.add_count("survey", "rows_read", static_cast<std::int64_t>(data.rows_read));
    log.add_count("survey", "accepted", static_cast<std::int64_t>(data.size()));
    log.add_reject_counts("survey", diagnostics);
    log.add_count("survey", "estimate_rows", static_cast<std::int64_t>(outcome.rows.size()));
    log.add_count("survey", "unknown_unit_codes", static_cast<std::int64_t>(outcome.unknown_units));
    log.finished_utc = utc_now_iso();
    return log;
}

} // namespace

void check_estimate_spec(const EstimateSpec& spec)
{
    if (spec.variable.empty()) {
        throw SettingError("variable", "names no survey column; say which numeric column to estimate");
    }
    if (!(spec.options.cv_caution > 0.0 && spec.options.cv_caution <= spec.options.cv_suppress)) {
        throw SettingError("cv_caution", "must be positive and not above cv_suppress");
    }
}

SurveyReadSpec survey_columns(const std::string& id_column, const std::string& weight_column,
    const Controls* controls, const EstimateSpec* spec)
{
    SurveyReadSpec read_spec;
    read_spec.id_column = id_column;
    read_spec.weight_column = weight_column;
    if (controls != nullptr) {
        read_spec.categorical = controls->variables();
    }
    if (spec != nullptr) {
        for (const auto* column : {&spec->by, &spec->strata, &spec->psu}) {
            if (!column->empty()) {
                read_spec.categorical.push_back(*column);
            }
        }
        read_spec.numeric.push_back(spec->variable);
    }
    return read_spec;
}

EstimateInput estimate_input(const SurveyData& data, const EstimateSpec& spec, const std::vector<double>& weights,
    const CalibrationModel* model)
{
    const auto column = [&data](const std::string& name) {
        return name.empty() ? nullptr : &data.categorical_column(name);
    };
    EstimateInput input;
    input.weights = &weights;
    input.design_weights = &data.design_weights;
    input.values = &data.numeric_column(spec.variable).values;
    input.domain = column(spec.by);
    input.strata = column(spec.strata);
    input.psu = column(spec.psu);
    input.model = model;
    return input;
}

std::optional<std::uint64_t> check_unit_codes(const std::vector<DomainEstimate>& rows,
    const std::filesystem::path& workspace, const std::string& by, Diagnostics& diagnostics)
{
    std::vector<std::string> codes;
    if (!read_unit_codes(workspace, codes)) {
        return std::nullopt;
    }
    const std::unordered_set<std::string> known(codes.begin(), codes.end());
    std::uint64_t unknown = 0;
    for (const auto& row : rows) {
        if (row.unit_code == "ALL" || known.count(row.unit_code) > 0) {
            continue;
        }
        ++unknown;
        diagnostics.warn("unknown_unit", SourcePos{},
            by + " '" + row.unit_code + "' is not a code of the workspace units layer; its estimate is kept but "
            "will not join to a map unit");
    }
    return unknown;
}

void publish_estimates(const std::vector<DomainEstimate>& rows, const EstimateSpec& spec, const std::string& method,
    const std::filesystem::path& workspace, const RunLog* log)
{
    if (!spec.out.empty()) {
        write_estimates_csv(spec.out, rows);
    }
    if (!workspace.empty()) {
        workspace::Workspace ws(workspace);
        std::optional<Table> previous;
        if (workspace::has_product(ws.dataset(), products::estimates)) {
            previous = workspace::read_product(ws.dataset(), products::estimates);
        }
        const std::string statistic = spec.options.mean ? "mean" : "total";
        workspace::write_product(ws, products::estimates,
            estimates_table(rows, spec.variable, statistic, method, previous ? &*previous : nullptr));
        if (log != nullptr) {
            ws.append_run_log(*log);
        }
        ws.commit();
    }
}

EstimateOutcome run_estimate(const EstimateRequest& request, Diagnostics& diagnostics, Progress& progress)
{
    const Stopwatch started;
    const std::string started_utc = utc_now_iso();
    const EstimateSpec& spec = request.spec;
    check_estimate_spec(spec);
    if (spec.out.empty() && request.workspace.empty()) {
        throw SettingError("out", "estimate needs an output file and/or a workspace");
    }
    if (!request.method.empty()) {
        (void)parse_calibration_method(request.method);
        if (request.calibrated_with.empty()) {
            throw SettingError("method", "needs calibrated_with (the controls the weights were calibrated to)");
        }
    }

    std::optional<Controls> controls;
    if (!request.calibrated_with.empty()) {
        controls = read_controls(request.calibrated_with);
    }
    const SurveyData data = read_survey(request.survey,
        survey_columns(request.id_column, request.weight_column, controls ? &*controls : nullptr, &spec), diagnostics,
        &progress);
    require_no_rejects(data, diagnostics);
    const std::vector<double> weights = read_weights_for(request.weights, data);
    std::optional<CalibrationModel> model;
    if (controls) {
        model = CalibrationModel::build(*controls, data);
    }

    EstimateOutcome outcome;
    outcome.rows = estimate_by_domain(estimate_input(data, spec, weights, model ? &*model : nullptr), spec.options);
    outcome.rows_read = data.rows_read;
    const auto unknown_units = check_unit_codes(outcome.rows, request.workspace, spec.by, diagnostics);
    outcome.units_checked = unknown_units.has_value();
    outcome.unknown_units = unknown_units.value_or(0);

    const std::string method = request.method.empty() ? (controls ? "calibrated" : "design") : request.method;
    std::optional<RunLog> log;
    if (!request.workspace.empty()) {
        log = estimate_log(request, method, data, outcome, diagnostics, started_utc);
    }
    publish_estimates(outcome.rows, spec, method, request.workspace, log ? &*log : nullptr);
    outcome.seconds = started.seconds();
    return outcome;
}

} // namespace migratlas::survey
