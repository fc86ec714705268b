// What every sub-command shares: global flags (--quiet, --json), the run's diagnostics, where each
// setting was set, and the outcome to report. cli/main.cpp reports it, on success and on failure alike.
// Each command family registers itself through one add_*_commands function (cli/main.cpp).
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "common/setting_origins.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace migratlas::cli {

/// JSON documents keep the order in which keys were set (the order of the report's fields).
using Json = nlohmann::ordered_json;

struct CliContext {
    bool quiet = false;  ///< no progress, no summary on stderr (errors are still printed)
    bool json = false;   ///< one JSON document on stdout: outcome and structured diagnostics
    std::string command;            ///< "link", "geo import", ...: set by the command that runs
    Diagnostics diagnostics;        ///< filled by the stage; printed by cli::report
    SettingOrigins origins;         ///< flag that set each setting, for SettingError messages
    std::string summary;            ///< a few lines for a terminal, printed unless quiet
    Json outcome = Json::object();  ///< the outcome for --json

    /// A progress bar on a terminal, silent with --quiet or --json or when stderr is not a TTY.
    [[nodiscard]] Progress progress() const { return Progress::for_terminal(quiet || json); }
    /// Records that `flag` of `app` set `setting`, when the user gave that flag.
    void set_by(const CLI::App& app, const std::string& flag, const std::string& setting)
    {
        if (app.count(flag) > 0) {
            origins.set(setting, flag);
        }
    }
};

/// The flag of the command that ran which sets `setting` by the naming convention (setting
/// snap_km is flag --snap-km); empty when that command has no such flag.
[[nodiscard]] std::string flag_for(const CLI::App& app, const std::string& setting);

void add_geo_commands(CLI::App& app, CliContext& context);
void add_demo_command(CLI::App& app, CliContext& context);
void add_link_command(CLI::App& app, CliContext& context);
void add_survey_commands(CLI::App& app, CliContext& context);
void add_flows_command(CLI::App& app, CliContext& context);
void add_border_command(CLI::App& app, CliContext& context);
void add_export_command(CLI::App& app, CliContext& context);
void add_audit_command(CLI::App& app, CliContext& context);
void add_render_command(CLI::App& app, CliContext& context);
void add_products_command(CLI::App& app, CliContext& context);
void add_build_command(CLI::App& app, CliContext& context);
void add_serve_command(CLI::App& app, CliContext& context);
void add_tiles_command(CLI::App& app, CliContext& context);

} // namespace migratlas::cli
