#include "common/civil_date.hpp"

namespace migratlas {

namespace {

bool two_digits(std::string_view text, std::size_t at, int& value)
{
    const char a = text[at];
    const char b = text[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') {
        return false;
    }
    value = (a - '0') * 10 + (b - '0');
    return true;
}

} // namespace

bool is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month)
{
    static constexpr int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) {
        return 29;
    }
    return lengths[month - 1];
}

std::int32_t days_from_civil(const CivilDate& date)
{
    const int y = date.year - (date.month <= 2 ? 1 : 0);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int mp = (date.month + 9) % 12;  // March = 0
    const int doy = (153 * mp + 2) / 5 + date.day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(std::int32_t day_number)
{
    const int z = day_number + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    const int day = doy - (153 * mp + 2) / 5 + 1;
    const int month = mp < 10 ? mp + 3 : mp - 9;
    return CivilDate{yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::int32_t add_months_clamped(std::int32_t day_number, int months)
{
    const CivilDate from = civil_from_days(day_number);
    const int month_index = from.year * 12 + (from.month - 1) + months;
    CivilDate to;
    to.year = month_index >= 0 ? month_index / 12 : (month_index - 11) / 12;
    to.month = month_index - to.year * 12 + 1;
    to.day = from.day;
    const int last = days_in_month(to.year, to.month);
    if (to.day > last) {
        to.day = last;
    }
    return days_from_civil(to);
}

std::optional<std::int32_t> parse_iso_date(std::string_view text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    int hi = 0;
    int lo = 0;
    CivilDate date;
    if (!two_digits(text, 0, hi) || !two_digits(text, 2, lo) || !two_digits(text, 5, date.month) ||
        !two_digits(text, 8, date.day)) {
        return std::nullopt;
    }
    date.year = hi * 100 + lo;
    if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > days_in_month(date.year, date.month)) {
        return std::nullopt;
    }
    return days_from_civil(date);
}

std::string format_iso_date(std::int32_t day_number)
{
    const CivilDate d = civil_from_days(day_number);
    char text[16];
    text[0] = static_cast<char>('0' + (d.year / 1000) % 10);
    text[1] = static_cast<char>('0' + (d.year / 100) % 10);
    text[2] = static_cast<char>('0' + (d.year / 10) % 10);
    text[3] = static_cast<char>('0' + d.year % 10);
    text[4] = '-';
    text[5] = static_cast<char>('0' + d.month / 10);
    text[6] = static_cast<char>('0' + d.month % 10);
    text[7] = '-';
    text[8] = static_cast<char>('0' + d.day / 10);
    text[9] = static_cast<char>('0' + d.day % 10);
    return std::string(text, 10);
}

} // namespace migratlas
