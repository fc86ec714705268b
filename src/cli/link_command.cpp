// `migratlas link`: crossing records → pseudonymised, classified events (12/16 rule) and monthly counts.
// Maps flags to records::LinkRequest, calls records::run_link and reports its outcome.
#include "cli/cli_context.hpp"
#include "records/link_run.hpp"

#include <fmt/format.h>

#include <sys/resource.h>

#include <memory>
#include <string>

namespace migratlas::cli {

namespace {

struct LinkArguments {
    records::LinkRequest request;
    bool strict = false;
    // Rule parameter overrides (empty = the params file's value).
    std::string observation_start, observation_end, reference_utc_offset, window_months, min_days;
};

double peak_rss_mb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

std::string count_list(const std::map<std::string, std::uint64_t>& counts)
{
    std::string text;
    for (const auto& [name, n] : counts) {
        text += fmt::format(" {} {}", name, n);
    }
    return text;
}

std::string summary(const records::LinkRequest& request, const records::LinkOutcome& outcome)
{
    const records::LinkCounts& counts = outcome.counts;
    std::string text = fmt::format("link: {} rows read = {} events + {} rejected + {} duplicates; {} persons\n",
        counts.rows_read, counts.events, counts.rejected_total(), counts.duplicates_total(), counts.persons);
    text += "  events:";
    for (std::size_t t = 0; t < records::event_type_count; ++t) {
        text += fmt::format(" {} {}", records::to_string(static_cast<records::EventType>(t)), counts.events_by_type[t]);
    }
    text += '\n';
    if (!counts.rejected.empty()) {
        text += "  rejected:" + count_list(counts.rejected) + '\n';
    }
    if (!counts.duplicates.empty()) {
        text += "  duplicates:" + count_list(counts.duplicates) + '\n';
    }
    if (!request.points.empty()) {
        const records::PointCoverage& c = outcome.coverage;
        text += fmt::format("  geography: {} points read, {} point codes not in the points file ({} crossings), "
            "{} not located within {} km ({} crossings) -> unit 'unknown'\n", outcome.points_read,
            c.codes_not_in_points_file, c.crossings_not_in_points_file, c.codes_not_located, request.snap_km,
            c.crossings_not_located);
    }
    if (counts.non_utf8_values > 0) {
        text += fmt::format("  {} field values were not UTF-8 and are tabulated as '<invalid-utf8>'\n",
            counts.non_utf8_values);
    }
    text += fmt::format("  time {:.2f} s (read {:.2f}, classify {:.2f}, write {:.2f}); {:.0f} rows/s; "
        "{} threads; {} partitions, {} spills ({:.0f} MB); peak RSS {:.0f} MB\n", outcome.seconds, counts.ingest_seconds,
        counts.classify_seconds, counts.output_seconds,
        static_cast<double>(counts.rows_read) / std::max(outcome.seconds, 1e-9), counts.threads, counts.partitions,
        counts.spills, static_cast<double>(counts.spilled_bytes) / 1e6, peak_rss_mb());
    return text;
}

Json outcome_json(const records::LinkOutcome& outcome)
{
    const records::LinkCounts& counts = outcome.counts;
    Json events = Json::object();
    for (std::size_t t = 0; t < records::event_type_count; ++t) {
        events[std::string(records::to_string(static_cast<records::EventType>(t)))] = counts.events_by_type[t];
    }
    return {{"rows_read", counts.rows_read}, {"events", counts.events}, {"events_by_type", events},
        {"rejected", counts.rejected}, {"duplicates", counts.duplicates}, {"persons", counts.persons},
        {"non_utf8_values", counts.non_utf8_values}, {"points_read", outcome.points_read},
        {"points_not_in_points_file", outcome.coverage.codes_not_in_points_file},
        {"points_not_located", outcome.coverage.codes_not_located}, {"seconds", outcome.seconds},
        {"threads", counts.threads}, {"partitions", counts.partitions}, {"spills", counts.spills}};
}

void run(CLI::App& command, LinkArguments& args, CliContext& context)
{
    context.command = "link";
    const std::pair<const char*, const std::string*> overrides[] = {{"observation_start", &args.observation_start},
        {"observation_end", &args.observation_end}, {"reference_utc_offset", &args.reference_utc_offset},
        {"window_months", &args.window_months}, {"min_days", &args.min_days}};
    for (const auto& [name, value] : overrides) {
        if (!value->empty()) {
            args.request.parameter_overrides[name] = *value;
        }
    }
    for (const auto& [setting, flag] : {std::pair{"observation_start", "--observation-start"},
             {"observation_end", "--observation-end"}, {"reference_utc_offset", "--reference-utc-offset"},
             {"window_months", "--window-months"}, {"min_days", "--min-days"}, {"memory_budget", "--memory-budget"},
             {"snap_km", "--snap-km"}, {"points", "--points"}}) {
        context.set_by(command, flag, setting);
    }
    context.diagnostics.set_strict(args.strict);
    Progress progress = context.progress();
    const records::LinkOutcome outcome = records::run_link(args.request, context.diagnostics, progress);
    context.summary = summary(args.request, outcome);
    context.outcome = outcome_json(outcome);
}

} // namespace

void add_link_command(CLI::App& app, CliContext& context)
{
    auto args = std::make_shared<LinkArguments>();
    records::LinkRequest& request = args->request;
    CLI::App* link = app.add_subcommand("link",
        "Pseudonymise crossing records (HMAC-SHA256), classify each crossing with the 12/16 rule "
        "(docs/methods/linkage.md) and write events, rejects, duplicates and monthly counts");
    link->add_option("--crossings", request.crossings, "Crossings CSV (person_id,crossing_time,direction,"
        "crossing_point,nationality,sex,birth_date[,residence_code,...])")->required();
    link->add_option("--params", request.params, "Rule parameters file (key=value: observation_start, "
        "observation_end, reference_utc_offset, window_months, min_days)")->required();
    link->add_option("--key-file", request.key_file, "File whose bytes are the secret HMAC key (never logged)")
        ->required();
    link->add_option("--points", request.points, "Crossing points CSV (point_id,name,lon,lat,country_iso3,"
        "border_with_iso3), located in the workspace's level-2/3 units");
    link->add_option("--workspace", request.workspace, "Workspace GeoPackage: events_monthly, crossings_monthly, "
        "crossing_points, run_log");
    link->add_option("--events-csv", request.events_csv,
        "Output: person_key,event_time,event_type,days_in_window,crossing_point (sorted by person_key, instant)");
    link->add_option("--rejects-csv", request.rejects_csv, "Output: line_no,person_key,reason");
    link->add_option("--duplicates-csv", request.duplicates_csv, "Output: line_no,person_key,reason");
    link->add_option("--memory-budget", request.memory_budget,
        "Memory for accepted rows before spilling to temporary files (K/M/G suffix)")->capture_default_str();
    link->add_option("--threads", request.threads, "Worker threads (0 = all cores)")->capture_default_str();
    link->add_option("--snap-km", request.snap_km, "Largest distance (km) from a unit boundary at which a crossing "
        "point outside every polygon is still attributed to the nearest unit (border bridges)")->capture_default_str();
    link->add_option("--temp-dir", request.temp_directory, "Folder for spill files (default: the system temp folder)");
    link->add_flag("--strict", args->strict,
        "Stop at the first rejected row with its message (exit 1); no output file is written");
    link->add_option("--observation-start", args->observation_start, "Overrides observation_start (YYYY-MM-DD)");
    link->add_option("--observation-end", args->observation_end, "Overrides observation_end (YYYY-MM-DD)");
    link->add_option("--reference-utc-offset", args->reference_utc_offset, "Overrides reference_utc_offset (±hh:mm)");
    link->add_option("--window-months", args->window_months, "Overrides window_months");
    link->add_option("--min-days", args->min_days, "Overrides min_days");
    link->callback([link, args, &context] { run(*link, *args, context); });
}

} // namespace migratlas::cli
