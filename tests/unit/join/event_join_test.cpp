#include "join/event_join.hpp"
#include "join/iso3166.hpp"
#include "join/workspace_inputs.hpp"

#include "common/civil_date.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::join;

namespace {

UnitCatalog tiny_catalog()
{
    // XNA with two level-2 units, the first with two level-3 units; XOE with one level-2 unit.
    std::vector<geo::UnitInfo> units = {
        {"XNA", "Nacia", "", 1},
        {"XNA-01", "Uno", "XNA", 2},
        {"XNA-02", "Dos", "XNA", 2},
        {"XNA-01001", "Uno Norte", "XNA-01", 3},
        {"XNA-01002", "Uno Sur", "XNA-01", 3},
        {"XOE", "Oeste", "", 1},
        {"XOE-01", "Oeste Uno", "XOE", 2},
    };
    return UnitCatalog(std::move(units));
}

} // namespace

TEST(PlaceEvent, DeclaredResidenceIsRolledUpToTheLevel)
{
    const UnitCatalog catalog = tiny_catalog();
    struct Case {
        const char* residence;
        const char* point_unit;
        int level;
        JoinReason reason;
        const char* unit;  // expected code when joined
        bool from_point;
    };
    const Case cases[] = {
        {"XNA-01001", "XNA-02", 2, JoinReason::joined, "XNA-01", false},     // level 3 rolled up to level 2
        {"XNA-01001", "XNA-02", 3, JoinReason::joined, "XNA-01001", false},  // already at the level
        {"XNA-02", "XNA-01001", 3, JoinReason::coarser_than_level, nullptr, false},
        {"XNA", "XNA-01001", 2, JoinReason::coarser_than_level, nullptr, false},  // a country is no residence unit
        {"XNA-99", "XNA-01001", 2, JoinReason::unknown_code, nullptr, false},
        {"", "XNA-01002", 2, JoinReason::joined, "XNA-01", true},  // no residence: the point's unit stands in
        {"", "unknown", 2, JoinReason::outside_units, nullptr, true},
        {"", "XNA-02", 3, JoinReason::outside_units, nullptr, true},  // the point is known only at level 2
    };
    for (const Case& c : cases) {
        const EventPlacement p = place_event(c.residence, c.point_unit, c.level, catalog);
        EXPECT_EQ(p.reason, c.reason) << c.residence << " / " << c.point_unit << " @" << c.level;
        EXPECT_EQ(p.from_crossing_point, c.from_point) << c.residence;
        if (c.unit != nullptr) {
            ASSERT_TRUE(p.unit.has_value());
            EXPECT_EQ(catalog.units()[*p.unit].code, c.unit);
        } else {
            EXPECT_FALSE(p.unit.has_value());
        }
    }
}

TEST(PlaceEnd, CountriesAreEndsAtAnyLevelAndIsoCodesNeedNoUnit)
{
    const UnitCatalog catalog = tiny_catalog();
    EXPECT_EQ(catalog.place_end("XNA-01002", 2).code, "XNA-01");
    EXPECT_EQ(catalog.place_end("XNA-01002", std::nullopt).code, "XNA-01002");  // no level: as given
    EXPECT_EQ(catalog.place_end("XOE", 2).reason, JoinReason::joined);          // a level-1 unit
    const PlaceRef colombia = catalog.place_end("COL", 2);
    EXPECT_EQ(colombia.reason, JoinReason::joined);
    EXPECT_FALSE(colombia.unit.has_value());
    EXPECT_EQ(catalog.place_end("UKN", std::nullopt).reason, JoinReason::unknown_code);  // UNHCR's unknown origin
    EXPECT_EQ(catalog.place_end("col", std::nullopt).reason, JoinReason::unknown_code);  // codes are exact
    EXPECT_EQ(catalog.place_end("XNA-02", 3).reason, JoinReason::coarser_than_level);
    EXPECT_EQ(catalog.name_of("VEN"), "Venezuela");
    EXPECT_EQ(catalog.name_of("XNA-01"), "Uno");
}

TEST(Iso3166, AssignedCodesOnly)
{
    EXPECT_TRUE(is_iso3166_alpha3("COL"));
    EXPECT_TRUE(is_iso3166_alpha3("ABW"));
    EXPECT_TRUE(is_iso3166_alpha3("ZWE"));
    EXPECT_FALSE(is_iso3166_alpha3("XXA"));
    EXPECT_FALSE(is_iso3166_alpha3("STA"));
    EXPECT_FALSE(is_iso3166_alpha3(""));
}

TEST(FinalMonths, BurnInYearAndOpenWindowsAreLeftOut)
{
    // RULES.md §8 on the demo parameters: observation 2020-01-01..2024-12-31, 16-month window.
    const ObservationWindow window{days_from_civil({2020, 1, 1}), days_from_civil({2024, 12, 31}), 16};
    const auto months = final_months(window);
    ASSERT_TRUE(months.has_value());
    EXPECT_EQ(months->label(), "2021-01/2023-08");
    // 2023-08-31 + 16 months = 2024-12-31 <= observation_end + 1; 2023-09-30 + 16 months is past it.
    const ObservationWindow short_window{days_from_civil({2023, 1, 1}), days_from_civil({2024, 6, 30}), 16};
    EXPECT_FALSE(final_months(short_window).has_value());
}
