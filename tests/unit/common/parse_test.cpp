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

TEST(Parse, ByteSizeTakesBinaryMultiplesInEitherCase)
{
    EXPECT_EQ(migratlas::parse_byte_size("4G"), 4ULL << 30);
    EXPECT_EQ(migratlas::parse_byte_size("512M"), 512ULL << 20);
    EXPECT_EQ(migratlas::parse_byte_size("512m"), 512ULL << 20);
    EXPECT_EQ(migratlas::parse_byte_size("64k"), 64ULL << 10);
    EXPECT_EQ(migratlas::parse_byte_size("2T"), 2ULL << 40);
    EXPECT_EQ(migratlas::parse_byte_size("1000"), 1000ULL);
}

TEST(Parse, ByteSizeRejectsEmptyZeroNegativeUnknownSuffixAndOverflow)
{
    EXPECT_FALSE(migratlas::parse_byte_size(""));
    EXPECT_FALSE(migratlas::parse_byte_size("G"));
    EXPECT_FALSE(migratlas::parse_byte_size("0"));
    EXPECT_FALSE(migratlas::parse_byte_size("0M"));
    EXPECT_FALSE(migratlas::parse_byte_size("-4G"));
    EXPECT_FALSE(migratlas::parse_byte_size("4GB"));
    EXPECT_FALSE(migratlas::parse_byte_size("4.5G"));
    EXPECT_FALSE(migratlas::parse_byte_size(" 4G"));
    EXPECT_FALSE(migratlas::parse_byte_size("16777216T"));  // 2^64 bytes
    EXPECT_EQ(migratlas::parse_byte_size("16777215T"), 16777215ULL << 40);
}
