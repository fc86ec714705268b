#include "common/civil_date.hpp"

#include <gtest/gtest.h>

using namespace migratlas;

namespace {
std::int32_t day(std::string_view text)
{
    const auto d = parse_iso_date(text);
    EXPECT_TRUE(d.has_value()) << text;
    return d.value_or(0);
}
} // namespace

TEST(CivilDate, DayNumbersRoundTrip)
{
    EXPECT_EQ(day("1970-01-01"), 0);
    EXPECT_EQ(day("1970-01-02"), 1);
    EXPECT_EQ(day("1969-12-31"), -1);
    EXPECT_EQ(day("2000-03-01") - day("2000-02-28"), 2);  // 2000 is a leap year
    EXPECT_EQ(day("1900-03-01") - day("1900-02-28"), 1);  // 1900 is not
    for (std::int32_t d = -800000; d < 800000; d += 997) {
        const CivilDate c = civil_from_days(d);
        EXPECT_EQ(days_from_civil(c), d);
    }
    EXPECT_EQ(format_iso_date(day("2024-02-29")), "2024-02-29");
}

TEST(CivilDate, RejectsImpossibleDates)
{
    for (const char* bad : {"2023-02-29", "2023-02-30", "2023-13-01", "2023-00-10", "2023-04-31", "2023-4-01",
             "20230401", "2023-04-01T", "", "abcd-ef-gh", "2023-04-0x"}) {
        EXPECT_FALSE(parse_iso_date(bad).has_value()) << bad;
    }
}

TEST(CivilDate, AddMonthsClampsToEndOfMonth)
{
    // RULES.md §5 examples.
    EXPECT_EQ(add_months_clamped(day("2021-10-31"), 16), day("2023-02-28"));
    EXPECT_EQ(add_months_clamped(day("2022-10-31"), 16), day("2024-02-29"));
    EXPECT_EQ(add_months_clamped(day("2022-12-31"), 16), day("2024-04-30"));
    EXPECT_EQ(add_months_clamped(day("2023-03-01"), 16), day("2024-07-01"));
    EXPECT_EQ(add_months_clamped(day("2024-01-31"), 1), day("2024-02-29"));
    EXPECT_EQ(add_months_clamped(day("2024-01-31"), 12), day("2025-01-31"));
    EXPECT_EQ(add_months_clamped(day("2024-02-29"), 12), day("2025-02-28"));
    // Window lengths for 16 months stay within 485..489 days.
    for (std::int32_t d = day("2020-01-01"); d < day("2025-01-01"); ++d) {
        const std::int32_t length = add_months_clamped(d, 16) - d;
        EXPECT_GE(length, 485);
        EXPECT_LE(length, 489);
    }
}
