// `migratlas audit PATH...`: attacks published files as an outsider would (disclose::run_audit) and
// fails (exit 1) listing every narrowed cell, every published count below the threshold and every
// raw identifier or key found, in exports and in tiles.
#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "disclose/audit.hpp"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <string>

namespace migratlas::cli {

namespace {

struct AuditArguments {
    disclose::AuditRequest request;
    std::int64_t threshold = 0;
};

std::string summary(const disclose::AuditOutcome& outcome)
{
    std::string text = fmt::format("audit: {} files, {} tables, {} families, {} tilesets ({} tiles decoded); {} "
        "published and {} hidden counts; {} LP solves; {:.2f} s\n", outcome.files, outcome.tables, outcome.families,
        outcome.tilesets, outcome.tiles, outcome.published_counts, outcome.hidden_counts, outcome.lp_solves,
        outcome.seconds);
    for (const std::string& note : outcome.notes) {
        text += "  note: " + note + "\n";
    }
    text += outcome.passed() ? "  passed: no count below the threshold, no hidden count narrowed below its protection "
                               "level, no raw identifier or key\n"
                             : fmt::format("  FAILED: {} findings\n", outcome.findings_total);
    return text;
}

Json outcome_json(const disclose::AuditOutcome& outcome)
{
    Json findings = Json::array();
    for (const disclose::AuditFinding& finding : outcome.findings) {
        findings.push_back(Json{{"kind", finding.kind}, {"where", finding.where}, {"message", finding.message}});
    }
    return Json{{"passed", outcome.passed()}, {"files", outcome.files}, {"tables", outcome.tables},
        {"families", outcome.families}, {"tilesets", outcome.tilesets}, {"tiles", outcome.tiles},
        {"published_counts", outcome.published_counts},
        {"hidden_counts", outcome.hidden_counts}, {"lp_solves", outcome.lp_solves}, {"seconds", outcome.seconds},
        {"findings_total", outcome.findings_total}, {"findings", findings}};
}

} // namespace

void add_audit_command(CLI::App& app, CliContext& context)
{
    auto args = std::make_shared<AuditArguments>();
    CLI::App* command = app.add_subcommand("audit",
        "Attack published files (export folders, files in them, MBTiles/PMTiles tilesets or folders of them, PG: "
        "connections) with their metadata (datapackage.json, the tilesets' migratlas.layers): "
        "LP bounds of every hidden count, published counts below the threshold, raw identifiers and the key in any "
        "byte. Exit 1 when anything is found");
    command->add_option("PATH", args->request.paths, "Export folders, files, tilesets (.mbtiles, .pmtiles) or folders "
        "holding them, or PG: connection strings")->required();
    command->add_option("--key-file", args->request.key_file, "The pseudonymisation key: fail if it (raw, hex or "
        "base64) appears in any byte");
    command->add_option("--raw-ids", args->request.raw_ids, "Raw identifiers (one per line, or a CSV with a "
        "person_id column such as the crossings input): fail if any appears");
    command->add_option("--threshold", args->threshold, "Threshold (and protection level) to check against instead "
        "of the one the metadata states");
    command->add_flag("--exact", args->request.exact, "Solve both bounds of every hidden count (slower)");
    command->callback([command, args, &context] {
        context.command = "audit";
        context.set_by(*command, "--threshold", "threshold");
        context.set_by(*command, "PATH", "paths");
        if (command->count("--threshold") > 0) {
            args->request.threshold = args->threshold;
        }
        Progress progress = context.progress();
        const disclose::AuditOutcome outcome = disclose::run_audit(args->request, context.diagnostics, progress);
        context.summary = summary(outcome);
        context.outcome = outcome_json(outcome);
        if (!outcome.passed()) {
            throw DataError(fmt::format("audit failed: {} findings (listed above)", outcome.findings_total));
        }
    });
}

} // namespace migratlas::cli
