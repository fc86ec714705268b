#include "geo/geography_import.hpp"

#include "common/error.hpp"
#include "common/run_log.hpp"
#include "workspace/workspace.hpp"
#include "geo/hierarchy_check.hpp"
#include "geo/neighbours.hpp"
#include "geo/source_reader.hpp"
#include "geo/unit_store.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_map>

namespace migratlas::geo {

namespace {

/// Units read from the source plus the workspace units they join, and the check of both.
struct Analysis {
    CheckReport report;
    std::vector<Unit> kept;      ///< workspace units whose code the source does not bring
    std::vector<Unit> incoming;  ///< units built from the source
};

Analysis analyse(const GeosContext& geos, const std::string& source_spec, const GeographyOptions& options,
    std::vector<Unit> existing, bool parents_known, Diagnostics& diagnostics, Progress& progress)
{
    SourceData data = read_source(source_spec, options.mapping, geos, diagnostics, progress);
    const std::string source = source_label(source_spec);
    BuildResult built = build_units(geos, data, options.name_conflict, diagnostics);
    const SourcePos pos{source, 0, 0};

    Analysis analysis;
    CheckReport& report = analysis.report;
    std::unordered_map<std::string, const Unit*> incoming_codes;
    for (const Unit& unit : built.units) {
        incoming_codes.emplace(unit.info.code, &unit);
    }
    for (Unit& unit : existing) {
        const auto replaced = incoming_codes.find(unit.info.code);
        if (replaced == incoming_codes.end()) {
            analysis.kept.push_back(std::move(unit));
            continue;
        }
        ++report.units_replaced;
        // Re-importing a corrected file is normal; a code taken over by another source or level
        // usually means two countries' local codes collided (use --code-prefix).
        const Unit& incoming = *replaced->second;
        if (unit.info.level != incoming.info.level || unit.source != incoming.source) {
            diagnostics.warn("code_replaced", pos, "code '" + unit.info.code + "' replaces workspace unit '" +
                unit.info.name + "' (level " + std::to_string(unit.info.level) + ", from " + unit.source +
                ") with '" + incoming.info.name + "' (level " + std::to_string(incoming.info.level) +
                "); use code_prefix if these are different units");
        }
    }
    for (Unit& unit : built.units) {
        if (unit.info.level == 1 && !unit.info.parent_code.empty()) {
            diagnostics.warn("parent_ignored", pos, "level-1 unit '" + unit.info.code + "' has parent code '" +
                unit.info.parent_code + "'; countries have no parent, so it is dropped");
            unit.info.parent_code.clear();
        }
    }
    analysis.incoming = std::move(built.units);
    if (analysis.incoming.empty()) {
        diagnostics.error("no_units", pos, "no feature of layer '" + data.layer + "' became a unit (" +
            std::to_string(data.features_read) + " read, " + std::to_string(diagnostics.rejected()) +
            " rejected); check code_field, where and the rejects");
    }

    std::vector<const Unit*> hierarchy;
    std::vector<bool> is_new;
    for (const Unit& unit : analysis.kept) {
        hierarchy.push_back(&unit);
        is_new.push_back(false);
    }
    for (const Unit& unit : analysis.incoming) {
        hierarchy.push_back(&unit);
        is_new.push_back(true);
    }
    HierarchyOptions hierarchy_options;
    hierarchy_options.tolerance_km2 = options.tolerance_km2;
    hierarchy_options.parents_known = parents_known;
    const HierarchyResult checked = check_hierarchy(geos, hierarchy, is_new, source, hierarchy_options, diagnostics, progress);

    report.source = source;
    report.layer = data.layer;
    report.driver = data.driver;
    report.crs = data.crs;
    report.features_read = data.features_read;
    report.units = analysis.incoming.size();
    report.invalid_repaired = data.invalid_repaired;
    report.parts_merged = built.parts_merged;
    report.rejected_by_reason = diagnostics.reject_counts();
    report.rejected = diagnostics.rejected();
    report.missing_code = report.rejected_by_reason.count("missing_code") ? report.rejected_by_reason.at("missing_code") : 0;
    report.missing_geometry =
        report.rejected_by_reason.count("missing_geometry") ? report.rejected_by_reason.at("missing_geometry") : 0;
    report.duplicate_codes = built.duplicate_codes;
    report.orphans = checked.orphans.size();
    report.orphan_codes = checked.orphans;
    report.overlaps = checked.overlaps;
    report.overlap_km2 = checked.overlap_km2;
    report.gaps = checked.gaps;
    report.gap_km2 = checked.gap_km2;
    report.outside_parent = checked.outside;
    report.outside_parent_km2 = checked.outside_km2;
    report.tolerance_km2 = options.tolerance_km2;
    for (const Unit& unit : analysis.incoming) {
        report.area_km2_total += unit.info.area_km2;
        ++report.units_by_level[unit.info.level];
    }
    // Every feature read is either in a unit or rejected with a reason (DESIGN: counts reconcile).
    if (data.features.size() + report.rejected != report.features_read) {
        throw Error(source + ": internal count mismatch: " + std::to_string(report.features_read) + " read, " +
            std::to_string(data.features.size()) + " accepted, " + std::to_string(report.rejected) + " rejected");
    }
    return analysis;
}

std::string tolerance_text(double km2)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", km2);
    return text;
}

/// Range checks of the settings: the stage owns them, so every front end gets the same ones.
void check_settings(const GeoRequest& request)
{
    request.options.mapping.validate();
    if (!(request.options.tolerance_km2 >= 0)) {
        throw SettingError("tolerance_km2", "must be a non-negative area in km2");
    }
}

/// The figures of a report as run_log counts under stage "geo".
void add_report_counts(RunLog& log, const CheckReport& report)
{
    const std::pair<const char*, std::uint64_t> counts[] = {{"features_read", report.features_read},
        {"features_accepted", report.features_read - report.rejected}, {"units", report.units},  // not a product name
        {"invalid_repaired", report.invalid_repaired}, {"parts_merged", report.parts_merged},
        {"duplicate_codes", report.duplicate_codes}, {"units_replaced", report.units_replaced},
        {"units_in_workspace", report.units_in_workspace}, {"neighbour_pairs", report.neighbour_pairs},
        {"overlaps", report.overlaps}, {"gaps", report.gaps}};
    for (const auto& [name, value] : counts) {
        log.add_count("geo", name, static_cast<std::int64_t>(value));
    }
    for (const auto& [reason, n] : report.rejected_by_reason) {
        log.add_count("geo", "rejected:" + reason, static_cast<std::int64_t>(n));
    }
}

void add_source_input(RunLog& log, const std::string& source)
{
    if (source.rfind("PG:", 0) != 0) {
        log.add_input("geographies", source);
    } else {
        log.inputs.push_back(RunLog::Input{"geographies", "PostGIS source (connection string not logged)", ""});
    }
}

void add_warning_notes(RunLog& log, const Diagnostics& diagnostics)
{
    constexpr std::size_t max_notes = 100;
    for (const Diagnostic& d : diagnostics.entries()) {
        if (d.severity == Severity::warning && log.notes.size() < max_notes) {
            log.notes.push_back(d.to_string());
        }
    }
}

/// Units of the levels the import touched get their neighbours recomputed; the others keep theirs.
std::vector<Neighbour> updated_neighbours(const GeosContext& geos, const std::vector<Unit>& units,
    const std::vector<Neighbour>& old_neighbours, const CheckReport& report, Progress& progress)
{
    std::set<int> affected;
    for (const auto& [level, n] : report.units_by_level) {
        affected.insert(level);
    }
    std::vector<const Unit*> recompute;
    for (const Unit& unit : units) {
        if (affected.count(unit.info.level) > 0) {
            recompute.push_back(&unit);
        }
    }
    progress.start("computing neighbours");
    std::vector<Neighbour> neighbours = compute_neighbours(geos, recompute);
    progress.finish();
    for (const Neighbour& n : old_neighbours) {
        if (affected.count(n.level) == 0) {
            neighbours.push_back(n);
        }
    }
    return neighbours;
}

} // namespace

