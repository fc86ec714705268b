// `migratlas demo`: writes the synthetic demo input set (src/demo) into a folder.
// Parses arguments only; the generator lives in migratlas_demo.
#include "cli/cli_context.hpp"
#include "common/progress.hpp"
#include "demo/demo_generator.hpp"

#include <fmt/format.h>

#include <cstdio>
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
    command->callback([options, &context]() {
        demo::DemoConfig config;
        config.out_dir = options->out_dir;
        config.seed = options->seed;
        config.scale = demo::parse_scale(options->scale);
        if (options->persons > 0) {
            config.persons = options->persons;
        }
        Progress progress = Progress::for_terminal(context.quiet);
        const demo::DemoSummary summary = demo::generate_demo(config, progress);
        if (!context.quiet) {
            std::fprintf(stderr,
                         "demo: %s (seed %llu, %s) in %.1f s: %zu/%zu/%zu units, %zu points, %lld residents, "
                         "%llu persons and %llu crossing rows, %zu survey persons\n",
                         options->out_dir.c_str(), static_cast<unsigned long long>(config.seed), options->scale.c_str(),
                         summary.seconds, summary.level1_units, summary.level2_units, summary.level3_units,
                         summary.land_points + summary.airports, static_cast<long long>(summary.population),
                         static_cast<unsigned long long>(summary.crossings.persons),
                         static_cast<unsigned long long>(summary.crossings.rows), summary.survey_persons);
            for (const demo::DemoFile& file : summary.files) {
                std::fprintf(stderr, "  %-20s %12ju bytes  %6.2f s\n", file.name.c_str(), file.bytes, file.seconds);
            }
        }
    });
}

} // namespace migratlas::cli
