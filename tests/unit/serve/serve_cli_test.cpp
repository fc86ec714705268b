// Runs the real `migratlas serve`: exit codes and messages naming the flag, serving until SIGTERM
// with the report of what it served, --json, and --static-out writing (or refusing) a folder.
#include "serve/static_site.hpp"

#include "http_client.hpp"
#include "serve_test_support.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <sys/wait.h>

namespace migratlas::serve {
namespace {

struct Finished {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs migratlas with `arguments` to completion (stdout and stderr captured through files).
Finished run(const migratlas::test::TempDir& dir, const std::string& arguments)
{
    const auto out = dir.path() / "out.txt";
    const auto err = dir.path() / "err.txt";
    const std::string command = std::string(MIGRATLAS_BINARY) + " " + arguments + " >'" + out.string() + "' 2>'" +
        err.string() + "'";
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, migratlas::test::read_file(out), migratlas::test::read_file(err)};
}

/// `migratlas serve ...` in the background, stdout on a pipe we read the URL from.
class ServeProcess {
public:
    ServeProcess(const migratlas::test::TempDir& dir, std::vector<std::string> arguments) : m_err(dir.path() / "serve.err")
    {
        int pipe_fds[2];
        EXPECT_EQ(::pipe(pipe_fds), 0);
        m_pid = ::fork();
        if (m_pid == 0) {
            ::dup2(pipe_fds[1], STDOUT_FILENO);
            const int err = ::open(m_err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(err, STDERR_FILENO);
            ::close(pipe_fds[0]);
            std::vector<char*> argv{const_cast<char*>(MIGRATLAS_BINARY)};
            for (auto& argument : arguments) {
                argv.push_back(argument.data());
            }
            argv.push_back(nullptr);
            ::execv(MIGRATLAS_BINARY, argv.data());
            ::_exit(127);
        }
        ::close(pipe_fds[1]);
        m_out = pipe_fds[0];
    }
    ~ServeProcess()
    {
        if (m_pid > 0 && !m_reaped) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
        ::close(m_out);
    }
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    /// Reads stdout until a line starts with `prefix`; returns that line.
    std::string line_starting(const std::string& prefix)
    {
        while (true) {
            const auto newline = m_buffer.find('\n');
            if (newline != std::string::npos) {
                std::string line = m_buffer.substr(0, newline);
                m_buffer.erase(0, newline + 1);
                m_stdout += line + "\n";
                if (line.starts_with(prefix)) {
                    return line;
                }
                continue;
            }
            char chunk[4096];
            const auto got = ::read(m_out, chunk, sizeof chunk);
            if (got <= 0) {
                return {};
            }
            m_buffer.append(chunk, static_cast<std::size_t>(got));
        }
    }

    /// Sends `signal` and waits for the exit code; keeps reading stdout to its end.
    int stop(int signal)
    {
        ::kill(m_pid, signal);
        char chunk[4096];
        ssize_t got;
        while ((got = ::read(m_out, chunk, sizeof chunk)) > 0) {
            m_buffer.append(chunk, static_cast<std::size_t>(got));
        }
        int status = 0;
        ::waitpid(m_pid, &status, 0);
        m_reaped = true;
        m_stdout += m_buffer;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    [[nodiscard]] std::string err() const { return migratlas::test::read_file(m_err); }
    [[nodiscard]] const std::string& out() const { return m_stdout; }

private:
    pid_t m_pid = -1;
    int m_out = -1;
    bool m_reaped = false;
    std::filesystem::path m_err;
    std::string m_buffer;
    std::string m_stdout;
};

unsigned port_of(const std::string& line)
{
    const auto colon = line.rfind(':');
    return static_cast<unsigned>(std::stoul(line.substr(colon + 1)));
}

std::string tiles(const char* name)
{
    return (test::tiles_dir() / name).string();
}

TEST(ServeCli, BadSettingsAreUsageErrorsNamingTheFlag)
{
    migratlas::test::TempDir dir;
    auto finished = run(dir, "serve --tiles " + tiles("atlas.mbtiles") + " --port 70000");
    EXPECT_EQ(finished.exit_code, 2);
    EXPECT_NE(finished.err.find("--port"), std::string::npos) << finished.err;
    EXPECT_NE(finished.err.find("between 0 and 65535"), std::string::npos) << finished.err;
    finished = run(dir, "serve --tiles health=" + tiles("atlas.mbtiles"));
    EXPECT_EQ(finished.exit_code, 2);
    EXPECT_NE(finished.err.find("--tiles"), std::string::npos) << finished.err;
    finished = run(dir, "serve --tiles " + tiles("atlas.mbtiles") + " --bind 999.1.1.1");
    EXPECT_EQ(finished.exit_code, 2);
    EXPECT_NE(finished.err.find("--bind"), std::string::npos) << finished.err;
    finished = run(dir, "serve --tiles " + tiles("atlas.mbtiles") + " --threads 9999");
    EXPECT_EQ(finished.exit_code, 2);
    EXPECT_NE(finished.err.find("--threads"), std::string::npos) << finished.err;
    finished = run(dir, "serve");
    EXPECT_EQ(finished.exit_code, 2);
}

TEST(ServeCli, AMissingOrUnreadableArchiveIsAnErrorNamingIt)
{
    migratlas::test::TempDir dir;
    auto finished = run(dir, "serve --tiles '" + (dir.path() / "absent.pmtiles").string() + "'");
    EXPECT_EQ(finished.exit_code, 1);
    EXPECT_NE(finished.err.find("absent.pmtiles"), std::string::npos) << finished.err;
    const auto text = dir.file("notes.mbtiles", "not a database");
    finished = run(dir, "serve --tiles '" + text.string() + "'");
    EXPECT_EQ(finished.exit_code, 1);
    EXPECT_NE(finished.err.find("notes.mbtiles"), std::string::npos) << finished.err;
}

TEST(ServeCli, ServesUntilSigtermThenReportsWhatItServed)
{
    migratlas::test::TempDir dir;
    ServeProcess serve(dir, {"serve", "--tiles", "atlas=" + tiles("atlas.mbtiles"), "--tiles", tiles("atlas_leaves.pmtiles"),
        "--port", "0", "--data", (test::fixture_dir() / "published").string()});
    const auto line = serve.line_starting("Serving on http://127.0.0.1:");
    ASSERT_FALSE(line.empty()) << serve.err();
    EXPECT_NE(serve.out().find("Viewer:   http://127.0.0.1:"), std::string::npos) << serve.out();
    EXPECT_NE(serve.out().find("/atlas.json"), std::string::npos) << serve.out();
    {
        test::Connection connection(port_of(line.substr(0, line.find('/', 20))));
        EXPECT_EQ(connection.get("/health")->status, 200);
        EXPECT_EQ(connection.get("/atlas/1/0/0.pbf")->status, 200);
        EXPECT_EQ(connection.get("/data/datapackage.json")->status, 200);
    }
    EXPECT_EQ(serve.stop(SIGTERM), 0) << serve.err();
    EXPECT_NE(serve.err().find("stopped after 3 requests"), std::string::npos) << serve.err();
}

TEST(ServeCli, JsonPrintsTheOutcomeWhenStopped)
{
    migratlas::test::TempDir dir;
    ServeProcess serve(dir, {"--json", "serve", "--tiles", tiles("atlas.pmtiles"), "--port", "0"});
    // With --json the listening lines go to stderr; stdout holds only the final document.
    std::string line;
    for (int attempt = 0; attempt < 100 && line.empty(); ++attempt) {
        const auto err = serve.err();
        if (const auto at = err.find("Serving on http://127.0.0.1:"); at != std::string::npos) {
            line = err.substr(at, err.find('\n', at) - at);
        } else {
            ::usleep(50000);
        }
    }
    ASSERT_FALSE(line.empty()) << serve.err();
    {
        test::Connection connection(port_of(line.substr(0, line.find('/', 20))));
        EXPECT_EQ(connection.get("/atlas/1/0/0.pbf")->status, 200);
        EXPECT_EQ(connection.get("/nope")->status, 404);
    }
    EXPECT_EQ(serve.stop(SIGINT), 0) << serve.err();
    const auto document = nlohmann::json::parse(serve.out());
    EXPECT_EQ(document["command"], "serve");
    EXPECT_EQ(document["outcome"]["requests"], 2);
    EXPECT_EQ(document["outcome"]["responses_4xx"], 1);
}

TEST(ServeCli, StaticOutWritesASiteAndRefusesAForeignFolder)
{
    migratlas::test::TempDir dir;
    const auto site = dir.path() / "site";
    const std::string common = "serve --tiles atlas=" + tiles("atlas.pmtiles") + " --data '" +
        (test::fixture_dir() / "published").string() + "' --viewer-config '" + (test::fixture_dir() / "viewer.json").string() + "'";
    auto finished = run(dir, common + " --static-out '" + site.string() + "'");
    ASSERT_EQ(finished.exit_code, 0) << finished.err;
    for (const char* file : {"index.html", "viewer/main.js", "lib/maplibre-gl.js", "lib/pmtiles.js", "config.json",
             "tiles/atlas.pmtiles", "data/datapackage.json", "data/events_monthly.csv", "README.txt", static_site_marker}) {
        EXPECT_TRUE(std::filesystem::is_regular_file(site / file)) << file;
    }
    const auto config = nlohmann::json::parse(migratlas::test::read_file(site / "config.json"));
    EXPECT_EQ(config["tilesets"]["atlas"]["pmtiles"], "tiles/atlas.pmtiles");
    EXPECT_EQ(config["data"], "data/datapackage.json");
    EXPECT_EQ(config["layers"].size(), 4U);
    // An earlier site is replaced; a folder that is not one is left alone.
    EXPECT_EQ(run(dir, common + " --static-out '" + site.string() + "'").exit_code, 0);
    const auto foreign = dir.path() / "foreign";
    std::filesystem::create_directories(foreign);
    (void)dir.file("foreign/keep.txt", "mine");
    finished = run(dir, common + " --static-out '" + foreign.string() + "'");
    EXPECT_EQ(finished.exit_code, 2);
    EXPECT_NE(finished.err.find("--static-out"), std::string::npos) << finished.err;
    EXPECT_EQ(migratlas::test::read_file(foreign / "keep.txt"), "mine");
    EXPECT_FALSE(std::filesystem::exists(foreign / "index.html"));
    // Only what the data package lists is published: a key file beside the tables is not copied,
    // and a folder without a data package is refused.
    const auto published = dir.path() / "published";
    std::filesystem::copy(test::fixture_dir() / "published", published);
    (void)dir.file("published/hmac.key", "secret");
    finished = run(dir, "serve --tiles atlas=" + tiles("atlas.pmtiles") + " --data '" + published.string() +
        "' --static-out '" + (dir.path() / "site2").string() + "'");
    ASSERT_EQ(finished.exit_code, 0) << finished.err;
    EXPECT_TRUE(std::filesystem::is_regular_file(dir.path() / "site2/data/events_monthly.csv"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "site2/data/hmac.key"));
    std::filesystem::remove(published / "datapackage.json");
    finished = run(dir, "serve --tiles atlas=" + tiles("atlas.pmtiles") + " --data '" + published.string() +
        "' --static-out '" + (dir.path() / "site3").string() + "'");
    EXPECT_EQ(finished.exit_code, 2);
    EXPECT_NE(finished.err.find("--data"), std::string::npos) << finished.err;
    EXPECT_NE(finished.err.find("datapackage.json"), std::string::npos) << finished.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "site3"));
    // MBTiles cannot be served by a static host.
    finished = run(dir, "serve --tiles " + tiles("atlas.mbtiles") + " --static-out '" + (dir.path() / "new").string() + "'");
    EXPECT_EQ(finished.exit_code, 2);
    EXPECT_NE(finished.err.find("PMTiles"), std::string::npos) << finished.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "new"));
}

} // namespace
} // namespace migratlas::serve
