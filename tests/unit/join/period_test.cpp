#include "common/error.hpp"
#include "join/period.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::join;

TEST(PeriodLabel, YearIsTwelveMonthsAndMonthIsOne)
{
    EXPECT_EQ(parse_period_label("2023"), (MonthRange{month_of(2023, 1), month_of(2023, 12)}));
    EXPECT_EQ(parse_period_label("2023-05"), (MonthRange{month_of(2023, 5), month_of(2023, 5)}));
    for (const char* bad : {"", "23", "2023-13", "2023-00", "2023/05", "2023-5", "20x3", "1899", " 2023"}) {
        EXPECT_FALSE(parse_period_label(bad).has_value()) << bad;
    }
}

TEST(PeriodSetting, RangesOfMonthsOrYears)
{
    EXPECT_EQ(parse_period_setting("2021-01:2023-08"), (MonthRange{month_of(2021, 1), month_of(2023, 8)}));
    EXPECT_EQ(parse_period_setting("2020:2023"), (MonthRange{month_of(2020, 1), month_of(2023, 12)}));
    EXPECT_EQ(parse_period_setting("2023"), (MonthRange{month_of(2023, 1), month_of(2023, 12)}));
    EXPECT_THROW((void)parse_period_setting("2023-08:2021-01"), SettingError);
    try {
        (void)parse_period_setting("2021-1:2023");
        FAIL();
    } catch (const SettingError& e) {
        EXPECT_EQ(e.setting(), "period");
    }
}

TEST(PeriodLabel, PrintsYearMonthOrInterval)
{
    EXPECT_EQ((MonthRange{month_of(2023, 1), month_of(2023, 12)}).label(), "2023");
    EXPECT_EQ((MonthRange{month_of(2023, 4), month_of(2023, 4)}).label(), "2023-04");
    EXPECT_EQ((MonthRange{month_of(2021, 1), month_of(2023, 8)}).label(), "2021-01/2023-08");
    EXPECT_TRUE((MonthRange{month_of(2020, 1), month_of(2023, 12)}).contains(MonthRange{month_of(2021, 1), month_of(2021, 12)}));
    EXPECT_FALSE((MonthRange{month_of(2021, 6), month_of(2023, 12)}).contains(MonthRange{month_of(2021, 1), month_of(2021, 12)}));
}
