#include "common/error.hpp"
#include "flows/od_table.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::flows;

namespace {

join::UnitCatalog catalog()
{
    return join::UnitCatalog({{"XNA", "Nacia", "", 1}, {"XNA-01", "Uno", "XNA", 2}, {"XNA-02", "Dos", "XNA", 2},
        {"XNA-01001", "a", "XNA-01", 3}, {"XNA-01002", "b", "XNA-01", 3}});
}

std::string error_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(OdColumns, MappingWithSummedCounts)
{
    const OdColumns c = parse_od_columns("origin=coo_iso,destination=coa_iso,period=year,count=refugees+asylum_seekers+oip");
    EXPECT_EQ(c.origin, "coo_iso");
    EXPECT_EQ(c.period, "year");
    EXPECT_EQ(c.count, (std::vector<std::string>{"refugees", "asylum_seekers", "oip"}));
    EXPECT_EQ(c.given.count("period"), 1U);
    EXPECT_EQ(c.given.count("sex"), 0U);
    EXPECT_THROW((void)parse_od_columns("origin"), SettingError);
    EXPECT_THROW((void)parse_od_columns("from=x"), SettingError);
    EXPECT_THROW((void)parse_od_columns("count=a++b"), SettingError);
}

TEST(OdAgeGroups, ChildrenAreAGroupOfTheirOwn)
{
    for (const char* ok : {"0-17", "0-4", "15-17", "18-29", "65+", "unknown"}) {
        EXPECT_FALSE(check_age_group(ok).has_value()) << ok;
    }
    EXPECT_NE(check_age_group("15-24")->find("children (0-17) must be a group of their own"), std::string::npos);
    EXPECT_NE(check_age_group("0+")->find("mixes children and adults"), std::string::npos);
    EXPECT_NE(check_age_group("adults")->find("is not A-B"), std::string::npos);
}

TEST(OdTable, RowsJoinRollUpAndReconcile)
{
    test::TempDir dir;
    OdSource source;
    source.path = dir.file("od.csv",
        "origin,destination,count,period,sex\n"
        "XNA-01001,XNA-02,10,2023,F\n"
        "XNA-01002,XNA-02,5,2023,F\n"   // rolls up with the row above at level 2
        "COL,XNA-01001,7,2023,M\n"      // a country outside the workspace
        "XNA-01001,XNA-01002,3,2023,M\n" // same unit once rolled up
        "XNA-02,COL,,2023,M\n"          // no count reported
        "XNA-02,COL,4,2019,M\n");       // outside the period
    Diagnostics diagnostics;
    FlowTable table;
    OdReadTally tally;
    read_od_table(source, catalog(), 2, join::parse_period_setting("2020:2024"), UnknownCodes::fail, diagnostics, table, tally);
    EXPECT_EQ(tally.read.rows, 6U);
    EXPECT_EQ(tally.read.persons, 29);
    EXPECT_EQ(tally.joined.rows, 3U);
    EXPECT_EQ(tally.joined.persons, 22);
    EXPECT_EQ(tally.by_reason.at("same_place").persons, 3);
    EXPECT_EQ(tally.by_reason.at("missing_count").rows, 1U);
    EXPECT_EQ(tally.by_reason.at("outside_period").persons, 4);
    const auto rows = table.rows();
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].origin, "COL");
    EXPECT_EQ(rows[0].destination, "XNA-01");
    EXPECT_EQ(rows[1].origin, "XNA-01");
    EXPECT_EQ(rows[1].destination, "XNA-02");
    EXPECT_EQ(rows[1].counts.persons, 15);
    EXPECT_EQ(rows[1].sex, "F");
    EXPECT_EQ(rows[1].age_group, "_T");
    EXPECT_FALSE(rows[1].counts.events.has_value());
    EXPECT_EQ(rows[1].source, "od.csv");
}

TEST(OdTable, UnknownCodesStopTheRunUnlessSkipped)
{
    test::TempDir dir;
    OdSource source;
    source.path = dir.file("od.csv", "origin,destination,count\nXNA-01,ZZ-9,4\nUKN,XNA-02,6\nUKN,XNA-01,1\nXNA-01,XNA-02,2\n");
    FlowTable table;
    OdReadTally tally;
    Diagnostics diagnostics;
    const std::string message =
        error_of([&] { read_od_table(source, catalog(), std::nullopt, std::nullopt, UnknownCodes::fail, diagnostics, table, tally); });
    EXPECT_NE(message.find("2 code(s) are neither units of the workspace nor ISO 3166-1 alpha-3 countries"), std::string::npos) << message;
    EXPECT_NE(message.find("'UKN' in 2 row(s), first at od.csv:3:1"), std::string::npos) << message;
    EXPECT_NE(message.find("'ZZ-9' in 1 row(s), first at od.csv:2:2"), std::string::npos) << message;
    EXPECT_NE(message.find("--unknown-codes skip"), std::string::npos);

    FlowTable skipped;
    OdReadTally counted;
    Diagnostics rejects;
    read_od_table(source, catalog(), std::nullopt, std::nullopt, UnknownCodes::skip, rejects, skipped, counted);
    EXPECT_EQ(counted.by_reason.at("unknown_code").rows, 3U);
    EXPECT_EQ(counted.by_reason.at("unknown_code").persons, 11);
    EXPECT_EQ(counted.joined.persons, 2);
    EXPECT_EQ(rejects.reject_counts().at("unknown_code"), 3U);
    EXPECT_EQ(skipped.size(), 1U);
}

TEST(OdTable, BadCountsPeriodsAndRepeatedKeysListEveryRow)
{
    test::TempDir dir;
    OdSource source;
    source.path = dir.file("od.csv", "origin,destination,count,period\n"
                                     "XNA-01,XNA-02,-3,2023\nXNA-02,XNA-01,many,2023\nXNA-02,XNA-01,2.5,2023\n"
                                     "XNA-01,XNA,1,23\nXNA-01,XNA-02,1,2024\nXNA-01,XNA-02,2,2024\n");
    FlowTable table;
    OdReadTally tally;
    Diagnostics diagnostics;
    const std::string message =
        error_of([&] { read_od_table(source, catalog(), std::nullopt, std::nullopt, UnknownCodes::fail, diagnostics, table, tally); });
    EXPECT_NE(message.find("5 row(s) cannot be used, nothing was written"), std::string::npos) << message;
    EXPECT_NE(message.find("od.csv:2:3: count '-3' in column 'count' is not a whole number >= 0"), std::string::npos) << message;
    EXPECT_NE(message.find("od.csv:3:3: count 'many'"), std::string::npos) << message;
    EXPECT_NE(message.find("od.csv:4:3: count '2.5'"), std::string::npos) << message;
    EXPECT_NE(message.find("od.csv:5:4: period '23' is not YYYY or YYYY-MM"), std::string::npos) << message;
    EXPECT_NE(message.find("od.csv:7: the same period, origin, destination and breakdown as an earlier row"), std::string::npos) << message;
}

TEST(OdTable, MissingMappedColumnIsAnInputError)
{
    test::TempDir dir;
    OdSource source;
    source.path = dir.file("od.csv", "from,to,n\nXNA-01,XNA-02,3\n");
    source.columns = parse_od_columns("origin=from,destination=to,count=n,period=year");
    FlowTable table;
    OdReadTally tally;
    Diagnostics diagnostics;
    EXPECT_THROW(read_od_table(source, catalog(), std::nullopt, std::nullopt, UnknownCodes::fail, diagnostics, table, tally),
        InputError);
}
