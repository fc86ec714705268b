#include "records/link_run.hpp"

#include "common/error.hpp"
#include "common/parse.hpp"
#include "common/stopwatch.hpp"
#include "common/run_log.hpp"
#include "geo/unit_index.hpp"
#include "records/crossing_point_units.hpp"

#include <fmt/format.h>

#include <optional>

namespace migratlas::records {

namespace {

constexpr std::uint64_t min_memory_budget = 16ULL << 20;

std::optional<std::filesystem::path> optional_path(const std::filesystem::path& path)
{
    return path.empty() ? std::nullopt : std::optional<std::filesystem::path>(path);
}

/// Checks the settings and turns the request into the linker's options (before any row is read).
LinkOptions link_options(const LinkRequest& request)
{
    LinkOptions options;
    options.crossings = request.crossings;
    options.rule = parse_rule_parameters(read_parameter_file(request.params), request.parameter_overrides,
        request.params.string());
    const auto budget = parse_byte_size(request.memory_budget);
    if (!budget || *budget < min_memory_budget) {
        throw SettingError("memory_budget",
            "must be a size of at least 16M such as 512M or 4G, got '" + request.memory_budget + "'");
    }
    if (!(request.snap_km >= 0 && request.snap_km <= 50)) {
        throw SettingError("snap_km", fmt::format("must be between 0 and 50 km, got {}", request.snap_km));
    }
    if (!request.points.empty() && request.workspace.empty()) {
        throw SettingError("points", "needs a workspace: the units to locate the points in live there");
    }
    options.memory_budget = *budget;
    options.threads = request.threads;
    options.events_csv = optional_path(request.events_csv);
    options.rejects_csv = optional_path(request.rejects_csv);
    options.duplicates_csv = optional_path(request.duplicates_csv);
    options.temp_directory = request.temp_directory;
    options.tabulate = !request.workspace.empty();
    return options;
}

/// The crossing points located in the workspace's units; read first, so a bad points file fails fast.
std::vector<CrossingPoint> located_points(const LinkRequest& request, Diagnostics& diagnostics)
{
    if (request.points.empty()) {
        return {};
    }
    std::vector<CrossingPoint> points = read_crossing_points(request.points, diagnostics);
    locate_points(points, geo::UnitIndex::from_workspace(request.workspace), request.snap_km);
    return points;
}

RunLog link_run_log(const LinkRequest& request, const LinkOptions& options, const LinkCounts& counts,
    const PointCoverage& coverage, const Diagnostics& diagnostics, std::string started_utc)
{
    RunLog log;
    log.command = "link";
    log.started_utc = std::move(started_utc);
    log.parameters = options.rule.as_text();
    log.parameters.emplace_back("memory_budget", request.memory_budget);
    log.parameters.emplace_back("threads", std::to_string(counts.threads));
    if (!request.points.empty()) {
        log.parameters.emplace_back("snap_km", fmt::format("{}", request.snap_km));
    }
    // The key file is deliberately not an input: neither its content nor its checksum is logged.
    log.add_input("crossings", request.crossings.string());
    log.add_input("params", request.params.string());
    if (!request.points.empty()) {
        log.add_input("crossing_points", request.points.string());  // not a product name: the input role
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
    return log;
}

} // namespace

LinkOutcome run_link(const LinkRequest& request, Diagnostics& diagnostics, Progress& progress)
{
    const Stopwatch stopwatch;
    const std::string started_utc = utc_now_iso();
    const LinkOptions options = link_options(request);
    const HmacKey key = HmacKey::from_file(request.key_file);
    const std::vector<CrossingPoint> points = located_points(request, diagnostics);

    LinkResult result = link_crossings(options, key, diagnostics, progress);
    LinkOutcome outcome;
    outcome.counts = result.counts;
    outcome.rule = options.rule;
    outcome.points_read = points.size();
    outcome.coverage = point_coverage(result, points);
    if (!request.workspace.empty()) {
        const RunLog log = link_run_log(request, options, result.counts, outcome.coverage, diagnostics, started_utc);
        write_link_workspace(request.workspace, result, points, log);
    }
    result.commit_files();
    outcome.seconds = stopwatch.seconds();
    return outcome;
}

} // namespace migratlas::records
