#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/civil_date.hpp"
#include "records/crossing_linker.hpp"
#include "records/crossing_time.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>

using namespace migratlas;
using namespace migratlas;
using namespace migratlas::records;

namespace {

const std::string fixtures = MIGRATLAS_FIXTURES_DIR "/linkage";
const std::string key_bytes = "unit-test-key-\x01\x02";

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path)
{
    std::vector<std::vector<std::string>> rows;
    CsvReader reader(path);
    CsvRecord record;
    while (reader.next(record)) {
        rows.emplace_back(record.fields.begin(), record.fields.end());
    }
    return rows;
}

RuleParameters reference_params()
{
    return parse_rule_parameters(read_parameter_file(fixtures + "/params.txt"), {}, "params.txt");
}

struct LinkRun {
    test::TempDir dir;
    LinkResult result;
    Diagnostics diagnostics;
    std::vector<std::vector<std::string>> events, rejects, duplicates;

    LinkRun(const std::filesystem::path& crossings, const RuleParameters& params, std::uint64_t budget = 1ULL << 30)
    {
        LinkOptions options;
        options.crossings = crossings;
        options.rule = params;
        options.events_csv = dir.path() / "events.csv";
        options.rejects_csv = dir.path() / "rejects.csv";
        options.duplicates_csv = dir.path() / "duplicates.csv";
        options.memory_budget = budget;
        options.temp_directory = dir.path();
        Progress progress(false);
        result = link_crossings(options, HmacKey(key_bytes), diagnostics, progress);
        result.commit_files();
        events = read_csv(*options.events_csv);
        rejects = read_csv(*options.rejects_csv);
        duplicates = read_csv(*options.duplicates_csv);
    }
};

std::string key_of(std::string_view person_id)
{
    if (person_id.empty()) {
        return {};
    }
    const HmacKey key{key_bytes};
    PersonKeyHasher hasher{key};
    return hasher.hex(person_id);
}

/// person_key, event_time (as text: RULES.md §7 fixes its form), event_type, days_in_window.
using EventRow = std::tuple<std::string, std::string, std::string, std::string>;

} // namespace

TEST(LinkReference, EventsMatchExpectedAfterHmacMapping)
{
    LinkRun run(fixtures + "/cases.csv", reference_params());
    // expected.csv: case_id,person_id,event_time,event_type,days_in_window; re-sorted by key, then
    // instant (the order of our events file). event_time is compared as text, exactly.
    std::vector<std::pair<std::int64_t, EventRow>> want;
    for (const auto& row : read_csv(fixtures + "/expected.csv")) {
        want.emplace_back(*parse_crossing_time(row[2]), EventRow(key_of(row[1]), row[2], row[3], row[4]));
    }
    std::stable_sort(want.begin(), want.end(), [](const auto& a, const auto& b) {
        return std::tie(std::get<0>(a.second), a.first) < std::tie(std::get<0>(b.second), b.first);
    });
    ASSERT_EQ(run.events.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        const auto& got = run.events[i];
        ASSERT_EQ(got.size(), 5U);
        EXPECT_EQ(EventRow(got[0], got[1], got[2], got[3]), want[i].second) << "event row " << i + 2;
    }
    EXPECT_EQ(run.result.counts.rows_read, 855U);
    EXPECT_EQ(run.result.counts.events, 849U);
    EXPECT_EQ(run.result.counts.persons, 36U);
}

TEST(LinkReference, RejectsAndDuplicatesMatchByLineAndReason)
{
    LinkRun run(fixtures + "/cases.csv", reference_params());
    for (const auto& [file, got] : {std::pair{"rejects.csv", &run.rejects}, std::pair{"duplicates.csv", &run.duplicates}}) {
        std::vector<std::vector<std::string>> want;
        for (const auto& row : read_csv(fixtures + "/" + file)) {
            want.push_back({row[0], key_of(row[2]), row[3]});
        }
        EXPECT_EQ(*got, want) << file;
    }
    EXPECT_EQ(run.result.counts.rejected.at("after_observation_end"), 1U);
    EXPECT_EQ(run.result.counts.duplicates.at("near_duplicate"), 1U);
}

TEST(LinkReference, EventTimeIsTheInstantAtTheReferenceOffset)
{
    LinkRun run(fixtures + "/cases.csv", reference_params());
    // C18's kept OUT is 2025-01-01T04:30:00Z in the input; RULES.md §7 writes it at -05:00.
    EXPECT_TRUE(std::any_of(run.events.begin(), run.events.end(),
        [](const auto& row) { return row[1] == "2024-12-31T23:30:00-05:00"; }));
    for (const auto& row : run.events) {
        EXPECT_EQ(row[1].size(), event_time_length) << row[1];
        EXPECT_EQ(row[1].substr(19), "-05:00") << row[1];
    }
}

