// Strict parser for crossing instants `YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)` (RULES.md §2.3)
// and for fixed UTC offsets; hand-written so that no locale or time-zone database is involved.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace migratlas::records {

/// Seconds since 1970-01-01T00:00:00Z of a crossing_time, fraction truncated; nullopt when the text
/// breaks the format (missing offset, space instead of T, missing seconds, impossible date, hour > 23,
/// minute or second > 59, offset minutes > 59, offset beyond ±14:00).
[[nodiscard]] std::optional<std::int64_t> parse_crossing_time(std::string_view text);

/// `Z`, `+hh:mm` or `-hh:mm` (|offset| ≤ 14:00) as signed seconds east of UTC; nullopt otherwise.
[[nodiscard]] std::optional<std::int32_t> parse_utc_offset(std::string_view text);

/// Reference date (day number) of an instant at a fixed offset: floor((utc + offset) / 86400).
[[nodiscard]] std::int32_t reference_date(std::int64_t utc_seconds, std::int32_t offset_seconds);

/// Length of an event_time text: `YYYY-MM-DDThh:mm:ss±hh:mm`.
inline constexpr std::size_t event_time_length = 25;

/// Writes the event_time of RULES.md §7 into `out` (event_time_length characters, no terminator): the
/// instant at the reference offset, without a fraction, offset 0 as `+00:00` (never `Z`); so
/// 2025-01-01T04:30:00Z at -05:00 is `2024-12-31T23:30:00-05:00`. Years 0000-9999.
void format_event_time(std::int64_t utc_seconds, std::int32_t offset_seconds, char* out);

} // namespace migratlas::records
