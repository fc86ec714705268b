#include "demo/calendar.hpp"

#include <cstdlib>

namespace migratlas::demo {

namespace {
void append_two(std::string& out, int value)
{
    out.push_back(static_cast<char>('0' + value / 10));
    out.push_back(static_cast<char>('0' + value % 10));
}
} // namespace

void append_date(std::string& out, std::int64_t days)
{
    const CivilDate date = civil_from_days(static_cast<std::int32_t>(days));
    append_two(out, date.year / 100);
    append_two(out, date.year % 100);
    out.push_back('-');
    append_two(out, date.month);
    out.push_back('-');
    append_two(out, date.day);
}

void append_instant(std::string& out, std::int64_t utc_seconds, int offset_minutes, OffsetStyle style)
{
    const int shown_offset = style == OffsetStyle::utc_z ? 0 : offset_minutes;
    const std::int64_t local = utc_seconds + std::int64_t{shown_offset} * 60;
    const std::int64_t days = floor_div(local, 86400);
    const auto second_of_day = static_cast<int>(local - days * 86400);
    append_date(out, days);
    out.push_back('T');
    append_two(out, second_of_day / 3600);
    out.push_back(':');
    append_two(out, second_of_day / 60 % 60);
    out.push_back(':');
    append_two(out, second_of_day % 60);
    switch (style) {
    case OffsetStyle::utc_z:
        out.push_back('Z');
        break;
    case OffsetStyle::offset: {
        out.push_back(offset_minutes < 0 ? '-' : '+');
        const int magnitude = std::abs(offset_minutes);
        append_two(out, magnitude / 60);
        out.push_back(':');
        append_two(out, magnitude % 60);
        break;
    }
    case OffsetStyle::none:
        break;
    }
}

} // namespace migratlas::demo