TEST(LinkReference, SpillingToDiskGivesIdenticalOutputs)
{
    LinkRun in_memory(fixtures + "/cases.csv", reference_params());
    LinkRun spilled(fixtures + "/cases.csv", reference_params(), 4096);
    EXPECT_GT(spilled.result.counts.spills, 0U);
    EXPECT_EQ(spilled.events, in_memory.events);
    EXPECT_EQ(spilled.rejects, in_memory.rejects);
    EXPECT_EQ(spilled.duplicates, in_memory.duplicates);
}

TEST(LinkOtherParameters, HandMadeCasesWithTwelveMonthsAnd183Days)
{
    // Derived by hand from RULES.md with window_months=12, min_days=183, observation 2020-01-01..2021-12-31.
    test::TempDir dir;
    const auto csv = dir.file("c.csv",
        "person_id,crossing_time,direction,crossing_point,nationality,sex,birth_date\n"
        // A: known non-resident (first date 2021-06-01 is 517 days after start), stays: window
        // [2021-06-01, 2022-06-01) observed to 2022-01-01 -> 214 nights >= 183 -> immigrant, final early.
        "A,2021-06-01T10:00:00Z,IN,P1,X,F,1990-01-01\n"
        // B: arrives 2021-09-01: 122 nights observed + 243 unobserved -> open -> unresolved.
        "B,2021-09-01T10:00:00Z,IN,P1,X,M,1990-01-01\n"
        // C: 182 nights (2021-01-01..2021-07-01) -> visitor, departure visitor with 183 absent observed.
        "C,2021-01-01T10:00:00Z,IN,P1,X,F,\n"
        "C,2021-07-02T10:00:00Z,OUT,P1,X,F,\n"
        // D: before observation_start is a reject; the next row (31 Dec 2021 at Z) is kept.
        "D,2019-12-31T23:00:00Z,IN,P1,X,F,1990-01-01\n"
        "D,2021-12-31T23:59:59Z,OUT,P1,X,F,1990-01-01\n");
    RuleParameters p{*parse_iso_date("2020-01-01"), *parse_iso_date("2021-12-31"), 0, 12, 183};
    LinkRun run(csv, p);
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_person;
    for (const auto& row : run.events) {
        by_person[row[0]].emplace_back(row[2], row[3]);
    }
    using V = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(by_person[key_of("A")], (V{{"immigrant_arrival", "214"}}));
    EXPECT_EQ(by_person[key_of("B")], (V{{"unresolved", "122"}}));
    EXPECT_EQ(by_person[key_of("C")], (V{{"visitor", "182"}, {"visitor", "183"}}));
    // D: OUT on 2021-12-31 is the first crossing, 730 days after start -> resident; 1 absent night
    // observed, 364 unobserved -> 365 >= 183 is reachable -> unresolved.
    EXPECT_EQ(by_person[key_of("D")], (V{{"unresolved", "1"}}));
    ASSERT_EQ(run.rejects.size(), 1U);
    EXPECT_EQ(run.rejects[0], (std::vector<std::string>{"6", key_of("D"), "before_observation_start"}));

    // The same file at +03:00: D's IN moves to 2020-01-01 (kept) and D's OUT to 2022-01-01 (rejected).
    // D is then left-censored (0 days observed before, born 1990): unresolved, 366 nights of 2020.
    p.reference_offset_seconds = 3 * 3600;
    LinkRun shifted(csv, p);
    EXPECT_EQ(shifted.result.counts.rejected.at("after_observation_end"), 1U);
    EXPECT_EQ(shifted.result.counts.rejected.count("before_observation_start"), 0U);
    std::map<std::string, V> shifted_by_person;
    for (const auto& row : shifted.events) {
        shifted_by_person[row[0]].emplace_back(row[2], row[3]);
    }
    EXPECT_EQ(shifted_by_person[key_of("D")], (V{{"unresolved", "366"}}));
    EXPECT_EQ(shifted_by_person[key_of("C")], (V{{"visitor", "182"}, {"visitor", "183"}}));
}

TEST(LinkBadInput, CrlfLineEndingsGiveTheSameResult)
{
    test::TempDir dir;
    std::string text = test::read_file(fixtures + "/cases.csv");
    std::string crlf;
    for (const char c : text) {
        if (c == '\n') {
            crlf += '\r';
        }
        crlf += c;
    }
    const auto path = dir.file("cases_crlf.csv", crlf);
    LinkRun lf(fixtures + "/cases.csv", reference_params());
    LinkRun windows(path, reference_params());
    EXPECT_EQ(windows.events, lf.events);
    EXPECT_EQ(windows.rejects, lf.rejects);
    EXPECT_EQ(windows.duplicates, lf.duplicates);
}

