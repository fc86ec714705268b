// Runs the real `migratlas link` executable: exit codes, messages, and a byte search of every output
// (CSV files and the workspace GeoPackage) for the raw person identifiers and the key.
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <set>
#include <string>

namespace {

const std::string fixtures = MIGRATLAS_FIXTURES_DIR "/linkage";

struct CliResult {
    int exit_code = -1;
    std::string stderr_text;
};

CliResult run_cli(const migratlas::test::TempDir& dir, const std::string& arguments)
{
    const auto err = dir.path() / "stderr.txt";
    const std::string command = std::string(MIGRATLAS_BINARY) + " " + arguments + " 2> '" + err.string() + "'";
    const int status = std::system(command.c_str());
    CliResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.stderr_text = migratlas::test::read_file(err);
    return result;
}

std::string reference_args(const migratlas::test::TempDir& dir)
{
    return "link --crossings '" + fixtures + "/cases.csv' --params '" + fixtures + "/params.txt' --key-file '" +
        (dir.path() / "key").string() + "'";
}

} // namespace

TEST(LinkCommand, NoRawIdentifierOrKeyInAnyOutputByte)
{
    migratlas::test::TempDir dir;
    const std::string key = "k3y-that-must-never-leak";
    (void)dir.file("key", key);
    const auto out = dir.path() / "out";
    std::filesystem::create_directories(out);
    const CliResult r = run_cli(dir, reference_args(dir) + " --workspace '" + (out / "ws.gpkg").string() +
        "' --events-csv '" + (out / "events.csv").string() + "' --rejects-csv '" + (out / "rejects.csv").string() +
        "' --duplicates-csv '" + (out / "duplicates.csv").string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_NE(r.stderr_text.find("855 rows read = 849 events + 3 rejected + 3 duplicates"), std::string::npos)
        << r.stderr_text;

    std::set<std::string> ids;
    migratlas::test::TempDir scratch;
    const std::string cases = migratlas::test::read_file(fixtures + "/cases.csv");
    for (std::size_t pos = cases.find('\n') + 1; pos < cases.size();) {
        const std::size_t end = cases.find('\n', pos);
        const std::string line = cases.substr(pos, end - pos);
        const std::size_t a = line.find(',');
        const std::size_t b = line.find(',', a + 1);
        if (b > a + 1) {
            ids.insert(line.substr(a + 1, b - a - 1));
        }
        pos = end + 1;
    }
    ASSERT_EQ(ids.size(), 36U);
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(out)) {
        const std::string bytes = migratlas::test::read_file(entry.path());
        ASSERT_FALSE(bytes.empty()) << entry.path();
        ++files;
        for (const auto& id : ids) {
            EXPECT_EQ(bytes.find(id), std::string::npos) << id << " found in " << entry.path();
        }
        EXPECT_EQ(bytes.find(key), std::string::npos) << "key found in " << entry.path();
    }
    EXPECT_EQ(files, 4U);  // events, rejects, duplicates, workspace (temporary copy removed)
    for (const auto& id : ids) {
        EXPECT_EQ(r.stderr_text.find(id), std::string::npos) << id << " in stderr";
    }
}

TEST(LinkCommand, BadParametersAreUsageErrors)
{
    migratlas::test::TempDir dir;
    (void)dir.file("key", "k");
    EXPECT_EQ(run_cli(dir, reference_args(dir) + " --window-months 0").exit_code, 2);
    EXPECT_EQ(run_cli(dir, reference_args(dir) + " --min-days 1.5").exit_code, 2);
    EXPECT_EQ(run_cli(dir, reference_args(dir) + " --observation-end 2019-01-01").exit_code, 2);
    EXPECT_EQ(run_cli(dir, reference_args(dir) + " --reference-utc-offset 5").exit_code, 2);
    EXPECT_EQ(run_cli(dir, reference_args(dir) + " --memory-budget lots").exit_code, 2);
    const auto bad = dir.file("bad_params.txt", "observation_start=2020-01-01\nwindow_months=16\n");
    const CliResult r = run_cli(dir, "link --crossings '" + fixtures + "/cases.csv' --params '" + bad.string() +
        "' --key-file '" + (dir.path() / "key").string() + "'");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.stderr_text.find("observation_end"), std::string::npos) << r.stderr_text;
}

TEST(LinkCommand, ParameterFlagsOverrideTheFile)
{
    migratlas::test::TempDir dir;
    (void)dir.file("key", "k");
    const CliResult r = run_cli(dir, reference_args(dir) + " --observation-end 2023-12-31");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    // Everything after 2023-12-31 becomes after_observation_end instead of 1 reference reject.
    EXPECT_EQ(r.stderr_text.find("after_observation_end 1 "), std::string::npos) << r.stderr_text;
    EXPECT_NE(r.stderr_text.find("after_observation_end"), std::string::npos) << r.stderr_text;
}

TEST(LinkCommand, MissingOrEmptyKeyFileIsAClearError)
{
    migratlas::test::TempDir dir;
    CliResult r = run_cli(dir, reference_args(dir));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.stderr_text.find("key file not found"), std::string::npos) << r.stderr_text;
    (void)dir.file("key", "");
    r = run_cli(dir, reference_args(dir));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.stderr_text.find("key file is empty"), std::string::npos) << r.stderr_text;
}

TEST(LinkCommand, MissingColumnAndEmptyFileExitOne)
{
    migratlas::test::TempDir dir;
    (void)dir.file("key", "k");
    const auto key = (dir.path() / "key").string();
    const auto params = fixtures + "/params.txt";
    const auto wrong = dir.file("wrong.csv", "id,time,dir\n1,2,3\n");
    CliResult r = run_cli(dir, "link --crossings '" + wrong.string() + "' --params '" + params + "' --key-file '" + key + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.stderr_text.find("missing required column 'person_id'"), std::string::npos) << r.stderr_text;
    const auto empty = dir.file("empty.csv", "");
    r = run_cli(dir, "link --crossings '" + empty.string() + "' --params '" + params + "' --key-file '" + key + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.stderr_text.find("empty"), std::string::npos) << r.stderr_text;
    r = run_cli(dir, "link --crossings '" + (dir.path() / "absent.csv").string() + "' --params '" + params +
        "' --key-file '" + key + "'");
    EXPECT_EQ(r.exit_code, 1);
}

TEST(LinkCommand, StrictStopsAtTheFirstRejectAndLeavesNoPartialOutput)
{
    migratlas::test::TempDir dir;
    (void)dir.file("key", "0123456789abcdef");
    const auto events = dir.path() / "events.csv";
    const auto rejects = dir.path() / "rejects.csv";
    const CliResult r = run_cli(dir, reference_args(dir) + " --strict --events-csv '" + events.string() +
        "' --rejects-csv '" + rejects.string() + "'");
    EXPECT_EQ(r.exit_code, 1);
    // The first rejected record of cases.csv is line 812 (after observation_end).
    EXPECT_NE(r.stderr_text.find("cases.csv:812"), std::string::npos) << r.stderr_text;
    EXPECT_NE(r.stderr_text.find("strict mode stops at the first rejected row"), std::string::npos) << r.stderr_text;
    EXPECT_FALSE(std::filesystem::exists(events));
    EXPECT_FALSE(std::filesystem::exists(rejects));
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename().string().find(".partial-"), std::string::npos) << entry.path();
    }
}
