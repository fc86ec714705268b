// `migratlas export`: products leave the workspace through the disclosure gate as CSV, GeoJSON,
// GeoPackage, SDMX-CSV or PostGIS tables with a datapackage.json. Maps flags to publish::Request,
// calls publish::run and reports what the gate hid (counts only).
#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "common/parse.hpp"
#include "publish/export_run.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

namespace migratlas::cli {

namespace {

struct ExportArguments {
    publish::Request request;
    std::string layers;
    std::string format;
    std::string quality_action = "withhold";
    std::string cost = "persons";
    std::vector<std::string> product_thresholds;
};

std::vector<std::string> split_list(const std::string& text)
{
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(',', start), text.size());
        if (end > start) {
            items.push_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    return items;
}

void parse_product_thresholds(const ExportArguments& args, disclose::Request& gate, CliContext& context)
{
    for (const std::string& item : args.product_thresholds) {
        const std::size_t equals = item.find('=');
        const auto value = equals == std::string::npos ? std::nullopt : parse_int(std::string_view(item).substr(equals + 1));
        if (!value) {
            throw UsageError("--product-threshold '" + item + "' must be PRODUCT=N (e.g. flows=20)");
        }
        const std::string product = item.substr(0, equals);
        gate.per_product[product].threshold = *value;
        context.origins.set("products." + product + ".threshold", "--product-threshold " + item);
        context.origins.set("products." + product, "--product-threshold " + item);
    }
}

std::string summary(const publish::Request& request, const publish::Outcome& outcome)
{
    std::string text = fmt::format("export: {} layer(s), {} rows -> {} ({})\n", outcome.reports.size(), outcome.rows,
        outcome.target_label, publish::to_string(request.format));
    for (const disclose::ProductReport& report : outcome.reports) {
        const disclose::DisclosureSummary& s = report.summary;
        text += fmt::format("  {:<26} {:>8} counts: {:>6} primary, {:>6} secondary, {:>4} withheld for quality ({:.2f} s{})\n",
            report.product, s.cells, s.primary, s.secondary, s.withheld_quality, report.seconds,
            report.from_cache ? fmt::format("; pattern from the cache, {:.2f} s saved", report.seconds_saved) : std::string());
    }
    return text;
}

Json outcome_json(const publish::Outcome& outcome)
{
    Json layers = Json::array();
    for (const disclose::ProductReport& report : outcome.reports) {
        const disclose::DisclosureSummary& s = report.summary;
        layers.push_back(Json{{"layer", report.product}, {"counts", s.cells}, {"primary", s.primary},
            {"secondary", s.secondary}, {"withheld_quality", s.withheld_quality}, {"threshold", s.threshold},
            {"protection_level", s.protection_level}, {"family", s.family}, {"seconds", report.seconds},
            {"pattern_from_cache", report.from_cache}, {"seconds_saved", report.seconds_saved}});
    }
    Json files = Json::array();
    for (const auto& file : outcome.files) {
        files.push_back(file.string());
    }
    return Json{{"target", outcome.target_label}, {"rows", outcome.rows}, {"layers", layers}, {"files", files}};
}

void run(CLI::App& command, ExportArguments& args, CliContext& context)
{
    context.command = "export";
    publish::Request& request = args.request;
    disclose::Request& gate = request.gate;
    for (const auto& [setting, flag] : {std::pair{"products", "--layer"}, {"format", "--format"},
             {"target", "--out"}, {"threshold", "--threshold"}, {"protection_level", "--protection-level"},
             {"cv_limit", "--cv-limit"}, {"suppress_zeros", "--suppress-zeros"}, {"suppression_cost", "--cost"}}) {
        context.set_by(command, flag, setting);
    }
    gate.products = split_list(args.layers);
    request.format = publish::parse_format(args.format);
    gate.quality_action = args.quality_action == "flag" ? disclose::QualityAction::flag : disclose::QualityAction::withhold;
    gate.cost = args.cost == "cells" ? disclose::SuppressionCost::cells : disclose::SuppressionCost::persons;
    parse_product_thresholds(args, gate, context);
    Progress progress = context.progress();
    const publish::Outcome outcome = publish::run(request, context.diagnostics, progress);
    context.summary = summary(request, outcome);
    context.outcome = outcome_json(outcome);
}

} // namespace

void add_export_command(CLI::App& app, CliContext& context)
{
    auto args = std::make_shared<ExportArguments>();
    disclose::Request& gate = args->request.gate;
    CLI::App* command = app.add_subcommand("export",
        "Publish workspace products through the disclosure gate (small cells hidden, complementary suppression an "
        "LP attacker cannot beat; docs/methods/disclosure.md) as CSV, GeoJSON, GeoPackage, SDMX-CSV or PostGIS, "
        "each with a datapackage.json");
    command->add_option("--workspace", gate.workspace, "Workspace GeoPackage")->required();
    command->add_option("--layer", args->layers, "Products to publish, comma-separated (e.g. flows,unit_flows)")->required();
    command->add_option("--format", args->format, "csv, geojson, gpkg, sdmx-csv or pg")->required();
    command->add_option("--out", args->request.target,
        "Output folder (created or replaced as a whole), or a PG: connection string for --format pg")->required();
    command->add_option("--threshold", gate.threshold, "Counts below this are hidden (primary suppression)")
        ->capture_default_str();
    command->add_option("--protection-level", gate.protection_level,
        "Least width of an attacker's interval for a hidden count (default: the threshold)");
    command->add_option("--product-threshold", args->product_thresholds,
        "PRODUCT=N: another threshold for one product (repeatable)");
    command->add_flag("--suppress-zeros", gate.suppress_zeros, "Hide zero counts as well (they are published by default)");
    command->add_flag("--no-disclosure-cache{false}", gate.use_pattern_cache,
        "Protect every family anew: neither read nor write the disclosure gate's pattern cache (<workspace>.disclosure-cache/)");
    command->add_option("--cv-limit", gate.cv_limit_pct, "Survey estimates with a CV above this percentage are withheld")
        ->capture_default_str();
    command->add_option("--quality-action", args->quality_action,
        "withhold (default) or flag: publish unreliable estimates with their flag")->check(CLI::IsMember({"withhold", "flag"}));
    command->add_option("--cost", args->cost,
        "What complementary suppression minimises: persons (default) or cells")->check(CLI::IsMember({"persons", "cells"}));
    command->callback([command, args, &context] { run(*command, *args, context); });
}

} // namespace migratlas::cli
