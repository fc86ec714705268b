// migratlas command-line entry point: parses arguments, runs one sub-command, maps errors to exit codes.
// Exit 0 ok, 1 data or processing failure, 2 bad usage. Exceptions are caught here and nowhere else.
#include "cli/cli_context.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "common/version.hpp"

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
    app.add_flag("--json", context.json,
        "Print the command's outcome and its diagnostics (code, position, message) as one JSON document on stdout, "
        "also when it fails");

    cli::add_geo_commands(app, context);
    cli::add_link_command(app, context);
    cli::add_survey_commands(app, context);
    cli::add_flows_command(app, context);
    cli::add_border_command(app, context);
    cli::add_demo_command(app, context);
    cli::add_export_command(app, context);
    cli::add_audit_command(app, context);
    cli::add_render_command(app, context);
    cli::add_products_command(app, context);
    cli::add_build_command(app, context);
    cli::add_serve_command(app, context);
    cli::add_tiles_command(app, context);

    try {
        app.parse(argc, argv);
        return cli::report(context, 0, {});
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return cli::report(context, 2, std::string("usage error: ") + e.what() + " (see 'migratlas --help')");
    } catch (const SettingError& e) {
        // The stage names the setting; say where the user set it, or which flag would set it.
        const std::string origin = context.origins.origin(e.setting());
        if (!origin.empty()) {
            return cli::report(context, 2, "usage error: " + origin + ": " + e.message() + " (setting " + e.setting() + ")");
        }
        const std::string flag = cli::flag_for(app, e.setting());
        return cli::report(context, 2, "usage error: " + std::string(e.what()) + (flag.empty() ? "" : " (flag " + flag + ")"));
    } catch (const UsageError& e) {
        return cli::report(context, 2, std::string("usage error: ") + e.what());
    } catch (const Error& e) {
        return cli::report(context, 1, std::string("error: ") + e.what());
    } catch (const std::exception& e) {
        return cli::report(context, 1,
            std::string("internal error: ") + e.what() + " (please report this with the command you ran)");
    }
}
