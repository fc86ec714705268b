// `migratlas border`: maps flags to a border::Request, runs the border stage and reports its Outcome
// (a summary on stderr, or one JSON document with --json). All the work is in src/border.
#include "border/border_run.hpp"
#include "cli/cli_context.hpp"

#include <fmt/format.h>

#include <initializer_list>
#include <memory>
#include <string>

namespace migratlas::cli {

namespace {

struct BorderArguments {
    border::Request request;
    bool strict = false;
};

Json optional_number(const std::optional<double>& value)
{
    return value ? Json(*value) : Json(nullptr);
}

Json outcome_json(const border::Outcome& o)
{
    Json top = Json::array();
    for (const auto& p : o.top_points) {
        top.push_back({{"point_id", p.point_id}, {"crossings", p.crossings},
            {"trend_pct_per_year", optional_number(p.trend_pct_per_year)}, {"seasonality", p.seasonality}});
    }
    return {{"source", o.source}, {"period", o.period}, {"counts", o.counts}, {"points", o.points},
        {"points_with_crossings", o.points_with_crossings}, {"segments", o.segments}, {"borders", o.borders},
        {"border_km", o.border_km}, {"units_with_border_figures", o.units}, {"population_in_buffer", optional_number(o.population_in_buffer)},
        {"migrants_in_buffer", optional_number(o.migrants_in_buffer)}, {"survey_estimates", o.survey_estimates},
        {"control_categories", o.control_categories}, {"top_points", top}, {"notes", o.notes}, {"seconds", o.seconds}};
}

std::string outcome_summary(const border::Outcome& o, const border::Request& r)
{
    const auto count = [&o](const std::string& name) {
        const auto it = o.counts.find(name);
        return it == o.counts.end() ? std::int64_t{0} : it->second;
    };
    std::string text = fmt::format("border ({}), period {}: {} points ({} with crossings), {} borders ({:.0f} km) in {} "
        "segments, {} units\n", o.source, o.period, o.points, o.points_with_crossings, o.borders, o.border_km, o.segments, o.units);
    text += fmt::format("  crossings: {} read = {} used + {} not used; {} at listed points\n", count("crossings_read"),
        count("crossings_used"), count("crossings_read") - count("crossings_used"), count("crossings_at_listed_points"));
    if (o.population_in_buffer) {
        text += fmt::format("  within {} km of a border: population {:.0f}", r.buffer_km, *o.population_in_buffer);
        text += o.migrants_in_buffer ? fmt::format(", {} {:.0f}\n", r.migrants_variable, *o.migrants_in_buffer) : "\n";
    }
    for (const auto& p : o.top_points) {
        text += fmt::format("  {:<28} {:>12} crossings, trend {}, seasonality {}\n", p.point_id, p.crossings,
            p.trend_pct_per_year ? fmt::format("{:+.1f}%/year", *p.trend_pct_per_year) : std::string("n/a"), p.seasonality);
    }
    if (!r.controls_out.empty()) {
        text += fmt::format("  {} control categories written to {}\n", o.control_categories, r.controls_out.string());
    }
    for (const std::string& note : o.notes) {
        text += "  note: " + note + "\n";
    }
    text += fmt::format("  time {:.2f} s\n", o.seconds);
    return text;
}

} // namespace

void add_border_command(CLI::App& app, CliContext& context)
{
    auto args = std::make_shared<BorderArguments>();
    CLI::App* command = app.add_subcommand("border",
        "Crossing-point indicators, border segments by nearest crossing point, unit distances to the border and the "
        "population and migrants within a buffer (docs/methods/flows-indicators.md)");
    border::Request& r = args->request;
    command->add_option("--workspace", r.workspace, "Workspace GeoPackage (units; crossings from link, or --counts)")->required();
    command->add_option("--points", r.points, "Crossing points CSV point_id,name,lon,lat,country_iso3,border_with_iso3 "
        "(default: the workspace's crossing_points from link --points)");
    command->add_option("--snap-km", r.snap_km, "Locating --points: largest distance from a unit at which a point "
        "outside every polygon is attributed to the nearest unit")->capture_default_str();
    command->add_option("--counts", r.counts, "Aggregate crossing counts CSV point_id,period,direction,count[,mode] "
        "(period YYYY or YYYY-MM); used instead of the linked records");
    command->add_option("--unknown-codes", r.unknown_codes, "--counts rows of points not in the points: fail (list "
        "them, write nothing) or skip (count them as rejects)")->capture_default_str();
    command->add_option("--period", r.period, "Months FROM:TO, each YYYY-MM or YYYY (default: all)");
    command->add_option("--buffer-km", r.buffer_km, "Width of the border buffer for population and migrants")->capture_default_str();
    command->add_option("--population", r.population, "CSV unit_code,...,population (summed over other columns)");
    command->add_option("--migrants-variable", r.migrants_variable, "Survey variable in the estimates counted as "
        "migrants")->capture_default_str();
    command->add_option("--controls-out", r.controls_out, "Write calibration controls for a border survey: recorded "
        "crossings by land crossing point x period x direction (margin,category,total)");
    command->add_option("--controls-by", r.controls_by, "Period of the controls: month, quarter or year")->capture_default_str();
    command->add_flag("--strict", args->strict, "Stop at the first rejected row (exit 1); nothing is written");
    command->callback([args, command, &context] {
        context.command = "border";
        for (const auto& [flag, setting] : std::initializer_list<std::pair<const char*, const char*>>{
                 {"--buffer-km", "buffer_km"}, {"--snap-km", "snap_km"}, {"--period", "period"},
                 {"--unknown-codes", "unknown_codes"}, {"--controls-by", "controls_by"}}) {
            context.set_by(*command, flag, setting);
        }
        context.diagnostics.set_strict(args->strict);
        Progress progress = context.progress();
        const border::Outcome outcome = border::run(args->request, context.diagnostics, progress);
        context.summary = outcome_summary(outcome, args->request);
        context.outcome = outcome_json(outcome);
    });
}

} // namespace migratlas::cli
