// `migratlas calibrate` and `migratlas estimate`: argument parsing and the stderr report only;
// the work is survey::run_calibrate / survey::run_estimate (src/survey/).
#include "cli/cli_context.hpp"
#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "common/parse.hpp"
#include "common/progress.hpp"
#include "survey/calibrate_run.hpp"
#include "survey/estimate_run.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

namespace migratlas::cli {

namespace {

void parse_bounds(const std::string& text, survey::CalibrationOptions& options)
{
    if (text.empty()) {
        return;
    }
    const auto comma = text.find(',');
    const auto lower = comma == std::string::npos ? std::nullopt : parse_double(std::string_view(text).substr(0, comma));
    const auto upper = comma == std::string::npos ? std::nullopt : parse_double(std::string_view(text).substr(comma + 1));
    if (!lower || !upper) {
        throw UsageError("--bounds '" + text + "' must be two numbers L,U (bounds on g = w/d, e.g. 0.3,3; use inf for none)");
    }
    options.lower = *lower;
    options.upper = *upper;
}

struct EstimateFlags {
    std::string variable;
    std::string by;
    std::string strata;
    std::string psu;
    bool mean = false;
    double cv_caution = 15.0;
    double cv_suppress = 30.0;
};

void add_estimate_flags(CLI::App& command, EstimateFlags& flags, const std::string& variable_flag)
{
    command.add_option(variable_flag, flags.variable, "Numeric survey column to estimate (0/1 counts persons)");
    command.add_option("--by", flags.by, "Domain column (e.g. unit_code); a national ALL row is always added");
    command.add_option("--strata", flags.strata, "Stratum column (default: one stratum)");
    command.add_option("--psu", flags.psu, "PSU column, nested in strata (default: persons are the PSUs)");
    command.add_flag("--mean", flags.mean, "Estimate means (Σwy/Σw) instead of totals");
    command.add_option("--cv-caution", flags.cv_caution, "CV in percent above which an estimate is 'caution'")
        ->capture_default_str();
    command.add_option("--cv-suppress", flags.cv_suppress,
        "CV in percent above which an estimate is 'suppress' (not publishable)")->capture_default_str();
}

survey::EstimateSpec to_spec(const EstimateFlags& flags, const std::string& out)
{
    survey::EstimateSpec spec;
    spec.variable = flags.variable;
    spec.by = flags.by;
    spec.strata = flags.strata;
    spec.psu = flags.psu;
    spec.options.mean = flags.mean;
    spec.options.cv_caution = flags.cv_caution;
    spec.options.cv_suppress = flags.cv_suppress;
    spec.out = out;
    return spec;
}

std::string estimates_text(const std::vector<survey::DomainEstimate>& rows)
{
    std::string text = fmt::format("  {:<12} {:>16} {:>14} {:>8}  {}\n", "unit_code", "estimate", "se", "cv%", "flag");
    for (const auto& row : rows) {
        text += fmt::format("  {:<12} {:>16.2f} {:>14.2f} {:>8.2f}  {}\n", row.unit_code, row.estimate, row.se, row.cv,
            row.flag);
    }
    return text;
}

Json estimates_json(const std::vector<survey::DomainEstimate>& rows)
{
    Json list = Json::array();
    for (const auto& row : rows) {
        list.push_back({{"unit_code", row.unit_code}, {"estimate", row.estimate}, {"se", row.se},
            {"cv", std::isnan(row.cv) ? Json() : Json(row.cv)}, {"ci_low", row.ci_low},
            {"ci_high", row.ci_high}, {"flag", row.flag}, {"n_sample", row.n_sample}});
    }
    return list;
}

struct CalibrateArgs {
    survey::CalibrateRequest request;
    std::string method = "raking";
    std::string bounds;
    EstimateFlags estimate;
    std::string estimates_out;
};

struct EstimateArgs {
    survey::EstimateRequest request;
    EstimateFlags estimate;
    std::string out;
};

} // namespace

void add_survey_commands(CLI::App& app, CliContext& context)
{
    auto calibrate_args = std::make_shared<CalibrateArgs>();
    CLI::App* calibrate = app.add_subcommand("calibrate",
        "Calibrate survey design weights to control totals (raking, linear/GREG, bounded logit)");
    auto& request = calibrate_args->request;
    calibrate->add_option("--survey", request.survey, "Survey microdata CSV (one row per person)")->required();
    calibrate->add_option("--controls", request.controls, "Control totals CSV: margin,category,total")->required();
    calibrate->add_option("--method", calibrate_args->method, "raking, linear or logit")
        ->check(CLI::IsMember({"raking", "linear", "logit"}))->capture_default_str();
    calibrate->add_option("--bounds", calibrate_args->bounds, "L,U bounds on g = w/d (required for logit)");
    calibrate->add_option("--max-iter", request.options.max_iter, "Maximum Newton iterations")->capture_default_str();
    calibrate->add_option("--epsilon", request.options.epsilon,
        "Convergence: max |Σw − T|/(1+|T|) over control categories")->capture_default_str();
    calibrate->add_option("--id-column", request.id_column, "Person id column")->capture_default_str();
    calibrate->add_option("--weight-column", request.weight_column, "Design weight column")->capture_default_str();
    calibrate->add_option("--weights-out", request.weights_out, "Output CSV person_id,weight")->required();
    calibrate->add_option("--workspace", request.workspace, "Workspace GeoPackage (run_log, estimates)");
    add_estimate_flags(*calibrate, calibrate_args->estimate, "--estimate");
    calibrate->add_option("--estimates-out", calibrate_args->estimates_out, "Estimates CSV (with --estimate)");
    calibrate->callback([calibrate_args, &context]() {
        auto& args = *calibrate_args;
        args.request.options.method = survey::parse_calibration_method(args.method);
        parse_bounds(args.bounds, args.request.options);
        if (!args.estimate.variable.empty()) {
            args.request.estimate = to_spec(args.estimate, args.estimates_out);
        } else if (!args.estimate.by.empty() || !args.estimates_out.empty()) {
            throw UsageError("--by and --estimates-out need --estimate VARIABLE");
        }
        context.command = "calibrate";
        Progress progress = context.progress();
        const auto outcome = survey::run_calibrate(args.request, context.diagnostics, progress);
        const auto& r = outcome.result;
        context.summary = fmt::format(
            "calibrate ({}): {} persons, {} margins, {} control categories, {} cells\n"
            "  iterations {}; max relative deviation from the controls {:.3g} ({})\n"
            "  g = w/d in [{:.6g}, {:.6g}]; total {:.10g} -> {:.10g}\n"
            "  effective sample size (Kish) {:.1f} -> {:.1f}\n"
            "  time: read {:.3f} s, model {:.3f} s, solve {:.4f} s, whole command {:.3f} s\n"
            "  weights written to {}\n",
            args.method, outcome.rows_read, outcome.margins, outcome.categories, r.cells, r.iterations,
            r.max_rel_deviation, r.worst_category, r.g_min, r.g_max, r.total_design, r.total_calibrated, r.n_eff_design,
            r.n_eff_calibrated, outcome.read_seconds, outcome.model_seconds, r.solve_seconds, outcome.total_seconds,
            args.request.weights_out.string());
        context.outcome = {{"method", args.method}, {"persons", outcome.rows_read}, {"margins", outcome.margins},
            {"categories", outcome.categories}, {"cells", r.cells}, {"iterations", r.iterations},
            {"max_rel_deviation", r.max_rel_deviation}, {"g_min", r.g_min}, {"g_max", r.g_max},
            {"total_design", r.total_design}, {"total_calibrated", r.total_calibrated},
            {"n_eff_design", r.n_eff_design}, {"n_eff_calibrated", r.n_eff_calibrated},
            {"seconds", outcome.total_seconds}, {"weights_out", args.request.weights_out.string()}};
        if (args.request.estimate) {
            context.summary += estimates_text(outcome.estimates);
            context.outcome["domain_estimates"] = estimates_json(outcome.estimates);
        }
    });

    auto estimate_args = std::make_shared<EstimateArgs>();
    CLI::App* estimate = app.add_subcommand("estimate",
        "Totals or means by domain with Taylor-linearised SE, CV, 95% CI and reliability flag");
    auto& ereq = estimate_args->request;
    estimate->add_option("--survey", ereq.survey, "Survey microdata CSV")->required();
    estimate->add_option("--weights", ereq.weights, "Weights CSV person_id,weight (e.g. from calibrate)")->required();
    add_estimate_flags(*estimate, estimate_args->estimate, "--variable");
    estimate->add_option("--calibrated-with", ereq.calibrated_with,
        "Controls CSV the weights were calibrated to (GREG variance); without it the variance is design-based");
    estimate->add_option("--method", ereq.method, "Calibration method label stored with the estimates");
    estimate->add_option("--id-column", ereq.id_column, "Person id column")->capture_default_str();
    estimate->add_option("--weight-column", ereq.weight_column, "Design weight column")->capture_default_str();
    estimate->add_option("--out", estimate_args->out, "Estimates CSV");
    estimate->add_option("--workspace", ereq.workspace, "Workspace GeoPackage: estimates table and run_log");
    estimate->callback([estimate_args, &context]() {
        auto& args = *estimate_args;
        args.request.spec = to_spec(args.estimate, args.out);
        context.command = "estimate";
        Progress progress = context.progress();
        const auto outcome = survey::run_estimate(args.request, context.diagnostics, progress);
        const char* variance = args.request.calibrated_with.empty() ? "design-based" : "calibrated/GREG";
        context.summary = fmt::format("estimate ({} variance): {} persons, {} rows in {:.3f} s{}\n", variance,
            outcome.rows_read, outcome.rows.size(), outcome.seconds,
            outcome.units_checked ? ", " + std::to_string(outcome.unknown_units) + " unknown unit code(s)" : "");
        context.summary += estimates_text(outcome.rows);
        context.outcome = {{"variance", variance}, {"persons", outcome.rows_read}, {"seconds", outcome.seconds},
            {"unknown_units", outcome.unknown_units}, {"domain_estimates", estimates_json(outcome.rows)}};
    });
}

} // namespace migratlas::cli
