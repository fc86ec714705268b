#include "cli/cli_context.hpp"

namespace migratlas::cli {
void add_survey_commands(CLI::App& /*app*/, CliContext& /*context*/) {}
} // namespace migratlas::cli
