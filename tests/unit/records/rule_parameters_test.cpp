#include "common/error.hpp"
#include "common/civil_date.hpp"
#include "records/rule_parameters.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas;
using namespace migratlas::records;

namespace {
ParameterText base()
{
    return {{"observation_start", "2020-01-01"}, {"observation_end", "2024-12-31"},
        {"reference_utc_offset", "-05:00"}, {"window_months", "16"}, {"min_days", "365"}};
}
} // namespace

TEST(RuleParameters, ReadsTheReferenceFile)
{
    const ParameterText text = read_parameter_file(MIGRATLAS_FIXTURES_DIR "/linkage/params.txt");
    const RuleParameters p = parse_rule_parameters(text, {}, "params.txt");
    EXPECT_EQ(p.observation_start, *parse_iso_date("2020-01-01"));
    EXPECT_EQ(p.observation_end, *parse_iso_date("2024-12-31"));
    EXPECT_EQ(p.reference_offset_seconds, -18000);
    EXPECT_EQ(p.window_months, 16);
    EXPECT_EQ(p.min_days, 365);
    EXPECT_EQ(p.as_text()[2].second, "-05:00");
}

TEST(RuleParameters, CommentsAndBlanksAreIgnored)
{
    test::TempDir dir;
    const auto path = dir.file("p.txt", "# top\n\n observation_start = 2021-02-03 # trailing\r\nobservation_end=2022-01-01\n"
                                        "reference_utc_offset=Z\nwindow_months=12\nmin_days=183\n");
    const RuleParameters p = parse_rule_parameters(read_parameter_file(path), {}, "p.txt");
    EXPECT_EQ(p.observation_start, *parse_iso_date("2021-02-03"));
    EXPECT_EQ(p.reference_offset_seconds, 0);
    EXPECT_EQ(p.window_months, 12);
    EXPECT_EQ(p.min_days, 183);
}

TEST(RuleParameters, BadValuesAreUsageErrors)
{
    const std::pair<const char*, const char*> bad[] = {{"window_months", "0"}, {"window_months", "1.5"},
        {"window_months", "-3"}, {"min_days", ""}, {"min_days", "365d"}, {"observation_start", "2020-02-30"},
        {"observation_end", "2019-12-31"}, {"reference_utc_offset", "-05"}, {"reference_utc_offset", "+15:00"}};
    for (const auto& [key, value] : bad) {
        ParameterText text = base();
        text[key] = value;
        EXPECT_THROW((void)parse_rule_parameters(text, {}, "params.txt"), UsageError) << key << "=" << value;
    }
    ParameterText missing = base();
    missing.erase("min_days");
    EXPECT_THROW((void)parse_rule_parameters(missing, {}, "params.txt"), UsageError);
}

TEST(RuleParameters, BadOverrideIsASettingErrorNamingTheSettingNotTheFile)
{
    const ParameterText overrides = {{"window_months", "0"}};
    try {
        (void)parse_rule_parameters(base(), overrides, "params.txt");
        FAIL() << "expected SettingError";
    } catch (const SettingError& e) {
        EXPECT_EQ(e.setting(), "window_months");
        EXPECT_EQ(std::string(e.what()), "window_months: must be a whole number >= 1, got '0'");
    }
    ParameterText bad_file = base();
    bad_file["window_months"] = "0";
    try {
        (void)parse_rule_parameters(bad_file, {}, "params.txt");
        FAIL() << "expected UsageError";
    } catch (const SettingError&) {
        FAIL() << "a bad value in the file is not a setting of the front end";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()), "params.txt: parameter 'window_months' must be a whole number >= 1, got '0'");
    }
}

TEST(RuleParameters, UnknownKeyOrMalformedLineIsUsageError)
{
    test::TempDir dir;
    EXPECT_THROW((void)read_parameter_file(dir.file("a.txt", "window=16\n")), UsageError);
    EXPECT_THROW((void)read_parameter_file(dir.file("b.txt", "window_months 16\n")), UsageError);
    EXPECT_THROW((void)read_parameter_file(dir.path() / "absent.txt"), InputError);
}

