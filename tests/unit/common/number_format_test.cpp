#include "common/number_format.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <limits>

TEST(NumberFormat, G17IsPrintfPercentG17AndRoundTrips)
{
    for (const double value : {0.1, 1.0 / 3.0, 1154317.0, -2.2250738585072014e-308, 6.02214076e23, 0.0, -0.0}) {
        char expected[64];
        std::snprintf(expected, sizeof expected, "%.17g", value);
        const std::string text = migratlas::format_g17(value);
        EXPECT_EQ(text, expected);
        EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
    }
}

TEST(NumberFormat, G17OfNanIsEmptyForAMissingValue)
{
    EXPECT_EQ(migratlas::format_g17(std::numeric_limits<double>::quiet_NaN()), "");
    char buffer[migratlas::g17_max_chars];
    EXPECT_EQ(migratlas::format_g17_to(buffer, std::numeric_limits<double>::quiet_NaN()), buffer);
}

TEST(NumberFormat, ShortFormKeepsTheRequestedSignificantDigits)
{
    EXPECT_EQ(migratlas::format_short(1154317.0), "1.15432e+06");
    EXPECT_EQ(migratlas::format_short(1154317.0, 10), "1154317");
    EXPECT_EQ(migratlas::format_short(0.0032), "0.0032");
    EXPECT_EQ(migratlas::format_short(0.3), "0.3");
    EXPECT_EQ(migratlas::format_short(1e-13, 3), "1e-13");
    EXPECT_EQ(migratlas::format_short(-std::numeric_limits<double>::infinity()), "-inf");
}
