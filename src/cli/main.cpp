// migratlas command-line entry point: parses arguments, runs one sub-command, maps errors to exit codes.
// Exit 0 ok, 1 data or processing failure, 2 bad usage. Exceptions are caught here and nowhere else.
#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "common/version.hpp"

#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv)
{
    using namespace migratlas;
    CLI::App app{"migratlas: MEGA geographies, linked border-crossing records (12/16 rule) and calibrated "
                 "household-survey estimates, gathered in one GeoPackage workspace. Exit codes: 0 ok, 1 data or "
                 "processing failure, 2 bad usage."};
    app.name("migratlas");
    app.set_version_flag("--version", std::string("migratlas ") + version_string);
    app.require_subcommand(1);
    app.fallthrough();

    cli::CliContext context;
    app.add_flag("-q,--quiet", context.quiet, "No progress bars or summaries on stderr (errors are still printed)");

    cli::add_geo_commands(app, context);
    cli::add_link_command(app, context);
    cli::add_survey_commands(app, context);
    cli::add_demo_command(app, context);
    cli::add_tiles_command(app, context);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "migratlas: usage error: %s (see 'migratlas --help')\n", e.what());
        return 2;
    } catch (const UsageError& e) {
        std::fprintf(stderr, "migratlas: usage error: %s\n", e.what());
        return 2;
    } catch (const Error& e) {
        std::fprintf(stderr, "migratlas: error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "migratlas: internal error: %s (please report this with the command you ran)\n", e.what());
        return 1;
    }
    return 0;
}
