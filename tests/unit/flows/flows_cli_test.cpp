// `migratlas flows` and `migratlas border` through the real CLI: exit codes, messages that name the
// flag, and the --json document.
#include "test_files.hpp"
#include "tiny_workspace.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

using namespace migratlas;

namespace {

struct Cli {
    int status = 0;
    std::string out, err;
};

Cli run(const test::TempDir& dir, const std::string& arguments)
{
    const auto out = dir.path() / "out.txt";
    const auto err = dir.path() / "err.txt";
    const int raw = std::system((std::string(MIGRATLAS_BINARY) + " " + arguments + " > '" + out.string() + "' 2> '" +
        err.string() + "'").c_str());
    return {WEXITSTATUS(raw), test::read_file(out), test::read_file(err)};
}

} // namespace

TEST(FlowsCli, BadSettingsAreUsageErrorsNamingTheFlag)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    test::write_tiny_workspace(ws, {test::event("2023-01", "immigrant_arrival", "F", "18-29", "XOE", "P1", "XNA-02001",
                                       "XNA-01001", 3)}, {}, true);
    const Cli level = run(dir, "flows --workspace '" + ws.string() + "' --level 4");
    EXPECT_EQ(level.status, 2);
    EXPECT_NE(level.err.find("--level: must be 2 or 3, got 4 (setting level)"), std::string::npos) << level.err;
    const Cli buffer = run(dir, "border --workspace '" + ws.string() + "' --buffer-km 900");
    EXPECT_EQ(buffer.status, 2);
    EXPECT_NE(buffer.err.find("--buffer-km: must be above 0 and at most 500 km, got 900"), std::string::npos) << buffer.err;
    const Cli nothing = run(dir, "flows --workspace '" + ws.string() + "' --period 2030");
    EXPECT_EQ(nothing.status, 1);
    EXPECT_NE(nothing.err.find("period 2030 matches no month"), std::string::npos) << nothing.err;
}

TEST(FlowsCli, JsonReportsTheOutcomeAndDiagnostics)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    test::write_tiny_workspace(ws, {test::event("2023-01", "immigrant_arrival", "F", "18-29", "XOE", "P1", "XNA-02001",
                                        "XNA-01001", 3),
                                       test::event("2023-02", "immigrant_arrival", "F", "18-29", "XOE", "P1", "XNA-02001",
                                           "XNA-77", 1)},
        {}, true);
    const Cli r = run(dir, "--json flows --workspace '" + ws.string() + "' --period 2023");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["command"], "flows");
    EXPECT_EQ(doc["status"], "ok");
    EXPECT_EQ(doc["outcome"]["counts"]["migration_events_in_flows"], 3);
    EXPECT_EQ(doc["outcome"]["counts"]["events_not_joined:unknown_code"], 1);
    EXPECT_EQ(doc["outcome"]["system_indicators"][0]["flow_type"], "migration");
    EXPECT_EQ(doc["diagnostics"]["rejected"]["unknown_code"], 1);
    EXPECT_EQ(doc["diagnostics"]["entries"][0]["code"], "unknown_code");
}
