#include "common/civil_date.hpp"
#include "records/crossing_time.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::records;

TEST(CrossingTime, ParsesOffsetsAndTruncatesFractions)
{
    EXPECT_EQ(parse_crossing_time("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parse_crossing_time("1970-01-01T00:00:00+00:00"), 0);
    EXPECT_EQ(parse_crossing_time("1970-01-01T05:00:00+05:00"), 0);
    EXPECT_EQ(parse_crossing_time("1969-12-31T19:00:00-05:00"), 0);
    EXPECT_EQ(parse_crossing_time("1970-01-01T00:00:01.999Z"), 1);
    EXPECT_EQ(parse_crossing_time("1970-01-01T00:00:01.5-00:30"), 1 + 1800);
    // Same instant written with two offsets (C15).
    EXPECT_EQ(parse_crossing_time("2023-04-05T15:30:00-05:00"), parse_crossing_time("2023-04-05T20:30:00Z"));
    EXPECT_TRUE(parse_crossing_time("2024-02-29T23:59:59+14:00").has_value());
    EXPECT_TRUE(parse_crossing_time("2024-02-29T23:59:59-14:00").has_value());
}

TEST(CrossingTime, RejectsEveryBrokenForm)
{
    for (const char* bad : {"2023-05-01 10:00:00", "2023-05-01T10:00:00", "2023-05-01T10:00Z", "2023-13-01T10:00:00Z",
             "2023-02-30T10:00:00Z", "2023-05-01T24:00:00Z", "2023-05-01T10:60:00Z", "2023-05-01T10:00:60Z",
             "2023-05-01T10:00:00+05:60", "2023-05-01T10:00:00+14:01", "2023-05-01T10:00:00+15:00",
             "2023-05-01T10:00:00.Z", "2023-05-01T10:00:00z", "2023-05-01T10:00:00+0500", "2023-05-01T10:00:00+05",
             "2023-05-01T10:00:00Z ", " 2023-05-01T10:00:00Z", "", "2023-05-01t10:00:00Z", "2023-05-01T1a:00:00Z"}) {
        EXPECT_FALSE(parse_crossing_time(bad).has_value()) << bad;
    }
}

TEST(CrossingTime, ReferenceDateIsTakenAtTheReferenceOffset)
{
    const std::int32_t minus5 = -5 * 3600;
    // RULES.md §2 examples.
    EXPECT_EQ(reference_date(*parse_crossing_time("2025-01-01T04:30:00Z"), minus5), *parse_iso_date("2024-12-31"));
    EXPECT_EQ(reference_date(*parse_crossing_time("2023-08-10T00:30:00-04:00"), minus5), *parse_iso_date("2023-08-09"));
    // Before 1970 the division must round down, not toward zero.
    EXPECT_EQ(reference_date(*parse_crossing_time("1969-12-31T23:00:00Z"), 0), -1);
}

TEST(CrossingTime, OffsetParsing)
{
    EXPECT_EQ(parse_utc_offset("Z"), 0);
    EXPECT_EQ(parse_utc_offset("-05:00"), -18000);
    EXPECT_EQ(parse_utc_offset("+05:30"), 19800);
    EXPECT_EQ(parse_utc_offset("+14:00"), 50400);
    EXPECT_FALSE(parse_utc_offset("+14:30").has_value());
    EXPECT_FALSE(parse_utc_offset("-05").has_value());
    EXPECT_FALSE(parse_utc_offset("05:00").has_value());
}

namespace {
std::string event_time(std::int64_t utc, std::int32_t offset)
{
    std::string text(migratlas::records::event_time_length, '?');
    migratlas::records::format_event_time(utc, offset, text.data());
    return text;
}
} // namespace

TEST(EventTime, IsWrittenAtTheReferenceOffsetWithoutFraction)
{
    using migratlas::records::parse_crossing_time;
    // RULES.md §7 examples.
    EXPECT_EQ(event_time(*parse_crossing_time("2023-04-05T20:30:00Z"), -5 * 3600), "2023-04-05T15:30:00-05:00");
    EXPECT_EQ(event_time(*parse_crossing_time("2025-01-01T04:30:00Z"), -5 * 3600), "2024-12-31T23:30:00-05:00");
    // Offset 0 is +00:00, never Z; a fraction is dropped; half-hour offsets keep their minutes.
    EXPECT_EQ(event_time(*parse_crossing_time("2024-02-29T23:59:59.999+00:00"), 0), "2024-02-29T23:59:59+00:00");
    EXPECT_EQ(event_time(*parse_crossing_time("2024-02-29T22:00:00-03:00"), 5 * 3600 + 1800),
        "2024-03-01T06:30:00+05:30");
    EXPECT_EQ(event_time(*parse_crossing_time("1969-12-31T23:00:00Z"), -3600 * 4), "1969-12-31T19:00:00-04:00");
}
