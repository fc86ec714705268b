#include "common/parse.hpp"

#include <gtest/gtest.h>

TEST(Parse, WholeFieldMustBeConsumed)
{
    EXPECT_EQ(migratlas::parse_double("1.5"), 1.5);
    EXPECT_EQ(migratlas::parse_double("+2e3"), 2000.0);
    EXPECT_FALSE(migratlas::parse_double("12abc"));
    EXPECT_FALSE(migratlas::parse_double(" 3"));
    EXPECT_FALSE(migratlas::parse_double(""));
    EXPECT_EQ(migratlas::parse_int("-42"), -42);
    EXPECT_FALSE(migratlas::parse_int("4.2"));
    EXPECT_FALSE(migratlas::parse_int(""));
}
