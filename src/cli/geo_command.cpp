#include "cli/cli_context.hpp"

namespace migratlas::cli {
void add_geo_commands(CLI::App& /*app*/, CliContext& /*context*/) {}
} // namespace migratlas::cli
