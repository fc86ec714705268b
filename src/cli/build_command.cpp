// `migratlas build ATLAS.yaml`: the whole chain an atlas file declares, into one folder. Maps the
// flags to pipeline::Request, calls pipeline::run, prints a line per step and the run summary.
#include "cli/cli_context.hpp"
#include "pipeline/build_run.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

namespace migratlas::cli {

namespace {

struct BuildArgs {
    pipeline::Request request;
    std::string out;
    int dpi = 0;
};

std::string step_line(const pipeline::StepReport& step, std::size_t index, std::size_t count)
{
    return fmt::format("== {}/{} {:<11} {:7.2f} s  {}\n", index + 1, count, step.step, step.seconds, step.detail);
}

Json outcome_json(const pipeline::Outcome& outcome)
{
    Json steps = Json::array();
    for (const auto& step : outcome.steps) {
        steps.push_back(Json{{"step", step.step}, {"rows_in", step.rows_in}, {"accepted", step.accepted},
            {"rejected", step.rejected}, {"duplicates", step.duplicates}, {"seconds", step.seconds}, {"detail", step.detail}});
    }
    return Json{{"steps", steps}, {"summary", outcome.summary.string()}, {"seconds", outcome.seconds}};
}

std::string summary(const pipeline::Outcome& outcome, const std::filesystem::path& out)
{
    std::string text = fmt::format("build: {} steps in {:.1f} s -> {}\n", outcome.steps.size(), outcome.seconds, out.string());
    text += fmt::format("  {:<11} {:>10} {:>10} {:>9} {:>10} {:>8}\n", "step", "rows in", "accepted", "rejected",
        "duplicates", "seconds");
    for (const auto& step : outcome.steps) {
        text += fmt::format("  {:<11} {:>10} {:>10} {:>9} {:>10} {:>8.2f}\n", step.step, step.rows_in, step.accepted,
            step.rejected, step.duplicates, step.seconds);
    }
    text += "  summary: " + outcome.summary.string() + "\n";
    return text;
}

void run(BuildArgs& args, CliContext& context)
{
    context.command = "build";
    if (args.out.empty()) {
        args.out = args.request.atlas.stem().string() + "-build";
    }
    args.request.out = args.out;
    if (args.dpi != 0) {
        args.request.dpi = args.dpi;
    }
    Progress progress = context.progress();
    const bool print_steps = !context.quiet && !context.json;
    const pipeline::Outcome outcome = pipeline::run(args.request, context.diagnostics, progress,
        [print_steps](const pipeline::StepReport& step, std::size_t index, std::size_t count) {
            if (print_steps) {
                std::fputs(step_line(step, index, count).c_str(), stderr);
            }
        });
    context.summary = summary(outcome, args.request.out);
    context.outcome = outcome_json(outcome);
}

} // namespace

void add_build_command(CLI::App& app, CliContext& context)
{
    auto args = std::make_shared<BuildArgs>();
    CLI::App* command = app.add_subcommand("build",
        "Run the whole chain an atlas file declares (demo region, geographies, linkage, calibration, ..., pages) "
        "into one folder with a run summary (docs/atlas-file.md, `build:`)");
    command->add_option("ATLAS", args->request.atlas, "Atlas file (YAML)")->required();
    command->add_option("--out", args->out, "Output folder (new, empty, or a previous build, which is replaced; "
        "default ATLAS-NAME-build)");
    command->add_option("--dpi", args->dpi, "Resolution of the PNG pages (overrides the atlas file)");
    command->add_option("--demo-scale", args->request.demo_scale, "Scale of the demo region (small, medium, large; "
        "overrides the atlas file's demo:)");
    command->add_option("--demo-seed", args->request.demo_seed, "Seed of the demo region (overrides the atlas file's demo:)");
    command->add_option("--threads", args->request.threads, "Threads for the stages that use several (0 = every core)")
        ->capture_default_str();
    command->add_flag("--no-disclosure-cache{false}", args->request.disclosure_cache,
        "Protect every family anew: neither read nor write the disclosure gate's pattern cache (<workspace>.disclosure-cache/)");
    command->callback([args, &context] { run(*args, context); });
}

} // namespace migratlas::cli
