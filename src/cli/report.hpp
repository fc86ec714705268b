// The one diagnostics reporter of every command: the same policy for what is printed on success and
// on failure. Text: the summary, then the first diagnostics (errors first) and the count of the rest
// by code, on stderr. --json: one document on stdout with the outcome and every kept diagnostic.
#pragma once

#include "cli/cli_context.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace migratlas::cli {

/// How many diagnostics the text report lists before counting the rest.
inline constexpr std::size_t listed_diagnostics = 10;

/// Structured diagnostics: {"counts": {code: n}, "rejected": {reason: n}, "entries": [{severity,
/// code, file, line, column, message}], "not_kept": n}.
[[nodiscard]] Json diagnostics_json(const Diagnostics& diagnostics);

/// Prints the report of a run that ended with `exit_code` (0 ok) and, when it failed, `error` (one
/// sentence, already prefixed "usage error: " or "error: "); returns `exit_code`.
int report(const CliContext& context, int exit_code, const std::string& error);

} // namespace migratlas::cli
