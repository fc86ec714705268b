// `migratlas link`: crossing records → pseudonymised, classified events (12/16 rule) and monthly counts.
// Parses arguments and calls the records stage; all rule logic lives in src/records.
#include "cli/cli_context.hpp"
#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "common/run_log.hpp"
#include "records/crossing_linker.hpp"
#include "records/crossing_point_units.hpp"
#include "records/link_workspace.hpp"

#include <fmt/format.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

namespace migratlas::cli {

namespace {

struct LinkArguments {
    std::string crossings;
    std::string params;
    std::string key_file;
    std::string points;
    std::string workspace;
    std::string events_csv;
    std::string rejects_csv;
    std::string duplicates_csv;
    std::string memory_budget = "4G";
    unsigned threads = 0;
    double snap_km = 2.0;
    std::string temp_dir;
    bool strict = false;
    std::string observation_start;
    std::string observation_end;
    std::string reference_utc_offset;
    std::string window_months;
    std::string min_days;
};

double peak_rss_mb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

std::optional<std::filesystem::path> optional_path(const std::string& text)
{
    return text.empty() ? std::nullopt : std::optional<std::filesystem::path>(text);
}

void run_link(const LinkArguments& args, const CliContext& context)
{
    using namespace records;
    const auto started = std::chrono::steady_clock::now();
    // Parameters first: a bad parameter is a usage error reported before any row is read.
    ParameterText text = read_parameter_file(args.params);
    const std::pair<const char*, const std::string*> overrides[] = {{"observation_start", &args.observation_start},
        {"observation_end", &args.observation_end}, {"reference_utc_offset", &args.reference_utc_offset},
        {"window_months", &args.window_months}, {"min_days", &args.min_days}};
    for (const auto& [name, value] : overrides) {
        if (!value->empty()) {
            text[name] = *value;
        }
    }
    LinkOptions options;
    options.crossings = args.crossings;
    options.rule = parse_rule_parameters(text, args.params);
    const auto budget = parse_byte_size(args.memory_budget);
    if (!budget || *budget < (16ULL << 20)) {
        throw UsageError("--memory-budget must be a size of at least 16M such as 512M or 4G, got '" +
            args.memory_budget + "'");
    }
    options.memory_budget = *budget;
    options.threads = args.threads;
    options.events_csv = optional_path(args.events_csv);
    options.rejects_csv = optional_path(args.rejects_csv);
    options.duplicates_csv = optional_path(args.duplicates_csv);
    options.temp_directory = args.temp_dir;
    options.tabulate = !args.workspace.empty();
    if (!(args.snap_km >= 0 && args.snap_km <= 50)) {
        throw UsageError("--snap-km must be between 0 and 50 km");
    }
    if (!args.points.empty() && args.workspace.empty()) {
        throw UsageError("--points needs --workspace (the units to locate the points in live there)");
    }
    const HmacKey key = HmacKey::from_file(args.key_file);

    Diagnostics diagnostics(args.strict);
    std::vector<CrossingPoint> points;
    if (!args.points.empty()) {
        // Read the geography before the long part so that a bad points file fails fast.
        points = read_crossing_points(args.points, diagnostics);
        locate_points(points, args.workspace, args.snap_km);
    }

    Progress progress = Progress::for_terminal(context.quiet);
    RunLog log;
    log.command = "link";
    log.started_utc = utc_now_iso();
    const LinkResult result = link_crossings(options, key, diagnostics, progress);
    const LinkCounts& counts = result.counts;
    const PointCoverage coverage = point_coverage(result, points);

    if (!args.workspace.empty()) {
        log.parameters = options.rule.as_text();
        log.parameters.emplace_back("memory_budget", args.memory_budget);
        log.parameters.emplace_back("threads", std::to_string(counts.threads));
        if (!args.points.empty()) {
            log.parameters.emplace_back("snap_km", fmt::format("{}", args.snap_km));
        }
        // The key file is deliberately not an input here: neither its path's content nor its checksum.
        log.add_input("crossings", args.crossings);
        log.add_input("params", args.params);
        if (!args.points.empty()) {
            log.add_input("crossing_points", args.points);  // not a product name: the input role
        }
        add_link_counts(log, counts);
        log.add_count("records", "points_not_in_points_file", static_cast<std::int64_t>(coverage.codes_not_in_points_file));
        log.add_count("records", "crossings_at_unknown_points",
            coverage.crossings_not_in_points_file + coverage.crossings_not_located);
        for (const auto& entry : diagnostics.entries()) {
            if (entry.severity != Severity::warning || counts.rejected.count(entry.code) == 0) {
                log.notes.push_back(entry.to_string());
            }
        }
        log.finished_utc = utc_now_iso();
        write_link_workspace(args.workspace, result, points, log);
    }

    if (context.quiet) {
        return;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string text_out = fmt::format("link: {} rows read = {} events + {} rejected + {} duplicates; {} persons\n",
        counts.rows_read, counts.events, counts.rejected_total(), counts.duplicates_total(), counts.persons);
    text_out += "  events:";
    for (std::size_t t = 0; t < records::event_type_count; ++t) {
        text_out += fmt::format(" {} {}", records::to_string(static_cast<records::EventType>(t)), counts.events_by_type[t]);
    }
    text_out += '\n';
    if (!counts.rejected.empty()) {
        text_out += "  rejected:";
        for (const auto& [reason, n] : counts.rejected) {
            text_out += fmt::format(" {} {}", reason, n);
        }
        text_out += '\n';
    }
    if (!counts.duplicates.empty()) {
        text_out += "  duplicates:";
        for (const auto& [reason, n] : counts.duplicates) {
            text_out += fmt::format(" {} {}", reason, n);
        }
        text_out += '\n';
    }
    if (!args.points.empty()) {
        text_out += fmt::format("  geography: {} points read, {} point codes not in the points file ({} crossings), "
            "{} not located within {} km ({} crossings) -> unit 'unknown'\n", points.size(),
            coverage.codes_not_in_points_file, coverage.crossings_not_in_points_file, coverage.codes_not_located,
            args.snap_km, coverage.crossings_not_located);
    }
    if (counts.non_utf8_values > 0) {
        text_out += fmt::format("  {} field values were not UTF-8 and are tabulated as '<invalid-utf8>'\n",
            counts.non_utf8_values);
    }
    text_out += fmt::format("  time {:.2f} s (read {:.2f}, classify {:.2f}, write {:.2f}); {:.0f} rows/s; "
        "{} threads; {} partitions, {} spills ({:.0f} MB); peak RSS {:.0f} MB\n", seconds, counts.ingest_seconds,
        counts.classify_seconds, counts.output_seconds, static_cast<double>(counts.rows_read) / std::max(seconds, 1e-9),
        counts.threads, counts.partitions, counts.spills, static_cast<double>(counts.spilled_bytes) / 1e6, peak_rss_mb());
    std::size_t shown = 0;
    for (const auto& entry : diagnostics.entries()) {
        if (shown++ < 10) {
            text_out += "  " + entry.to_string() + '\n';
        }
    }
    if (diagnostics.entries().size() > 10) {
        text_out += fmt::format("  ... {} more messages (see the rejects CSV)\n", diagnostics.entries().size() - 10);
    }
    std::fputs(text_out.c_str(), stderr);
}

} // namespace

void add_link_command(CLI::App& app, CliContext& context)
{
    auto args = std::make_shared<LinkArguments>();
    CLI::App* link = app.add_subcommand("link",
        "Pseudonymise crossing records (HMAC-SHA256), classify each crossing with the 12/16 rule "
        "(docs/methods/linkage.md) and write events, rejects, duplicates and monthly counts");
    link->add_option("--crossings", args->crossings, "Crossings CSV (person_id,crossing_time,direction,"
        "crossing_point,nationality,sex,birth_date[,residence_code,...])")->required();
    link->add_option("--params", args->params, "Rule parameters file (key=value: observation_start, "
        "observation_end, reference_utc_offset, window_months, min_days)")->required();
    link->add_option("--key-file", args->key_file, "File whose bytes are the secret HMAC key (never logged)")
        ->required();
    link->add_option("--points", args->points, "Crossing points CSV (point_id,name,lon,lat,country_iso3,"
        "border_with_iso3), located in the workspace's level-2/3 units");
    link->add_option("--workspace", args->workspace, "Workspace GeoPackage: events_monthly, crossings_monthly, "
        "crossing_points, run_log");
    link->add_option("--events-csv", args->events_csv,
        "Output: person_key,event_time,event_type,days_in_window,crossing_point (sorted by person_key, instant)");
    link->add_option("--rejects-csv", args->rejects_csv, "Output: line_no,person_key,reason");
    link->add_option("--duplicates-csv", args->duplicates_csv, "Output: line_no,person_key,reason");
    link->add_option("--memory-budget", args->memory_budget,
        "Memory for accepted rows before spilling to temporary files (K/M/G suffix)")->capture_default_str();
    link->add_option("--threads", args->threads, "Worker threads (0 = all cores)")->capture_default_str();
    link->add_option("--snap-km", args->snap_km, "Largest distance (km) from a unit boundary at which a crossing "
        "point outside every polygon is still attributed to the nearest unit (border bridges)")->capture_default_str();
    link->add_option("--temp-dir", args->temp_dir, "Folder for spill files (default: the system temp folder)");
    link->add_flag("--strict", args->strict,
        "Stop at the first rejected row with its message (exit 1); no output file is written");
    link->add_option("--observation-start", args->observation_start, "Overrides observation_start (YYYY-MM-DD)");
    link->add_option("--observation-end", args->observation_end, "Overrides observation_end (YYYY-MM-DD)");
    link->add_option("--reference-utc-offset", args->reference_utc_offset, "Overrides reference_utc_offset (±hh:mm)");
    link->add_option("--window-months", args->window_months, "Overrides window_months");
    link->add_option("--min-days", args->min_days, "Overrides min_days");
    link->callback([args, &context] { run_link(*args, context); });
}

} // namespace migratlas::cli
