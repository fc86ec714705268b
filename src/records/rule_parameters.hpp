// Parameters of the 12/16 classification rule (RULES.md §1): read from a key=value file, optionally
// overridden by command-line values, validated before any crossing row is read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace migratlas::records {

struct RuleParameters {
    std::int32_t observation_start = 0;     ///< day number, inclusive
    std::int32_t observation_end = 0;       ///< day number, inclusive (the "reference date")
    std::int32_t reference_offset_seconds = 0;
    int window_months = 0;
    int min_days = 0;

    /// The parameters as written in params.txt, for the run log and summaries.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> as_text() const;
};

/// Raw key=value text: the file's values, then overrides (e.g. from flags) on top.
using ParameterText = std::map<std::string, std::string>;

/// Reads `key=value` lines (`#` starts a comment, blanks around keys and values are ignored).
/// Throws InputError when the file cannot be read, UsageError on a malformed line or unknown key.
[[nodiscard]] ParameterText read_parameter_file(const std::filesystem::path& path);

/// Converts and checks every value of `file_values` (read from `origin`) with `overrides` on top.
/// A missing or bad value throws UsageError naming the file and the key, or, when the value is an
/// override, SettingError naming the setting (the front end says where it was set): dates must be
/// YYYY-MM-DD with observation_start ≤ observation_end, the offset ±hh:mm or Z, window_months and
/// min_days whole numbers ≥ 1 (RULES.md, Clarifications).
[[nodiscard]] RuleParameters parse_rule_parameters(const ParameterText& file_values, const ParameterText& overrides,
    std::string_view origin);

} // namespace migratlas::records
