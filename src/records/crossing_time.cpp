#include "records/crossing_time.hpp"

#include "common/civil_date.hpp"

namespace migratlas::records {

namespace {

bool digits(std::string_view text, std::size_t at, std::size_t count, int& value)
{
    value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    return true;
}

} // namespace

std::optional<std::int32_t> parse_utc_offset(std::string_view text)
{
    if (text == "Z") {
        return 0;
    }
    if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') {
        return std::nullopt;
    }
    int hours = 0;
    int minutes = 0;
    if (!digits(text, 1, 2, hours) || !digits(text, 4, 2, minutes) || minutes > 59 ||
        hours * 60 + minutes > 14 * 60) {
        return std::nullopt;
    }
    const std::int32_t seconds = (hours * 60 + minutes) * 60;
    return text[0] == '-' ? -seconds : seconds;
}

std::optional<std::int64_t> parse_crossing_time(std::string_view text)
{
    // Fixed part "YYYY-MM-DDThh:mm:ss" is 19 characters; at least "Z" must follow.
    if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    const auto day = parse_iso_date(text.substr(0, 10));
    if (!day) {
        return std::nullopt;
    }
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!digits(text, 11, 2, hour) || !digits(text, 14, 2, minute) || !digits(text, 17, 2, second) ||
        hour > 23 || minute > 59 || second > 59) {
        return std::nullopt;
    }
    std::size_t at = 19;
    if (text[at] == '.') {
        // A fraction needs at least one digit; it is truncated (instants have one-second resolution).
        const std::size_t first_digit = ++at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            ++at;
        }
        if (at == first_digit) {
            return std::nullopt;
        }
    }
    const auto offset = parse_utc_offset(text.substr(at));
    if (!offset) {
        return std::nullopt;
    }
    const std::int64_t local = static_cast<std::int64_t>(*day) * 86400 + hour * 3600 + minute * 60 + second;
    return local - *offset;
}

std::int32_t reference_date(std::int64_t utc_seconds, std::int32_t offset_seconds)
{
    return static_cast<std::int32_t>(floor_div(utc_seconds + offset_seconds, 86400));
}

namespace {

void put_digits(char* out, std::int64_t value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

} // namespace

void format_event_time(std::int64_t utc_seconds, std::int32_t offset_seconds, char* out)
{
    const std::int64_t local = utc_seconds + offset_seconds;
    const std::int64_t day = floor_div(local, 86400);
    const std::int64_t second_of_day = local - day * 86400;
    const CivilDate date = civil_from_days(static_cast<std::int32_t>(day));
    put_digits(out, date.year, 4);
    out[4] = '-';
    put_digits(out + 5, date.month, 2);
    out[7] = '-';
    put_digits(out + 8, date.day, 2);
    out[10] = 'T';
    put_digits(out + 11, second_of_day / 3600, 2);
    out[13] = ':';
    put_digits(out + 14, second_of_day / 60 % 60, 2);
    out[16] = ':';
    put_digits(out + 17, second_of_day % 60, 2);
    const std::int32_t magnitude = offset_seconds < 0 ? -offset_seconds : offset_seconds;
    out[19] = offset_seconds < 0 ? '-' : '+';
    put_digits(out + 20, magnitude / 3600, 2);
    out[22] = ':';
    put_digits(out + 23, magnitude / 60 % 60, 2);
}

} // namespace migratlas::records
