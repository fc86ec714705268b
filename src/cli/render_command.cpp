// `migratlas render`: atlas pages from an atlas file. Flags map to render::Request; the work is
// render::run (src/render/render_run.hpp).
#include "cli/cli_context.hpp"
#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "render/render_run.hpp"

#include <fmt/format.h>

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

std::string summary(const render::Outcome& outcome, const render::Request& request)
{
    std::string text = fmt::format("render: {} of {} pages in {:.2f} s (inputs and classes {:.2f} s, pages {:.2f} s on {} threads, "
        "of which PDF {:.2f} s) -> {}\n", outcome.pages.size(), outcome.pages_in_atlas, outcome.total_seconds, outcome.load_seconds,
        outcome.png_seconds, outcome.threads, outcome.pdf_seconds, request.out.string());
    for (const auto& page : outcome.pages) {
        text += fmt::format("  {:3}  {:<32} {:6.2f} s  {}\n", page.number, page.name, page.seconds, page.title);
    }
    return text;
}

Json outcome_json(const render::Outcome& outcome)
{
    Json pages = Json::array();
    for (const auto& page : outcome.pages) {
        pages.push_back(Json{{"number", page.number}, {"name", page.name}, {"title", page.title}, {"seconds", page.seconds}});
    }
    return Json{{"pages", pages}, {"pages_in_atlas", outcome.pages_in_atlas}, {"pdf", outcome.pdf.string()},
        {"seconds", outcome.total_seconds}, {"threads", outcome.threads}};
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
    command->add_flag("--no-disclosure-cache{false}", args->request.disclosure_cache,
        "Protect every family anew: neither read nor write the disclosure gate's pattern cache (<workspace>.disclosure-cache/)");
    command->callback([args, command, &context] {
        apply_formats(*args);
        apply_variables(*args);
        if (args->dpi != 0) {
            args->request.dpi = args->dpi;
        }
        context.command = "render";
        for (const auto& [setting, flag] : {std::pair{"out", "--out"}, {"dpi", "--dpi"}, {"pages", "--pages"},
                 {"formats", "--format"}, {"threads", "--threads"}, {"workspace", "--workspace"}}) {
            context.set_by(*command, flag, setting);
        }
        Progress progress = context.progress();
        const render::Outcome outcome = render::run(args->request, context.diagnostics, progress);
        context.summary = summary(outcome, args->request);
        context.outcome = outcome_json(outcome);
    });
}

} // namespace migratlas::cli
