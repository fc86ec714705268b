#include "common/civil_date.hpp"
#include "records/crossing_time.hpp"
#include "records/person_classifier.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::records;

TEST(LabelTable, EveryRowOfRulesSection62)
{
    using S = ResidenceStatus;
    using D = Direction;
    using O = Outcome;
    using E = EventType;
    struct Row {
        S before;
        D direction;
        O outcome;
        E type;
        S after;
    };
    const Row rows[] = {
        {S::nonresident, D::in, O::long_stay, E::immigrant_arrival, S::resident},
        {S::nonresident, D::in, O::short_stay, E::visitor, S::nonresident},
        {S::nonresident, D::in, O::open, E::unresolved, S::unknown},
        {S::nonresident, D::out, O::long_stay, E::visitor, S::nonresident},
        {S::nonresident, D::out, O::short_stay, E::visitor, S::nonresident},
        {S::nonresident, D::out, O::open, E::visitor, S::nonresident},
        {S::resident, D::out, O::long_stay, E::emigrant_departure, S::nonresident},
        {S::resident, D::out, O::short_stay, E::short_term, S::resident},
        {S::resident, D::out, O::open, E::unresolved, S::unknown},
        {S::resident, D::in, O::long_stay, E::short_term, S::resident},
        {S::resident, D::in, O::short_stay, E::short_term, S::resident},
        {S::resident, D::in, O::open, E::short_term, S::resident},
        {S::unknown, D::in, O::long_stay, E::unresolved, S::resident},
        {S::unknown, D::out, O::long_stay, E::unresolved, S::nonresident},
        {S::unknown, D::in, O::short_stay, E::unresolved, S::unknown},
        {S::unknown, D::out, O::short_stay, E::unresolved, S::unknown},
        {S::unknown, D::in, O::open, E::unresolved, S::unknown},
        {S::unknown, D::out, O::open, E::unresolved, S::unknown},
    };
    for (const Row& row : rows) {
        const Transition t = label_crossing(row.before, row.direction, row.outcome);
        EXPECT_EQ(t.type, row.type);
        EXPECT_EQ(t.after, row.after);
    }
}

TEST(WindowOutcome, BoundariesAreInclusive)
{
    EXPECT_EQ(window_outcome(365, 0, 365), Outcome::long_stay);
    EXPECT_EQ(window_outcome(364, 0, 365), Outcome::short_stay);
    EXPECT_EQ(window_outcome(184, 181, 365), Outcome::open);    // C22: 184 + 181 = 365 is still reachable
    EXPECT_EQ(window_outcome(184, 180, 365), Outcome::short_stay);
    EXPECT_EQ(window_outcome(10, 400, 365), Outcome::open);
}

namespace {

class ClassifierTest : public ::testing::Test {
protected:
    RuleParameters params{*parse_iso_date("2020-01-01"), *parse_iso_date("2024-12-31"), -5 * 3600, 16, 365};

    void add(const char* time, Direction direction, const char* point = "P", const char* birth = "1980-01-01")
    {
        PersonCrossing c;
        c.instant = *parse_crossing_time(time);
        c.date = reference_date(c.instant, params.reference_offset_seconds);
        c.direction = direction;
        c.line = m_crossings.size() + 2;
        c.source = static_cast<std::uint32_t>(m_crossings.size());
        c.crossing_point = point;
        c.birth_date_text = birth;
        c.birth_date = parse_iso_date(birth).value_or(unknown_date);
        m_crossings.push_back(c);
    }
    void run()
    {
        PersonClassifier classifier(params);
        classifier.classify(m_crossings, events, duplicates);
    }
    std::vector<PersonCrossing> m_crossings;
    std::vector<ClassifiedEvent> events;
    std::vector<DuplicateCrossing> duplicates;
};

} // namespace

