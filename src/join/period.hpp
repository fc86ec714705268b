// Reference periods of flows and border indicators: month ranges such as 2021-01:2023-08 (the
// --period setting) and the period labels of data rows (YYYY or YYYY-MM). Shared by flows and border.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace migratlas::join {

/// A month as year * 12 + (month - 1): consecutive months differ by 1.
using MonthIndex = std::int32_t;

[[nodiscard]] constexpr MonthIndex month_of(int year, int month) { return year * 12 + month - 1; }
[[nodiscard]] constexpr int year_of(MonthIndex m) { return m / 12; }
[[nodiscard]] constexpr int calendar_month_of(MonthIndex m) { return m % 12 + 1; }
/// "YYYY-MM".
[[nodiscard]] std::string format_month(MonthIndex month);

/// An inclusive range of months.
struct MonthRange {
    MonthIndex first = 0;
    MonthIndex last = 0;

    [[nodiscard]] bool contains(MonthIndex m) const { return m >= first && m <= last; }
    [[nodiscard]] bool contains(const MonthRange& other) const { return other.first >= first && other.last <= last; }
    [[nodiscard]] int months() const { return last - first + 1; }
    /// "YYYY" for one calendar year, "YYYY-MM" for one month, else the ISO 8601 interval "YYYY-MM/YYYY-MM".
    [[nodiscard]] std::string label() const;
    bool operator==(const MonthRange&) const = default;
};

/// A period label of a data row: "YYYY" (the 12 months of that year) or "YYYY-MM" (one month).
/// nullopt for anything else (a year outside 1900..2200 included).
[[nodiscard]] std::optional<MonthRange> parse_period_label(std::string_view text);

/// The --period setting: "FROM:TO" where each side is YYYY or YYYY-MM ("2021-01:2023-08",
/// "2020:2023" = 2020-01:2023-12), or one label ("2023"). Throws SettingError("period", ...) when
/// malformed or reversed.
[[nodiscard]] MonthRange parse_period_setting(std::string_view text);

} // namespace migratlas::join
