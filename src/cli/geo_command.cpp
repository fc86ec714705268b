// `migratlas geo check|import`: maps command-line flags to a geo::GeoRequest and reports the outcome.
// The work itself is in src/geo (geography_import.hpp); this file only parses and prints.
#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "geo/geography_import.hpp"

#include <memory>
#include <optional>
#include <string>

namespace migratlas::cli {

namespace {

struct GeoArgs {
    std::string source;
    geo::FieldMapping mapping;
    int level = 0;
    int parent_code_length = 0;
    std::string name_conflict = "error";
    double tolerance_km2 = 1.0;
    std::string workspace;
    bool strict = false;
};

void add_mapping_options(CLI::App& command, GeoArgs& args)
{
    command.add_option("SOURCE", args.source,
        "OGR vector source: GeoPackage, Shapefile, GeoJSON, TopoJSON file, or a PG: connection string")->required();
    command.add_option("--layer", args.mapping.layer, "Layer to read (required when the source has several)");
    command.add_option("--where", args.mapping.where, "OGR attribute filter, e.g. \"id IN ('COL','PER')\"");
    command.add_option("--code-field", args.mapping.code_field, "Field holding each unit's code")->required();
    command.add_option("--name-field", args.mapping.name_field, "Field holding each unit's name")->required();
    command.add_option("--parent-field", args.mapping.parent_field, "Field holding the parent unit's code");
    command.add_option("--level", args.level, "MEGA level of every feature (1 country, 2, 3)");
    command.add_option("--level-field", args.mapping.level_field, "Field holding each feature's MEGA level");
    command.add_option("--parent-code", args.mapping.parent_code, "Parent code of every feature (a full MEGA code)");
    command.add_option("--code-prefix", args.mapping.code_prefix,
        "Prepended to every code and parent code read from the source, e.g. PER- (codes must be unique workspace-wide)");
    command.add_option("--parent-code-length", args.parent_code_length,
        "Parent code = prefix + first N characters of the raw code (Peru ubigeo 0101 -> PER-01 with N=2)");
    command.add_option("--assume-srs", args.mapping.assume_srs, "CRS of a source that declares none, e.g. EPSG:32718");
    command.add_option("--name-conflict", args.name_conflict,
        "Same code, different names: 'error' (default) or 'keep-largest' (merge, keep the largest part's name)")
        ->check(CLI::IsMember({"error", "keep-largest"}));
    command.add_option("--tolerance-km2", args.tolerance_km2,
        "Overlaps and gaps up to this area (km2, per piece) are not reported (default 1)")->check(CLI::NonNegativeNumber);
    command.add_flag("--strict", args.strict, "Stop at the first rejected feature");
}

geo::GeoRequest to_request(const CLI::App& command, const GeoArgs& args, CliContext& context)
{
    geo::GeoRequest request;
    request.source = args.source;
    request.workspace = args.workspace;
    geo::GeographyOptions& options = request.options;
    options.mapping = args.mapping;
    if (command.count("--level") > 0) {
        options.mapping.level = args.level;
    }
    if (command.count("--parent-code-length") > 0) {
        options.mapping.parent_code_length = args.parent_code_length;
    }
    options.name_conflict = args.name_conflict == "keep-largest" ? geo::NameConflict::keep_largest : geo::NameConflict::error;
    options.tolerance_km2 = args.tolerance_km2;
    for (const auto& [setting, flag] : {std::pair{"code_field", "--code-field"}, {"name_field", "--name-field"},
             {"parent_field", "--parent-field"}, {"level", "--level"}, {"level_field", "--level-field"},
             {"parent_code", "--parent-code"}, {"code_prefix", "--code-prefix"},
             {"parent_code_length", "--parent-code-length"}, {"assume_srs", "--assume-srs"}, {"where", "--where"},
             {"layer", "--layer"}, {"tolerance_km2", "--tolerance-km2"}, {"workspace", "--workspace"}}) {
        context.set_by(command, flag, setting);
    }
    context.diagnostics.set_strict(args.strict);
    return request;
}

} // namespace

void add_geo_commands(CLI::App& app, CliContext& context)
{
    CLI::App* geo = app.add_subcommand("geo", "MEGA geographies: check a boundary source or import it into the workspace");
    geo->require_subcommand(1);

    auto check_args = std::make_shared<GeoArgs>();
    CLI::App* check = geo->add_subcommand("check", "Validate a boundary source (codes, names, geometry, CRS, hierarchy)");
    add_mapping_options(*check, *check_args);
    check->add_option("--workspace", check_args->workspace, "Also check parents against the units of this workspace");
    check->callback([check, check_args, &context] {
        context.command = "geo check";
        const geo::GeoRequest request = to_request(*check, *check_args, context);
        Progress progress = context.progress();
        const geo::CheckReport report = geo::run_check(request, context.diagnostics, progress);
        const bool usable = !context.diagnostics.has_errors();
        context.summary = report.summary() + (usable ? "  usable" : "  NOT usable");
        context.outcome = Json::parse(report.to_json());
        context.outcome["usable"] = usable;
        if (!usable) {
            throw DataError(report.source + ": " + std::to_string(context.diagnostics.count(Severity::error)) +
                " error(s) listed; the source is not usable");
        }
    });

    auto import_args = std::make_shared<GeoArgs>();
    CLI::App* import = geo->add_subcommand("import",
        "Check a boundary source and add its units to the workspace 'units' layer (same codes are replaced)");
    add_mapping_options(*import, *import_args);
    import->add_option("--workspace", import_args->workspace, "Workspace GeoPackage (created when absent)")->required();
    import->callback([import, import_args, &context] {
        context.command = "geo import";
        const geo::GeoRequest request = to_request(*import, *import_args, context);
        Progress progress = context.progress();
        const geo::CheckReport report = geo::run_import(request, context.diagnostics, progress);
        context.summary = report.summary() +
            (report.written ? "  imported into " + import_args->workspace : std::string("  NOT imported"));
        context.outcome = Json::parse(report.to_json());
        if (!report.written) {
            throw DataError(report.source + ": " + std::to_string(context.diagnostics.count(Severity::error)) +
                " error(s) listed; nothing was written to the workspace");
        }
    });
}

} // namespace migratlas::cli