TEST_F(ClassifierTest, FrontierWorkerNeverSpendsANight)
{
    for (int d = 1; d <= 28; ++d) {
        const std::string day = (d < 10 ? "2022-02-0" : "2022-02-") + std::to_string(d);
        add((day + "T06:30:00-05:00").c_str(), Direction::in);
        add((day + "T17:45:00-05:00").c_str(), Direction::out);
    }
    run();
    ASSERT_EQ(events.size(), 56U);
    for (const auto& e : events) {
        EXPECT_EQ(e.type, EventType::visitor);
    }
    EXPECT_EQ(events.front().days_in_window, 0);
    EXPECT_TRUE(duplicates.empty());
}

TEST_F(ClassifierTest, ExactDuplicateKeepsTheFirstInRuleOrder)
{
    add("2023-02-10T12:00:00-05:00", Direction::in, "B");
    add("2023-02-10T17:00:00Z", Direction::in, "A");  // same instant, sorts first by point
    add("2023-02-20T12:00:00-05:00", Direction::out);
    run();
    ASSERT_EQ(duplicates.size(), 1U);
    EXPECT_EQ(duplicates[0].source, 0U);
    EXPECT_EQ(duplicates[0].reason, DuplicateReason::exact_duplicate);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].source, 1U);
    EXPECT_EQ(events[0].days_in_window, 10);
}

TEST_F(ClassifierTest, SameInstantPairAlternatesAndNearDuplicateIsDropped)
{
    add("2022-01-15T10:00:00-05:00", Direction::in);
    add("2022-02-01T12:00:00-05:00", Direction::in);   // pair after an IN: OUT first, then IN
    add("2022-02-01T12:00:00-05:00", Direction::out);
    add("2022-02-01T12:30:00-05:00", Direction::in);   // same direction and date as the kept IN
    run();
    ASSERT_EQ(events.size(), 3U);
    EXPECT_EQ(events[1].source, 2U);  // the OUT
    EXPECT_EQ(events[1].days_in_window, 0);
    EXPECT_EQ(events[2].source, 1U);
    ASSERT_EQ(duplicates.size(), 1U);
    EXPECT_EQ(duplicates[0].source, 3U);
    EXPECT_EQ(duplicates[0].reason, DuplicateReason::near_duplicate);
}

TEST_F(ClassifierTest, OtherParametersShortWindowAndThreshold)
{
    // window_months=12, min_days=183, offset +00:00: 183 nights 2021-01-01..2021-07-02 qualify.
    params = RuleParameters{*parse_iso_date("2020-01-01"), *parse_iso_date("2022-12-31"), 0, 12, 183};
    add("2021-01-01T10:00:00Z", Direction::in);
    add("2021-07-03T10:00:00Z", Direction::out);
    run();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].type, EventType::immigrant_arrival);
    EXPECT_EQ(events[0].days_in_window, 183);
    EXPECT_EQ(events[1].type, EventType::emigrant_departure);
    EXPECT_EQ(events[1].days_in_window, 365);  // [2021-07-03, 2022-07-03) absent
}

TEST_F(ClassifierTest, BirthDuringObservationGivesAKnownStatus)
{
    params = RuleParameters{*parse_iso_date("2020-01-01"), *parse_iso_date("2022-12-31"), 0, 12, 183};
    add("2020-03-01T10:00:00Z", Direction::out, "P", "2020-02-01");
    run();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].type, EventType::emigrant_departure);
    EXPECT_EQ(events[0].days_in_window, 365);
}

TEST_F(ClassifierTest, LeftCensoredFirstCrossingIsUnresolved)
{
    params = RuleParameters{*parse_iso_date("2020-01-01"), *parse_iso_date("2022-12-31"), 0, 12, 183};
    add("2020-03-01T10:00:00Z", Direction::out, "P", "1990-02-01");  // 60 days < 183 observed
    add("2021-06-01T10:00:00Z", Direction::in);                     // status became NONRESIDENT (LONG)
    run();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].type, EventType::unresolved);
    EXPECT_EQ(events[0].days_in_window, 365);
    // [2021-06-01, 2022-06-01) present all 365 nights, status NONRESIDENT -> immigrant.
    EXPECT_EQ(events[1].type, EventType::immigrant_arrival);
    EXPECT_EQ(events[1].days_in_window, 365);
}
