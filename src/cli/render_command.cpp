// `migratlas render`: atlas pages from an atlas file. Flags map to render::Request; the work is
// render::run (src/render/render_run.hpp).
#include "cli/cli_context.hpp"
#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "render/render_run.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace migratlas::cli {

namespace {

struct RenderArgs {
    render::Request request;
    std::string formats = "png,pdf";
    std::string demo_dir;
    std::vector<std::string> sets;
    int dpi = 0;
};

void apply_formats(RenderArgs& args)
{
    args.request.png = false;
    args.request.pdf = false;
    std::size_t at = 0;
    while (at <= args.formats.size()) {
        const auto comma = std::min(args.formats.find(',', at), args.formats.size());
        const std::string format = args.formats.substr(at, comma - at);
        if (format == "png") {
            args.request.png = true;
        } else if (format == "pdf") {
            args.request.pdf = true;
        } else {
            throw UsageError("--format '" + args.formats + "': each format is png or pdf");
        }
        at = comma + 1;
    }
}

void apply_variables(RenderArgs& args)
{
    if (!args.demo_dir.empty()) {
        args.request.variables["demo"] = args.demo_dir;
    }
    for (const auto& set : args.sets) {
        const auto equals = set.find('=');
        if (equals == std::string::npos || equals == 0) {
            throw UsageError("--set '" + set + "' must be NAME=VALUE");
        }
        args.request.variables[set.substr(0, equals)] = set.substr(equals + 1);
    }
}

void print_outcome(const render::Outcome& outcome, const render::Request& request)
{
    std::fprintf(stderr, "render: %zu of %zu pages in %.2f s (inputs and classes %.2f s, PNG %.2f s on %d threads, PDF %.2f s) -> %s\n",
        outcome.pages.size(), outcome.pages_in_atlas, outcome.total_seconds, outcome.load_seconds, outcome.png_seconds,
        outcome.threads, outcome.pdf_seconds, request.out.c_str());
    for (const auto& page : outcome.pages) {
        std::fprintf(stderr, "  %3d  %-32s %6.2f s  %s\n", page.number, page.name.c_str(), page.seconds, page.title.c_str());
    }
}

} // namespace

void add_render_command(CLI::App& app, CliContext& context)
{
    auto args = std::make_shared<RenderArgs>();
    auto* command = app.add_subcommand("render", "Atlas pages (PNG per page, one multi-page PDF, index.html, classes.json) "
                                                 "from an atlas file, with Mapnik");
    command->add_option("--atlas", args->request.atlas, "Atlas file (YAML; docs/atlas-file.md)")->required();
    command->add_option("--workspace", args->request.workspace, "Workspace whose published products the atlas draws");
    command->add_option("--out", args->request.out, "Output folder")->required();
    command->add_option("--format", args->formats, "png, pdf or png,pdf")->capture_default_str();
    command->add_option("--pages", args->request.pages, "Only pages whose name matches (comma-separated, * and ? wildcards)");
    command->add_option("--demo-dir", args->demo_dir, "Folder of the demo region (`migratlas demo --out DIR`), for {demo} in paths");
    command->add_option("--set", args->sets, "NAME=VALUE for {NAME} in the atlas file's paths (repeatable)");
    command->add_option("--dpi", args->dpi, "Resolution of the PNG pages (overrides the atlas file)");
    command->add_option("--threads", args->request.threads, "Pages rendered at once (0 = every core)")->capture_default_str();
    command->add_flag("--keep-xml", args->request.keep_xml,
        "Keep every page's Mapnik XML and data in OUT/xml/ (Mapnik alone can render them)");
    command->callback([args, &context] {
        apply_formats(*args);
        apply_variables(*args);
        if (args->dpi != 0) {
            args->request.dpi = args->dpi;
        }
        Diagnostics diagnostics;
        Progress progress = Progress::for_terminal(context.quiet);
        render::Outcome outcome;
        try {
            outcome = render::run(args->request, diagnostics, progress);
        } catch (const SettingError& e) {
            for (const auto& entry : diagnostics.entries()) {
                std::fprintf(stderr, "%s\n", entry.to_string().c_str());
            }
            const std::map<std::string, std::string> flags{{"out", "--out"}, {"dpi", "--dpi"}, {"pages", "--pages"},
                {"formats", "--format"}, {"threads", "--threads"}, {"workspace", "--workspace"}};
            const auto flag = flags.find(e.setting());
            throw UsageError(e.setting() + ": " + e.message() + (flag == flags.end() ? "" : " (set by " + flag->second + ")"));
        }
        for (const auto& entry : diagnostics.entries()) {
            if (entry.severity != Severity::info || !context.quiet) {
                std::fprintf(stderr, "%s\n", entry.to_string().c_str());
            }
        }
        if (!context.quiet) {
            print_outcome(outcome, args->request);
        }
    });
}

} // namespace migratlas::cli
