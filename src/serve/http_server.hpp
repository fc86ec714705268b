// The HTTP/1.1 server of `migratlas serve` on Boost.Beast/Asio: one event loop per thread,
// keep-alive, bounded request headers, read and write timeouts that close slow or idle clients,
// a connection cap. It parses requests, asks the Router for the response and writes it.
#pragma once

#include "serve/router.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace migratlas::serve {

struct ServerSettings {
    std::string bind = "127.0.0.1";
    unsigned port = 8080;   ///< 0: any free port (see HttpServer::port)
    unsigned threads = 0;   ///< 0: one per core
    std::chrono::milliseconds read_timeout{20000};   ///< to receive a whole request, idle keep-alive included
    std::chrono::milliseconds write_timeout{30000};  ///< to send a whole response
    std::size_t header_limit = 16384;                ///< request line and headers, bytes (431 beyond)
    std::size_t max_connections = 4096;              ///< more are answered 503 and closed
};

struct ServerStats {
    std::uint64_t connections = 0;       ///< accepted
    std::uint64_t refused = 0;           ///< answered 503 at the connection cap
    std::uint64_t requests = 0;
    std::uint64_t responses_2xx = 0;
    std::uint64_t responses_3xx = 0;
    std::uint64_t responses_4xx = 0;
    std::uint64_t responses_5xx = 0;
    std::uint64_t timeouts = 0;          ///< connections closed because a read or write timed out
};

class HttpServer {
public:
    /// Binds and listens (so that the port is known and errors surface before run()). Throws
    /// SettingError for a bind address that is not an IP address, Error when it cannot listen.
    HttpServer(Router& router, ServerSettings settings);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    [[nodiscard]] unsigned port() const;
    /// "http://127.0.0.1:8080" (IPv6 addresses in brackets).
    [[nodiscard]] std::string origin() const;
    [[nodiscard]] unsigned threads() const;

    /// Serves until stop() or, when `stop_on_signals`, until SIGINT or SIGTERM. Blocks.
    void run(bool stop_on_signals);
    /// Stops accepting, closes connections and makes run() return. Safe from any thread.
    void stop();
    [[nodiscard]] ServerStats stats() const;

    class Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace migratlas::serve
