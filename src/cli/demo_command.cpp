#include "cli/cli_context.hpp"

namespace migratlas::cli {
void add_demo_command(CLI::App& /*app*/, CliContext& /*context*/) {}
} // namespace migratlas::cli
