#include "join/period.hpp"

#include "common/error.hpp"
#include "common/parse.hpp"

#include <fmt/format.h>

namespace migratlas::join {

std::string format_month(MonthIndex month)
{
    return fmt::format("{:04d}-{:02d}", year_of(month), calendar_month_of(month));
}

std::string MonthRange::label() const
{
    if (first == last) {
        return format_month(first);
    }
    if (calendar_month_of(first) == 1 && last == first + 11) {
        return fmt::format("{:04d}", year_of(first));
    }
    return format_month(first) + "/" + format_month(last);
}

namespace {

std::optional<int> digits(std::string_view text)
{
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
    }
    const auto value = parse_int(text);
    return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
}

} // namespace

std::optional<MonthRange> parse_period_label(std::string_view text)
{
    if (text.size() != 4 && text.size() != 7) {
        return std::nullopt;
    }
    const auto year = digits(text.substr(0, 4));
    if (!year || *year < 1900 || *year > 2200) {
        return std::nullopt;
    }
    if (text.size() == 4) {
        return MonthRange{month_of(*year, 1), month_of(*year, 12)};
    }
    const auto month = digits(text.substr(5, 2));
    if (text[4] != '-' || !month || *month < 1 || *month > 12) {
        return std::nullopt;
    }
    return MonthRange{month_of(*year, *month), month_of(*year, *month)};
}

MonthRange parse_period_setting(std::string_view text)
{
    const auto colon = text.find(':');
    const std::string_view from = text.substr(0, colon);
    const std::string_view to = colon == std::string_view::npos ? from : text.substr(colon + 1);
    const auto first = parse_period_label(from);
    const auto last = parse_period_label(to);
    if (!first || !last) {
        throw SettingError("period", "must be FROM:TO with YYYY-MM or YYYY on each side (e.g. 2021-01:2023-08), got '" +
            std::string(text) + "'");
    }
    if (last->last < first->first) {
        throw SettingError("period", "ends before it starts: '" + std::string(text) + "'");
    }
    return MonthRange{first->first, last->last};
}

} // namespace migratlas::join
