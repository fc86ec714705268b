#include "records/rule_parameters.hpp"

#include "common/error.hpp"
#include "common/parse.hpp"
#include "common/civil_date.hpp"
#include "records/crossing_time.hpp"

#include <array>
#include <fstream>

namespace migratlas::records {

namespace {

constexpr std::array<std::string_view, 5> known_keys = {
    "observation_start", "observation_end", "reference_utc_offset", "window_months", "min_days"};

std::string_view trim(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

/// The parameter values with where each came from: the file, or a front end's override.
class ParameterValues {
public:
    ParameterValues(const ParameterText& file, const ParameterText& overrides, std::string_view origin)
        : m_values(file), m_overrides(overrides), m_origin(origin)
    {
        for (const auto& [key, value] : overrides) {
            m_values[key] = value;
        }
    }

    const std::string& require(const std::string& key) const
    {
        const auto it = m_values.find(key);
        if (it == m_values.end() || it->second.empty()) {
            fail(key, "is missing");
        }
        return it->second;
    }

    /// A bad value set by a front end is a SettingError (the front end says where it was set); a
    /// bad value of the file names the file.
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const
    {
        if (m_overrides.count(key) > 0) {
            throw SettingError(key, problem);
        }
        throw UsageError(std::string(m_origin) + ": parameter '" + key + "' " + problem);
    }

    int whole_number_at_least_one(const std::string& key) const
    {
        const std::string& value = require(key);
        const auto number = parse_int(value);
        if (!number || *number < 1 || *number > 100000) {
            fail(key, "must be a whole number >= 1, got '" + value + "'");
        }
        return static_cast<int>(*number);
    }

    [[nodiscard]] bool overridden(const std::string& key) const { return m_overrides.count(key) > 0; }

private:
    ParameterText m_values;
    const ParameterText& m_overrides;
    std::string_view m_origin;
};

std::string format_offset(std::int32_t seconds)
{
    const char sign = seconds < 0 ? '-' : '+';
    const std::int32_t magnitude = (seconds < 0 ? -seconds : seconds) / 60;
    const int hours = magnitude / 60;
    const int minutes = magnitude % 60;
    std::string text(1, sign);
    text += static_cast<char>('0' + hours / 10);
    text += static_cast<char>('0' + hours % 10);
    text += ':';
    text += static_cast<char>('0' + minutes / 10);
    text += static_cast<char>('0' + minutes % 10);
    return text;
}

} // namespace

std::vector<std::pair<std::string, std::string>> RuleParameters::as_text() const
{
    return {{"observation_start", format_iso_date(observation_start)},
        {"observation_end", format_iso_date(observation_end)},
        {"reference_utc_offset", format_offset(reference_offset_seconds)},
        {"window_months", std::to_string(window_months)}, {"min_days", std::to_string(min_days)}};
}

ParameterText read_parameter_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::error_code ec;
    if (!in || std::filesystem::is_directory(path, ec)) {
        throw InputError(path.string() + ": cannot read the parameters file");
    }
    ParameterText text;
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        std::string_view view = line;
        if (const auto hash = view.find('#'); hash != std::string_view::npos) {
            view = view.substr(0, hash);
        }
        view = trim(view);
        if (view.empty()) {
            continue;
        }
        const auto eq = view.find('=');
        const std::string where = path.filename().string() + ":" + std::to_string(line_no);
        if (eq == std::string_view::npos) {
            throw UsageError(where + ": expected key=value, got '" + std::string(view) + "'");
        }
        const std::string key(trim(view.substr(0, eq)));
        bool known = false;
        for (const auto k : known_keys) {
            known = known || k == key;
        }
        if (!known) {
            throw UsageError(where + ": unknown parameter '" + key +
                "' (expected observation_start, observation_end, reference_utc_offset, window_months, min_days)");
        }
        text[key] = std::string(trim(view.substr(eq + 1)));
    }
    return text;
}

RuleParameters parse_rule_parameters(const ParameterText& file_values, const ParameterText& overrides,
    std::string_view origin)
{
    const ParameterValues values(file_values, overrides, origin);
    RuleParameters params;
    for (const char* key : {"observation_start", "observation_end"}) {
        const std::string& value = values.require(key);
        const auto day = parse_iso_date(value);
        if (!day) {
            values.fail(key, "must be a date YYYY-MM-DD, got '" + value + "'");
        }
        (std::string_view(key) == "observation_start" ? params.observation_start : params.observation_end) = *day;
    }
    if (params.observation_start > params.observation_end) {
        values.fail(values.overridden("observation_end") ? "observation_end" : "observation_start",
            "observation_start (" + format_iso_date(params.observation_start) + ") is after observation_end (" +
                format_iso_date(params.observation_end) + ")");
    }
    const std::string& offset_text = values.require("reference_utc_offset");
    const auto offset = parse_utc_offset(offset_text);
    if (!offset) {
        values.fail("reference_utc_offset", "must be +hh:mm, -hh:mm or Z (at most 14:00), got '" + offset_text + "'");
    }
    params.reference_offset_seconds = *offset;
    params.window_months = values.whole_number_at_least_one("window_months");
    params.min_days = values.whole_number_at_least_one("min_days");
    return params;
}

} // namespace migratlas::records
