// The detailed tabulation of kept crossings (crossings_detail) that the border stage breaks points
// down by: same-day returns, transport mode and purpose, reconciled with the events.
#include "common/civil_date.hpp"
#include "common/products/records.hpp"
#include "records/crossing_linker.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace migratlas;
using namespace migratlas::records;

TEST(CrossingsDetail, SameDayReturnsModesAndPurposes)
{
    test::TempDir dir;
    // A: a day trip out and back on 2021-03-01 (both crossings are same-day returns), then a trip out
    // on 2021-03-05 back on 2021-03-09 (neither is). B: a visitor in and out the same day at -05:00,
    // the exit written in UTC after midnight (still 2021-04-10 at the reference offset).
    const auto crossings = dir.file("c.csv",
        "person_id,crossing_time,direction,crossing_point,nationality,sex,birth_date,transport_mode,purpose\n"
        "A,2021-03-01T08:00:00-05:00,OUT,P1,XNA,F,1990-01-01,land,shopping\n"
        "A,2021-03-01T18:00:00-05:00,IN,P1,XNA,F,1990-01-01,land,shopping\n"
        "A,2021-03-05T08:00:00-05:00,OUT,P1,XNA,F,1990-01-01,air,tourism\n"
        "A,2021-03-09T08:00:00-05:00,IN,P2,XNA,F,1990-01-01,air,tourism\n"
        "B,2021-04-10T09:00:00-05:00,IN,P1,XOE,M,2012-05-05,land,family\n"
        "B,2021-04-11T03:30:00Z,OUT,P1,XOE,M,2012-05-05,land,family\n");
    LinkOptions options;
    options.crossings = crossings;
    options.rule = RuleParameters{*parse_iso_date("2020-01-01"), *parse_iso_date("2022-12-31"), -5 * 3600, 16, 365};
    Diagnostics diagnostics;
    Progress progress(false);
    const LinkResult result = link_crossings(options, HmacKey("k"), diagnostics, progress);
    ASSERT_EQ(result.counts.events, 6U);
    EXPECT_TRUE(result.has_mode);
    EXPECT_TRUE(result.has_purpose);
    const Table detail = result.monthly.detail_table(result.labels, result.travels, true, true);
    EXPECT_EQ(result.monthly.detail_total(), 6);
    const ProductSpec& s = products::crossings_detail;
    std::map<std::string, std::int64_t> cells;
    for (const auto& row : detail.rows) {
        std::string key;
        for (const char* column : {"month", "crossing_point", "direction", "age_group", "transport_mode", "purpose"}) {
            key += std::get<std::string>(row[s.column_index(column)]) + " ";
        }
        key += std::to_string(std::get<std::int64_t>(row[s.column_index("same_day_return")]));
        cells[key] += std::get<std::int64_t>(row[s.column_index("crossings")]);
    }
    const std::map<std::string, std::int64_t> expected = {
        {"2021-03 P1 OUT 30-44 land shopping 1", 1},
        {"2021-03 P1 IN 30-44 land shopping 1", 1},
        {"2021-03 P1 OUT 30-44 air tourism 0", 1},
        {"2021-03 P2 IN 30-44 air tourism 0", 1},
        {"2021-04 P1 IN 0-17 land family 1", 1},
        {"2021-04 P1 OUT 0-17 land family 1", 1},
    };
    EXPECT_EQ(cells, expected);
}
