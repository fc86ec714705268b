#include "common/error.hpp"
#include "join/population.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::join;

namespace {

UnitCatalog catalog()
{
    return UnitCatalog({{"XNA", "Nacia", "", 1}, {"XNA-01", "Uno", "XNA", 2}, {"XNA-02", "Dos", "XNA", 2},
        {"XNA-01001", "a", "XNA-01", 3}, {"XNA-01002", "b", "XNA-01", 3}, {"XNA-02001", "c", "XNA-02", 3}});
}

} // namespace

TEST(Population, SummedOverBreakdownsAndRolledUp)
{
    test::TempDir dir;
    const auto path = dir.file("population.csv",
        "unit_code,sex,age_group,population\n"
        "XNA-01001,1,0-14,100\nXNA-01001,2,0-14,150\nXNA-01002,1,0-14,50\nXNA-02001,1,0-14,7\n"
        "XZZ-99,1,0-14,5\nXNA-02,1,0-14,\n");
    const UnitCatalog units = catalog();
    Diagnostics diagnostics;
    const UnitFigures f = read_population(path, units, diagnostics);
    EXPECT_EQ(f.rows_read, 6U);
    EXPECT_EQ(f.rows_joined, 4U);
    EXPECT_EQ(f.rows_by_reason.at("unknown_code"), 1U);
    EXPECT_EQ(f.rows_by_reason.at("missing_value"), 1U);
    EXPECT_EQ(*f.rolled_up[*units.find("XNA-01001")], 250);
    EXPECT_EQ(*f.rolled_up[*units.find("XNA-01")], 300);
    EXPECT_EQ(*f.rolled_up[*units.find("XNA-02")], 7);
    EXPECT_EQ(*f.rolled_up[*units.find("XNA")], 307);
    EXPECT_FALSE(f.direct[*units.find("XNA")].has_value());
    EXPECT_EQ(diagnostics.rejected(), 2U);
}

TEST(Population, NegativeOrTextStopsTheRunListingTheRows)
{
    test::TempDir dir;
    const auto path = dir.file("population.csv", "unit_code,population\nXNA-01001,-4\nXNA-01002,12abc\nXNA-02001,3\n");
    Diagnostics diagnostics;
    try {
        (void)read_population(path, catalog(), diagnostics);
        FAIL() << "expected DataError";
    } catch (const DataError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("2 population row(s) unusable"), std::string::npos) << message;
        EXPECT_NE(message.find("population.csv:2:2: population '-4'"), std::string::npos) << message;
        EXPECT_NE(message.find("population.csv:3:2: population '12abc'"), std::string::npos) << message;
    }
}
