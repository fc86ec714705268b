// Options shared by every sub-command (set by CLI11 before any callback runs).
// Each command family registers itself through one add_*_commands function (cli/main.cpp).
#pragma once

#include <CLI/CLI.hpp>

namespace migratlas::cli {

struct CliContext {
    bool quiet = false;  ///< no progress, no summary chatter on stderr
};

void add_geo_commands(CLI::App& app, CliContext& context);
void add_demo_command(CLI::App& app, CliContext& context);
void add_link_command(CLI::App& app, CliContext& context);
void add_survey_commands(CLI::App& app, CliContext& context);
void add_tiles_command(CLI::App& app, CliContext& context);

} // namespace migratlas::cli
