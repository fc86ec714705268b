// The HTTP server on a real loopback socket: keep-alive, pipelining, malformed and oversized
// requests, slow and idle clients, the connection cap, many clients at once, stopping.
#include "serve/serve_run.hpp"

#include "common/error.hpp"
#include "http_client.hpp"
#include "serve_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <thread>

namespace migratlas::serve {
namespace {

using test::Connection;

/// Resident set size of this process in bytes (/proc/self/statm).
std::size_t resident_bytes()
{
    std::ifstream statm("/proc/self/statm");
    std::size_t total = 0;
    std::size_t resident = 0;
    statm >> total >> resident;
    return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

class RunningServer {
public:
    explicit RunningServer(Request request) : m_server(request, m_diagnostics)
    {
        m_thread = std::thread([this] { m_server.run(false); });
    }
    ~RunningServer()
    {
        m_server.stop();
        m_thread.join();
    }
    RunningServer(const RunningServer&) = delete;
    RunningServer& operator=(const RunningServer&) = delete;

    [[nodiscard]] unsigned port() const { return m_server.port(); }
    [[nodiscard]] Outcome outcome() const { return m_server.outcome(); }

private:
    Diagnostics m_diagnostics;
    Server m_server;
    std::thread m_thread;
};

Request test_request()
{
    Request request;
    request.tilesets = {{"atlas", test::tiles_dir() / "atlas.mbtiles"}, {"atlas_pm", test::tiles_dir() / "atlas.pmtiles"}};
    request.data_dir = test::fixture_dir() / "published";
    request.port = 0;
    request.threads = 2;
    request.read_timeout_s = 0.5;
    request.write_timeout_s = 2;
    return request;
}

TEST(ServeServer, KeepAliveServesManyRequestsOnOneConnection)
{
    RunningServer server(test_request());
    Connection connection(server.port());
    for (int i = 0; i < 20; ++i) {
        const auto response = connection.get(i % 2 == 0 ? "/atlas/1/0/0.pbf" : "/atlas_pm/1/0/0.pbf", "Accept-Encoding: gzip\r\n");
        ASSERT_TRUE(response) << i;
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->headers.at("content-encoding"), "gzip");
        EXPECT_EQ(response->headers.count("connection"), 0U);
    }
    EXPECT_EQ(server.outcome().server.connections, 1U);
}

TEST(ServeServer, Http10AndConnectionCloseEndTheConnection)
{
    RunningServer server(test_request());
    Connection old(server.port());
    ASSERT_TRUE(old.send("GET /health HTTP/1.0\r\n\r\n"));
    const auto response = old.receive();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_TRUE(old.closed_within(std::chrono::seconds(2)));

    Connection closing(server.port());
    ASSERT_TRUE(closing.get("/health", "Connection: close\r\n"));
    EXPECT_TRUE(closing.closed_within(std::chrono::seconds(2)));
}

TEST(ServeServer, PipelinedRequestsAreAnsweredInOrder)
{
    RunningServer server(test_request());
    Connection connection(server.port());
    ASSERT_TRUE(connection.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\nGET /atlas/9/0/0.pbf HTTP/1.1\r\nHost: a\r\n\r\n"
                                "HEAD /atlas.json HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\n"));
    EXPECT_EQ(connection.receive()->status, 200);
    EXPECT_EQ(connection.receive()->status, 204);
    const auto head = connection.receive(true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_GT(std::stoul(head->headers.at("content-length")), 100U);
    EXPECT_EQ(connection.receive()->status, 404);
}

TEST(ServeServer, OversizedHeadersGet431AndTheConnectionCloses)
{
    RunningServer server(test_request());
    Connection connection(server.port());
    ASSERT_TRUE(connection.send("GET /health HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(40000, 'x') + "\r\n\r\n"));
    const auto response = connection.receive();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 431);
    EXPECT_TRUE(connection.closed_within(std::chrono::seconds(2)));

    Connection long_target(server.port());
    (void)long_target.send("GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(long_target.receive()->status, 431);
}

TEST(ServeServer, MalformedRequestsGet400AndTheServerGoesOn)
{
    RunningServer server(test_request());
    for (const std::string& bad : {std::string("GARBAGE\r\n\r\n"), std::string("GET /health HTTP/1.1\r\nNo colon here\r\n\r\n"),
             std::string("GET /health\r\n\r\n"), std::string("GET /health HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n"),
             std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), std::string("GET  /health  HTTP/1.1\r\n\r\n")}) {
        Connection connection(server.port());
        ASSERT_TRUE(connection.send(bad));
        const auto response = connection.receive();
        ASSERT_TRUE(response) << bad;
        EXPECT_EQ(response->status, 400) << bad;
        EXPECT_TRUE(connection.closed_within(std::chrono::seconds(2))) << bad;
    }
    Connection two(server.port());
    (void)two.send("GET /health HTTP/2.0\r\nHost: a\r\n\r\n");
    EXPECT_EQ(two.receive()->status, 400);  // Beast's parser knows HTTP/1.0 and 1.1 only
    Connection minor(server.port());
    (void)minor.send("GET /health HTTP/1.7\r\nHost: a\r\n\r\n");
    EXPECT_EQ(minor.receive()->status, 400);
    Connection healthy(server.port());
    EXPECT_EQ(healthy.get("/health")->status, 200);
}

TEST(ServeServer, RequestBodiesAreRefusedWith413)
{
    RunningServer server(test_request());
    for (const char* request : {"POST /health HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789",
             "GET /health HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"}) {
        Connection connection(server.port());
        ASSERT_TRUE(connection.send(request));
        const auto response = connection.receive();
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 413) << request;
        EXPECT_TRUE(connection.closed_within(std::chrono::seconds(2)));
    }
}

TEST(ServeServer, SlowAndIdleClientsAreClosedByTheTimeout)
{
    RunningServer server(test_request());
    Connection slow(server.port());
    ASSERT_TRUE(slow.send("GET /health HTTP/1.1\r\nHo"));  // and never the rest
    Connection idle(server.port());
    ASSERT_EQ(idle.get("/health")->status, 200);  // then silence on a keep-alive connection
    Connection silent(server.port());              // connects and sends nothing
    EXPECT_TRUE(slow.closed_within(std::chrono::seconds(5)));
    EXPECT_TRUE(idle.closed_within(std::chrono::seconds(5)));
    EXPECT_TRUE(silent.closed_within(std::chrono::seconds(5)));
    EXPECT_GE(server.outcome().server.timeouts, 3U);
    Connection fresh(server.port());
    EXPECT_EQ(fresh.get("/health")->status, 200);
}

TEST(ServeServer, ConnectionsBeyondTheCapGet503)
{
    auto request = test_request();
    request.max_connections = 4;
    RunningServer server(request);
    std::vector<Connection> held;
    for (int i = 0; i < 4; ++i) {
        held.emplace_back(server.port());
        ASSERT_EQ(held.back().get("/health")->status, 200);
    }
    Connection extra(server.port());
    const auto refused = extra.receive();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503);
    held.clear();  // the held connections close; their slots come back
    for (int attempt = 0; attempt < 50; ++attempt) {
        Connection again(server.port());
        const auto response = again.get("/health");
        if (response && response->status == 200) {
            SUCCEED();
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "slots were not released after the held connections closed";
}

TEST(ServeServer, ManyClientsAtOnceGetEveryAnswerWithMemoryBounded)
{
    auto request = test_request();
    request.read_timeout_s = 20;
    RunningServer server(request);
    // Warm up allocator arenas and the tile cache before measuring.
    {
        Connection warm(server.port());
        for (int i = 0; i < 100; ++i) {
            (void)warm.get("/atlas/1/0/0.pbf");
        }
    }
    const auto before = resident_bytes();
    constexpr int threads = 16;
    constexpr int connections_per_thread = 32;  // 512 connections open at once
    constexpr int rounds = 10;
    const std::vector<std::string> targets = {"/atlas/0/0/0.pbf", "/atlas/1/0/0.pbf", "/atlas_pm/1/0/0.pbf",
        "/atlas/9/0/0.pbf", "/atlas.json", "/data/datapackage.json", "/health", "/atlas/99/0/0.pbf"};
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < threads; ++t) {
        clients.emplace_back([&, t] {
            std::vector<Connection> mine;
            for (int c = 0; c < connections_per_thread; ++c) {
                mine.emplace_back(server.port());
            }
            for (int round = 0; round < rounds; ++round) {
                for (std::size_t c = 0; c < mine.size(); ++c) {
                    const auto& target = targets[(c + static_cast<std::size_t>(round + t)) % targets.size()];
                    (void)mine[c].send("GET " + target + " HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
                }
                for (auto& connection : mine) {
                    const auto response = connection.receive();
                    const bool good = response && response->status < 500 && response->status != 0;
                    (good ? ok : failed).fetch_add(1);
                }
            }
        });
    }
    for (auto& client : clients) {
        client.join();
    }
    EXPECT_EQ(failed.load(), 0);
    EXPECT_EQ(ok.load(), threads * connections_per_thread * rounds);
    const auto outcome = server.outcome();
    EXPECT_EQ(outcome.server.responses_5xx, 0U);
    EXPECT_GE(outcome.server.connections, static_cast<std::uint64_t>(threads * connections_per_thread));
    // 512 connections with their buffers, plus the client threads: far below 64 MB.
    EXPECT_LT(resident_bytes(), before + (64U << 20)) << "resident memory grew from " << before << " bytes";
}

TEST(ServeServer, RandomBytesNeverBringItDown)
{
    RunningServer server(test_request());
    std::mt19937 random(12);
    for (int i = 0; i < 200; ++i) {
        Connection connection(server.port());
        std::string junk(static_cast<std::size_t>(random() % 3000), '\0');
        for (char& c : junk) {
            c = static_cast<char>(random());
        }
        if (i % 3 == 0) {
            junk = "GET /" + junk;  // a plausible start, then noise
        }
        (void)connection.send(junk + "\r\n\r\n");
        (void)connection.closed_within(std::chrono::milliseconds(i % 10 == 0 ? 50 : 0));
    }
    Connection healthy(server.port());
    const auto response = healthy.get("/atlas/1/0/0.pbf");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
}

TEST(ServeServer, StopsPromptlyWithClientsConnected)
{
    auto server = std::make_unique<RunningServer>(test_request());
    Connection one(server->port());
    Connection two(server->port());
    ASSERT_EQ(one.get("/health")->status, 200);
    const auto started = std::chrono::steady_clock::now();
    server.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_TRUE(two.closed_within(std::chrono::seconds(2)));
}

TEST(ServeServer, SettingsAreCheckedByName)
{
    Diagnostics diagnostics;
    const auto setting_of = [&](const Request& request) -> std::string {
        try {
            Server server(request, diagnostics);
        } catch (const SettingError& error) {
            return error.setting();
        }
        return "accepted";
    };
    auto request = test_request();
    request.port = 70000;
    EXPECT_EQ(setting_of(request), "port");
    request = test_request();
    request.threads = 1000;
    EXPECT_EQ(setting_of(request), "threads");
    request = test_request();
    request.bind = "not-an-address";
    EXPECT_EQ(setting_of(request), "bind");
    request = test_request();
    request.missing_tile_status = 500;
    EXPECT_EQ(setting_of(request), "missing_tile_status");
    request = test_request();
    request.tilesets = {};
    EXPECT_EQ(setting_of(request), "tilesets");
    request = test_request();
    request.tilesets = {{"data", test::tiles_dir() / "atlas.mbtiles"}};
    EXPECT_EQ(setting_of(request), "tilesets");
    request = test_request();
    request.tilesets = {{"a", test::tiles_dir() / "atlas.mbtiles"}, {"a", test::tiles_dir() / "atlas.pmtiles"}};
    EXPECT_EQ(setting_of(request), "tilesets");
    request = test_request();
    request.public_url = "ftp://x";
    EXPECT_EQ(setting_of(request), "public_url");
    request = test_request();
    request.read_timeout_s = 0;
    EXPECT_EQ(setting_of(request), "read_timeout_s");
    request = test_request();
    EXPECT_EQ(setting_of(request), "accepted");
}

TEST(ServeServer, APortInUseIsAnErrorNamingIt)
{
    RunningServer first(test_request());
    auto request = test_request();
    request.port = static_cast<int>(first.port());
    Diagnostics diagnostics;
    try {
        Server second(request, diagnostics);
        FAIL() << "a second server bound the same port";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find(std::to_string(first.port())), std::string::npos) << error.what();
    }
}

} // namespace
} // namespace migratlas::serve