std::vector<std::pair<std::string, std::string>> run_parameters(const GeographyOptions& options)
{
    auto parameters = options.mapping.parameters();
    parameters.emplace_back("name_conflict", options.name_conflict == NameConflict::error ? "error" : "keep-largest");
    parameters.emplace_back("tolerance_km2", tolerance_text(options.tolerance_km2));
    return parameters;
}

CheckReport run_check(const GeoRequest& request, Diagnostics& diagnostics, Progress& progress)
{
    check_settings(request);
    const GeosContext geos;
    std::vector<Unit> existing;
    if (!request.workspace.empty()) {
        GDALDatasetUniquePtr dataset = workspace::open_readonly(request.workspace);
        if (has_units(*dataset)) {
            existing = read_units(*dataset, geos);
        }
    }
    return analyse(geos, request.source, request.options, std::move(existing), !request.workspace.empty(),
        diagnostics, progress).report;
}

CheckReport run_import(const GeoRequest& request, Diagnostics& diagnostics, Progress& progress)
{
    check_settings(request);
    if (request.workspace.empty()) {
        throw SettingError("workspace", "geo import needs a workspace to import into");
    }
    RunLog log;
    log.command = "geo import";
    log.started_utc = utc_now_iso();
    const GeosContext geos;
    workspace::Workspace workspace(request.workspace);
    std::vector<Unit> existing;
    std::vector<Neighbour> old_neighbours;
    if (has_units(workspace.dataset())) {
        existing = read_units(workspace.dataset(), geos);
        old_neighbours = read_neighbours(workspace.dataset());
    }
    Analysis analysis = analyse(geos, request.source, request.options, std::move(existing), true, diagnostics, progress);
    CheckReport& report = analysis.report;
    if (diagnostics.has_errors()) {
        return report;  // written stays false; the Workspace destructor rolls the update back
    }

    std::vector<Unit> units = std::move(analysis.kept);
    for (Unit& unit : analysis.incoming) {
        units.push_back(std::move(unit));
    }
    std::vector<Neighbour> neighbours = updated_neighbours(geos, units, old_neighbours, report, progress);
    report.neighbour_pairs = neighbours.size() - std::count_if(old_neighbours.begin(), old_neighbours.end(),
        [&](const Neighbour& n) { return report.units_by_level.count(n.level) == 0; });
    write_units(workspace, geos, units);
    write_neighbours(workspace, neighbours);
    report.units_in_workspace = units.size();

    log.parameters = run_parameters(request.options);
    add_source_input(log, request.source);
    add_report_counts(log, report);
    add_warning_notes(log, diagnostics);
    log.finished_utc = utc_now_iso();
    workspace.append_run_log(log);
    workspace.commit();
    report.written = true;
    return report;
}

} // namespace migratlas::geo
