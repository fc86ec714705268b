// Civil-date arithmetic and ISO 8601 formatting for the synthetic crossing records.
// Instants are UTC seconds since 1970; dates are days since 1970 (proleptic Gregorian).
#pragma once

#include <cstdint>
#include <string>

namespace migratlas::demo {

struct CivilDate {
    int year = 1970;
    int month = 1;
    int day = 1;
};

/// Days since 1970-01-01 (H. Hinnant's days_from_civil, valid for any Gregorian date).
constexpr std::int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<std::int64_t>(y - era * 400);
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

constexpr CivilDate civil_from_days(std::int64_t z)
{
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const auto month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const auto year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
    return {year, month, day};
}

/// 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
constexpr int weekday(std::int64_t days)
{
    const std::int64_t w = (days + 3) % 7;
    return static_cast<int>(w < 0 ? w + 7 : w);
}

/// Appends YYYY-MM-DD.
void append_date(std::string& out, std::int64_t days);

/// How an instant is written: at a fixed offset (minutes east of UTC), as UTC with `Z`, or
/// (an invalid row) without any offset.
enum class OffsetStyle { offset, utc_z, none };

/// Appends `YYYY-MM-DDThh:mm:ss` + offset for the instant `utc_seconds`, shown at `offset_minutes`.
void append_instant(std::string& out, std::int64_t utc_seconds, int offset_minutes, OffsetStyle style);

} // namespace migratlas::demo
