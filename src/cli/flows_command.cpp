// `migratlas flows`: maps flags to a flows::Request, runs the flows stage and reports its Outcome
// (a summary on stderr, or one JSON document with --json). All the work is in src/flows.
#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "flows/flows_run.hpp"

#include <fmt/format.h>

#include <initializer_list>
#include <memory>
#include <string>

namespace migratlas::cli {

namespace {

struct FlowsArguments {
    flows::Request request;
    int level = 0;
    std::vector<std::string> od;
    std::string od_columns;
    std::string od_type = "migration";
    std::int64_t top = 0;
    bool strict = false;
};

Json optional_number(const std::optional<double>& value)
{
    return value ? Json(*value) : Json(nullptr);
}

Json outcome_json(const flows::Outcome& o)
{
    Json j;
    j["source"] = o.source;
    j["period"] = o.period;
    j["default_period"] = o.default_period;
    j["counts"] = o.counts;
    j["products"] = {{"flows", o.flows}, {"unit_flows", o.unit_flows}, {"corridors", o.corridors},  // not a product name
        {"corridors_without_geometry", o.corridors_without_geometry}};
    Json systems = Json::array();
    for (const auto& s : o.systems) {
        const auto& i = s.indicators;
        systems.push_back({{"period", s.period}, {"flow_type", s.flow_class}, {"total_flow", i.total_flow},
            {"members", i.members}, {"pairs", i.pairs}, {"nonzero_pairs", i.nonzero_pairs},
            {"population", optional_number(i.population)}, {"cmi_pct", optional_number(i.cmi_pct)},
            {"mei_pct", optional_number(i.mei_pct)}, {"anmr_pct", optional_number(i.anmr_pct)},
            {"connectivity", optional_number(i.connectivity)}, {"gini", optional_number(i.gini)},
            {"inequality", optional_number(i.inequality)}});
    }
    j["system_indicators"] = systems;
    Json top = Json::array();
    for (const auto& c : o.top_corridors) {
        top.push_back({{"period", c.period}, {"flow_type", c.flow_type}, {"origin", c.origin},
            {"destination", c.destination}, {"persons", c.persons}, {"share_pct", c.share_pct}});
    }
    j["top_corridors"] = top;
    j["notes"] = o.notes;
    j["seconds"] = o.seconds;
    return j;
}

std::string outcome_summary(const flows::Outcome& o)
{
    std::string text = fmt::format("flows ({}), period {}{}: {} flows, {} unit balances, {} corridors ({} without geometry)\n",
        o.source, o.period.empty() ? "every period of the table" : o.period,
        o.default_period ? " (final months of the last link run)" : "", o.flows, o.unit_flows, o.corridors,
        o.corridors_without_geometry);
    const auto count = [&o](const std::string& name) {
        const auto it = o.counts.find(name);
        return it == o.counts.end() ? std::int64_t{0} : it->second;
    };
    if (o.source == "records") {
        text += fmt::format("  events: {} read, {} outside the period, {} in the period = {} in flows + {} unresolved + "
            "{} without direction + {} not joined\n", count("events_read"), count("events_outside_period"),
            count("events_in_period"), count("events_in_flows"), count("events_unresolved"),
            count("events_without_direction"),
            count("events_in_period") - count("events_in_flows") - count("events_unresolved") - count("events_without_direction"));
        text += fmt::format("  migration (immigrant + emigrant) events in flows: {}; placed at the crossing point's unit "
            "(no residence): {}\n", count("migration_events_in_flows"), count("events_placed_at_crossing_point"));
    } else {
        text += fmt::format("  rows: {} read = {} joined + {} counted by reason; persons {} read, {} in flows\n",
            count("rows_read"), count("rows_joined"), count("rows_read") - count("rows_joined"), count("persons_read"),
            count("persons_in_flows"));
    }
    const auto f = [](const std::optional<double>& v, const char* unit) {
        return v ? fmt::format("{:.3g}{}", *v, unit) : std::string("n/a");
    };
    std::size_t shown = 0;
    for (const auto& s : o.systems) {
        if (++shown > 6) {
            text += fmt::format("  ... {} more systems (flow_indicators table, --json)\n", o.systems.size() - 6);
            break;
        }
        const auto& i = s.indicators;
        text += fmt::format("  {} {}: M {:.0f}, CMI {}, MEI {}, ANMR {}, connectivity {}, Gini {}\n", s.period,
            s.flow_class, i.total_flow, f(i.cmi_pct, "%"), f(i.mei_pct, "%"), f(i.anmr_pct, "%"), f(i.connectivity, ""),
            f(i.gini, ""));
    }
    for (const std::string& note : o.notes) {
        text += "  note: " + note + "\n";
    }
    text += fmt::format("  time {:.2f} s\n", o.seconds);
    return text;
}

void run_flows(FlowsArguments& args, const CLI::App& command, CliContext& context)
{
    context.command = "flows";  // not a product name: the command
    for (const auto& [flag, setting] : std::initializer_list<std::pair<const char*, const char*>>{{"--level", "level"},
             {"--period", "period"}, {"--by", "by"}, {"--origin-by", "origin_by"}, {"--unknown-codes", "unknown_codes"},
             {"--shape", "shape"}, {"--arc-bend", "arc_bend"}, {"--top", "top"}, {"--via-crossing", "via_crossing"},
             {"--od-columns", "od_columns"}}) {
        context.set_by(command, flag, setting);
    }
    flows::Request& request = args.request;
    if (command.count("--level") > 0) {
        request.level = args.level;
    }
    if (command.count("--top") > 0) {
        request.top = args.top;
    }
    if (args.od.empty() && (!args.od_columns.empty() || command.count("--od-type") > 0)) {
        throw UsageError("--od-columns and --od-type need --od FILE");
    }
    const flows::OdColumns columns = args.od_columns.empty() ? flows::OdColumns{} : flows::parse_od_columns(args.od_columns);
    for (const std::string& path : args.od) {
        request.od.push_back({path, columns, args.od_type});
    }
    context.diagnostics.set_strict(args.strict);
    Progress progress = context.progress();
    const flows::Outcome outcome = flows::run(request, context.diagnostics, progress);
    context.summary = outcome_summary(outcome);
    context.outcome = outcome_json(outcome);
}

} // namespace

void add_flows_command(CLI::App& app, CliContext& context)
{
    auto args = std::make_shared<FlowsArguments>();
    CLI::App* command = app.add_subcommand("flows",  // not a product name: the command
        "Origin-destination flows from the classified records (or external OD tables) with unit balances, "
        "system indicators (Bell et al. 2002) and corridors as lines (docs/methods/flows-indicators.md)");
    flows::Request& r = args->request;
    command->add_option("--workspace", r.workspace, "Workspace GeoPackage (units, events_monthly from link)")->required();
    command->add_option("--level", args->level, "MEGA level of the units flows join (2 or 3; default 2 for records, "
        "OD codes as given)");
    command->add_option("--period", r.period, "Months FROM:TO, each YYYY-MM or YYYY (default for records: the final "
        "months of the last link run; for OD tables: every period)");
    command->add_option("--by", r.by, "Breakdown: comma-separated subset of sex,age_group,nationality,crossing_point");
    command->add_option("--origin-by", r.origin_by, "Origin of an arrival: its nationality, or the country across the "
        "crossing point (nationality at airports)")->check(CLI::IsMember({"nationality", "crossing"}))->capture_default_str();
    command->add_option("--od", args->od, "External OD table(s), CSV origin,destination,count[,period][,sex,age_group,"
        "nationality] with unit or ISO3 codes; when given, the records are not read");
    command->add_option("--od-columns", args->od_columns, "Column mapping of the OD tables, e.g. origin=coo_iso,"
        "destination=coa_iso,period=year,count=refugees+asylum_seekers+oip (empty cells are missing, not 0)");
    command->add_option("--od-type", args->od_type, "Flow type label of the OD tables' flows")->capture_default_str();
    command->add_option("--unknown-codes", r.unknown_codes, "OD codes that are neither units nor ISO3 countries: fail "
        "(list them, write nothing) or skip (count the rows as rejects)")->capture_default_str();
    command->add_option("--population", r.population, "CSV unit_code,...,population (summed over other columns, rolled "
        "up to coarser units) for crude rates and intensities");
    command->add_option("--shape", r.shape, "Corridor lines: straight, great-circle or arc (A->B and B->A on opposite "
        "sides)")->capture_default_str();
    command->add_option("--arc-bend", r.arc_bend, "Arc: offset of the curve's control point as a share of the chord")
        ->capture_default_str();
    command->add_flag("--via-crossing", r.via_crossing, "Corridors of record flows go origin -> crossing point -> destination");
    command->add_option("--top", args->top, "Keep only the N largest corridors of each period and type");
    command->add_flag("--strict", args->strict, "Stop at the first rejected row (exit 1); nothing is written");
    command->callback([args, command, &context] { run_flows(*args, *command, context); });
}

} // namespace migratlas::cli