TEST(LinkBadInput, QuotedFieldsKeepRecordNumbers)
{
    test::TempDir dir;
    const auto csv = dir.file("q.csv",
        "person_id,crossing_time,direction,crossing_point,nationality,sex,birth_date\n"
        "\"A,1\",2021-06-01T10:00:00Z,IN,\"P,1\",X,F,1990-01-01\n"         // record 2
        "A2,2021-06-02T10:00:00Z,SALIDA,\"two\nlines\",X,F,1990-01-01\n"   // record 3 (lines 3-4)
        "A3,not-a-time,IN,P1,X,F,1990-01-01\n"                              // record 4 (line 5)
        "\n"                                                                // record 5: empty line
        "A4,2021-06-02T10:00:00Z,IN,P1,X\n");                              // record 6: 5 fields
    RuleParameters p{*parse_iso_date("2020-01-01"), *parse_iso_date("2021-12-31"), 0, 16, 365};
    LinkRun run(csv, p);
    using R = std::vector<std::string>;
    ASSERT_EQ(run.rejects.size(), 4U);
    EXPECT_EQ(run.rejects[0], (R{"3", key_of("A2"), "bad_direction"}));
    EXPECT_EQ(run.rejects[1], (R{"4", key_of("A3"), "bad_timestamp"}));
    EXPECT_EQ(run.rejects[2], (R{"5", "", "malformed_record"}));
    EXPECT_EQ(run.rejects[3], (R{"6", "", "malformed_record"}));
    ASSERT_EQ(run.events.size(), 1U);
    EXPECT_EQ(run.events[0][0], key_of("A,1"));
    EXPECT_EQ(run.events[0][4], "P,1");
    EXPECT_EQ(run.result.counts.rows_read, 5U);
}

TEST(LinkBadInput, VeryLongLineIsOneMalformedRecord)
{
    test::TempDir dir;
    std::string text = "person_id,crossing_time,direction,crossing_point,nationality,sex,birth_date\n";
    text += "A," + std::string(3U << 20, 'x') + ",IN,P1,X,F,1990-01-01\n";
    text += "B,2021-06-01T10:00:00Z,IN,P1,X,F,1990-01-01\n";
    const auto csv = dir.file("long.csv", text);
    RuleParameters p{*parse_iso_date("2020-01-01"), *parse_iso_date("2021-12-31"), 0, 16, 365};
    LinkRun run(csv, p);
    ASSERT_EQ(run.rejects.size(), 1U);
    EXPECT_EQ(run.rejects[0][0], "2");
    EXPECT_EQ(run.rejects[0][2], "malformed_record");
    ASSERT_EQ(run.events.size(), 1U);
    EXPECT_EQ(run.events[0][0], key_of("B"));
}

TEST(LinkBadInput, NonUtf8BytesAreHashedOrTabulatedNeverDropped)
{
    test::TempDir dir;
    const auto csv = dir.file("enc.csv",
        "person_id,crossing_time,direction,crossing_point,nationality,sex,birth_date\n"
        "P\xff\xfe,2021-06-01T10:00:00Z,IN,P1,X,F,1990-01-01\n"
        "Q,2021-06-01T10:00:00Z,IN,Pt\xe9,X,F,1990-01-01\n"
        "R,2021-06-01T10:00:00\xff,IN,P1,X,F,1990-01-01\n");
    RuleParameters p{*parse_iso_date("2020-01-01"), *parse_iso_date("2021-12-31"), 0, 16, 365};
    LinkRun run(csv, p);
    ASSERT_EQ(run.events.size(), 2U);
    ASSERT_EQ(run.rejects.size(), 1U);
    EXPECT_EQ(run.rejects[0][2], "bad_timestamp");
    EXPECT_EQ(run.result.counts.non_utf8_values, 1U);
    const auto it = std::find_if(run.events.begin(), run.events.end(), [](const auto& r) { return r[0] == key_of("Q"); });
    ASSERT_NE(it, run.events.end());
    EXPECT_EQ((*it)[4], "<invalid-utf8>");
    EXPECT_TRUE(std::any_of(run.events.begin(), run.events.end(),
        [](const auto& r) { return r[0] == key_of("P\xff\xfe"); }));
}

TEST(LinkBadInput, StructuralProblemsThrowNamingTheFileAndColumn)
{
    test::TempDir dir;
    RuleParameters p{*parse_iso_date("2020-01-01"), *parse_iso_date("2021-12-31"), 0, 16, 365};
    const auto missing = dir.file("m.csv", "person_id,crossing_time,direction,crossing_point,nationality,sex\nA,x,IN,P,X,F\n");
    try {
        LinkRun run(missing, p);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("birth_date"), std::string::npos) << e.what();
    }
    EXPECT_THROW(LinkRun(dir.file("empty.csv", ""), p), InputError);
    EXPECT_THROW(LinkRun(dir.path() / "absent.csv", p), InputError);
    // A header only is valid: zero rows, everything reconciles.
    LinkRun header_only(dir.file("h.csv", "person_id,crossing_time,direction,crossing_point,nationality,sex,birth_date\n"), p);
    EXPECT_EQ(header_only.result.counts.rows_read, 0U);
    EXPECT_TRUE(header_only.events.empty());
}
