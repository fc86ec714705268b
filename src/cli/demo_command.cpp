// `migratlas demo`: writes the synthetic demo input set (src/demo) into a folder.
// Parses arguments only; the generator lives in migratlas_demo.
#include "cli/cli_context.hpp"
#include "common/progress.hpp"
#include "demo/demo_generator.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>

namespace migratlas::cli {

namespace {
struct DemoOptions {
    std::string out_dir;
    std::uint64_t seed = 1;
    std::string scale = "small";
    std::uint64_t persons = 0;
};
} // namespace

void add_demo_command(CLI::App& app, CliContext& context)
{
    auto options = std::make_shared<DemoOptions>();
    CLI::App* command = app.add_subcommand(
        "demo", "Generate a synthetic input set (geographies, population, crossings, survey) for 3 fictional countries");
    command->add_option("--out", options->out_dir, "Output folder (created if missing; files are overwritten)")->required();
    command->add_option("--seed", options->seed, "Random seed; the same seed and scale give byte-identical files")
        ->capture_default_str();
    command->add_option("--scale", options->scale, "small (3k persons), medium (200k) or large (5M, for benchmarks)")
        ->capture_default_str()
        ->check(CLI::IsMember({"small", "medium", "large"}));
    command->add_option("--persons", options->persons, "Override the number of persons in crossings.csv");
    command->callback([command, options, &context]() {
        context.command = "demo";
        context.set_by(*command, "--scale", "scale");
        demo::DemoRequest request;
        request.out_dir = options->out_dir;
        request.seed = options->seed;
        request.scale = demo::parse_scale(options->scale);
        if (options->persons > 0) {
            request.persons = options->persons;
        }
        Progress progress = context.progress();
        const demo::DemoOutcome outcome = demo::run(request, context.diagnostics, progress);
        context.summary = fmt::format("demo: {} (seed {}, {}) in {:.1f} s: {}/{}/{} units, {} points, {} residents, "
            "{} persons and {} crossing rows, {} survey persons\n", options->out_dir, request.seed, options->scale,
            outcome.seconds, outcome.level1_units, outcome.level2_units, outcome.level3_units,
            outcome.land_points + outcome.airports, outcome.population, outcome.crossings.persons,
            outcome.crossings.rows, outcome.survey_persons);
        Json files = Json::array();
        for (const demo::DemoFile& file : outcome.files) {
            context.summary += fmt::format("  {:<20} {:>12} bytes  {:6.2f} s\n", file.name, file.bytes, file.seconds);
            files.push_back({{"name", file.name}, {"bytes", file.bytes}, {"seconds", file.seconds}});
        }
        context.outcome = {{"out", options->out_dir}, {"seed", request.seed}, {"scale", options->scale},
            {"level1_units", outcome.level1_units}, {"level2_units", outcome.level2_units},
            {"level3_units", outcome.level3_units}, {"points", outcome.land_points + outcome.airports},
            {"population", outcome.population}, {"persons", outcome.crossings.persons},
            {"crossing_rows", outcome.crossings.rows}, {"survey_persons", outcome.survey_persons},
            {"seconds", outcome.seconds}, {"files", files}};
    });
}

} // namespace migratlas::cli
