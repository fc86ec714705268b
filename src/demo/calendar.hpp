// ISO 8601 formatting of instants for the synthetic crossing records (date arithmetic: common/civil_date).
// Instants are UTC seconds since 1970; dates are days since 1970 (proleptic Gregorian).
#pragma once

#include "common/civil_date.hpp"

#include <cstdint>
#include <string>

namespace migratlas::demo {

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
