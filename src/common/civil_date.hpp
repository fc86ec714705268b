// Calendar arithmetic on integer day numbers (days since 1970-01-01, proleptic Gregorian).
// Shared by the records stage (reference dates, the 16-month window, age at crossing) and the demo generator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace migratlas {

struct CivilDate {
    int year = 1970;
    int month = 1;  ///< 1..12
    int day = 1;    ///< 1..31
};

[[nodiscard]] bool is_leap_year(int year);
[[nodiscard]] int days_in_month(int year, int month);

/// Day number of a valid civil date (H. Hinnant's days_from_civil; no range limits in practice).
[[nodiscard]] std::int32_t days_from_civil(const CivilDate& date);
[[nodiscard]] CivilDate civil_from_days(std::int32_t day_number);

/// `day_number` plus `months` calendar months, keeping the day of the month and clamping it to the
/// target month's last day (RULES.md §5: 2021-10-31 + 16 months = 2023-02-28, never March).
[[nodiscard]] std::int32_t add_months_clamped(std::int32_t day_number, int months);

/// Strict `YYYY-MM-DD` (exactly 10 characters, real calendar date); nullopt otherwise.
[[nodiscard]] std::optional<std::int32_t> parse_iso_date(std::string_view text);

/// `YYYY-MM-DD` of a day number.
[[nodiscard]] std::string format_iso_date(std::int32_t day_number);

/// Floor division, for instants before 1970 (reference dates must not round toward zero).
[[nodiscard]] constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b)
{
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

} // namespace migratlas
