#include "serve/http_server.hpp"

#include "common/error.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

#include <array>
#include <list>
#include <ctime>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

namespace migratlas::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string_view view(boost::string_view text)
{
    return {text.data(), text.size()};
}

/// Deadlines need no more than a few milliseconds of precision: the coarse clock reads in a few
/// nanoseconds without a syscall.
struct Clock {
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<Clock, duration>;
    static time_point now()
    {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
        return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
    }
};

/// Counters written by one event-loop thread only; read by stats() from any thread.
struct alignas(64) LoopStats {
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> by_class[6] = {};
    std::atomic<std::uint64_t> timeouts{0};

    void count(unsigned status)
    {
        requests.fetch_add(1, std::memory_order_relaxed);
        by_class[std::min(status / 100, 5U)].fetch_add(1, std::memory_order_relaxed);
    }
};

/// The canned answer for a request the parser rejected; the connection closes after it.
HttpResponse parse_failure(const beast::error_code& error)
{
    if (error == http::error::header_limit || error == http::error::buffer_overflow) {
        auto response = HttpResponse::text(431, "431 Request Header Fields Too Large\n");
        response.close_connection();
        return response;
    }
    if (error == http::error::body_limit || error == http::error::unexpected_body) {
        auto response = HttpResponse::text(413, "413 Content Too Large: requests to this server carry no body\n");
        response.close_connection();
        return response;
    }
    auto response = HttpResponse::text(400, "400 Bad Request: malformed HTTP request\n");
    response.close_connection();
    return response;
}

} // namespace

class HttpServer::Impl {
public:
    Impl(Router& router, ServerSettings settings);

    class Session;

    /// One event loop: its thread runs only this context, so its sessions need no locks. Every
    /// session has a deadline; a sweep every `sweep_interval` closes those past it. (One coarse
    /// sweep instead of a timer per read and write: re-arming a timer per operation costs two
    /// timer-queue updates and often a timerfd syscall per request.)
    struct Loop {
        std::list<Session*> sessions;  // before `context`: pending handlers die with the context and unregister here
        asio::io_context context{1};
        std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
        std::optional<asio::steady_timer> sweep;
        LoopStats stats;
    };

    void sweep(Loop& loop);

    void accept();
    void refuse(tcp::socket socket);
    void run(bool stop_on_signals);
    void stop();

    // Declaration order is destruction order reversed: the I/O objects go before the loops whose
    // contexts they use, and the loops (whose pending handlers own sessions) before the counters
    // the sessions update as they die.
    Router& m_router;
    ServerSettings m_settings;
    std::atomic<std::size_t> m_live{0};
    std::atomic<std::uint64_t> m_connections{0};
    std::atomic<std::uint64_t> m_refused{0};
    std::atomic<bool> m_stopped{false};
    std::vector<std::unique_ptr<Loop>> m_loops;
    tcp::acceptor m_acceptor;
    asio::steady_timer m_accept_retry;
    std::optional<asio::signal_set> m_signals;
    std::size_t m_next_loop = 0;
};

class HttpServer::Impl::Session : public std::enable_shared_from_this<Session> {
public:
    Session(Impl& server, Loop& loop, tcp::socket socket)
        : m_server(server), m_loop(loop), m_socket(std::move(socket)),
          m_buffer(server.m_settings.header_limit + 4096)
    {
        m_loop.sessions.push_front(this);
        m_registration = m_loop.sessions.begin();
    }
    ~Session()
    {
        m_loop.sessions.erase(m_registration);
        m_server.m_live.fetch_sub(1, std::memory_order_relaxed);
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start() { read(); }

    /// Called by the sweep: closes the connection when its deadline has passed.
    void expire_if_due(Clock::time_point now)
    {
        if (now >= m_deadline && !m_timed_out) {
            m_timed_out = true;
            m_loop.stats.timeouts.fetch_add(1, std::memory_order_relaxed);
            beast::error_code ignored;
            m_socket.close(ignored);  // pending operations complete with operation_aborted
        }
    }

private:
    void read()
    {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(m_server.m_settings.header_limit));
        m_parser->body_limit(0);
        m_deadline = Clock::now() + m_server.m_settings.read_timeout;
        // No readiness wait before the read: Asio skips the speculative recv by itself once a read
        // has drained the socket, and a wait would cost an epoll_ctl per request.
        http::async_read(m_socket, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
    }

    void on_read(const beast::error_code& error)
    {
        if (m_timed_out) {
            return;
        }
        if (error == http::error::end_of_stream || error == asio::error::connection_reset ||
            error == asio::error::operation_aborted || error == asio::error::eof) {
            return close();
        }
        if (error) {
            const bool malformed = &error.category() == &http::make_error_code(http::error::end_of_stream).category() &&
                error != http::error::partial_message;
            if (!malformed) {
                return close();  // a network failure, or the client went away mid-request
            }
            m_response = parse_failure(error);
            return write(false);
        }
        const auto& message = m_parser->get();
        HttpRequest request;
        request.method = view(message.method_string());
        request.target = view(message.target());
        request.host = view(message[http::field::host]);
        request.accept_encoding = view(message[http::field::accept_encoding]);
        request.if_none_match = view(message[http::field::if_none_match]);
        request.keep_alive = message.keep_alive();
        try {
            m_response = m_server.m_router.handle(request);
        } catch (const std::exception& failure) {
            // One failed request must not take the server down with it: answer 500, go on.
            m_response = HttpResponse::text(500, fmt::format("500 Internal Server Error: {}\n", failure.what()));
        }
        write(request.keep_alive && !m_response.closes_connection());
    }

    void write(bool keep_alive)
    {
        m_keep_alive = keep_alive;
        m_loop.stats.count(m_response.status());
        serialize_head(m_response, keep_alive, m_head);
        const auto body = m_response.body_omitted() ? std::string_view() : m_response.body();
        const std::array<asio::const_buffer, 2> buffers{asio::buffer(m_head), asio::buffer(body.data(), body.size())};
        m_deadline = Clock::now() + m_server.m_settings.write_timeout;
        asio::async_write(m_socket, buffers,
            [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_write(error); });
    }

    void on_write(const beast::error_code& error)
    {
        m_response = HttpResponse();  // release the tile or file it shared
        if (error || !m_keep_alive || m_timed_out) {
            return close();
        }
        read();
    }

    void close()
    {
        beast::error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_send, ignored);
        m_socket.close(ignored);
    }

    Impl& m_server;
    Loop& m_loop;
    tcp::socket m_socket;
    std::list<Session*>::iterator m_registration;
    Clock::time_point m_deadline;
    bool m_timed_out = false;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::empty_body>> m_parser;
    HttpResponse m_response;
    std::string m_head;
    bool m_keep_alive = true;
};

HttpServer::Impl::Impl(Router& router, ServerSettings settings)
    : m_router(router), m_settings(std::move(settings)),
      m_loops([&] {
          std::vector<std::unique_ptr<Loop>> loops;
          const unsigned count = m_settings.threads == 0 ? std::max(1U, std::thread::hardware_concurrency()) : m_settings.threads;
          for (unsigned i = 0; i < count; ++i) {
              loops.push_back(std::make_unique<Loop>());
          }
          return loops;
      }()),
      m_acceptor(m_loops.front()->context), m_accept_retry(m_loops.front()->context)
{
    beast::error_code error;
    auto address = asio::ip::make_address(m_settings.bind == "localhost" ? "127.0.0.1" : m_settings.bind, error);
    if (error) {
        throw SettingError("bind", "'" + m_settings.bind + "' is not an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::1)");
    }
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(m_settings.port));
    const auto fail = [&](const char* step) {
        throw Error(fmt::format("cannot listen on {}:{} ({}: {})", m_settings.bind, m_settings.port, step, error.message()));
    };
    m_acceptor.open(endpoint.protocol(), error);
    if (error) {
        fail("open");
    }
    m_acceptor.set_option(asio::socket_base::reuse_address(true), error);
    m_acceptor.bind(endpoint, error);
    if (error) {
        fail("bind");
    }
    m_acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
        fail("listen");
    }
}

void HttpServer::Impl::accept()
{
    Loop& loop = *m_loops[m_next_loop];
    m_next_loop = (m_next_loop + 1) % m_loops.size();
    auto socket = std::make_shared<tcp::socket>(loop.context);
    m_acceptor.async_accept(*socket, [this, socket, &loop](beast::error_code error) {
        if (m_stopped.load()) {
            return;
        }
        if (error) {
            // Out of file descriptors (or a transient network error): wait a little rather
            // than spin on an acceptor that fails at once.
            m_accept_retry.expires_after(std::chrono::milliseconds(50));
            m_accept_retry.async_wait([this](beast::error_code) {
                if (!m_stopped.load()) {
                    accept();
                }
            });
            return;
        }
        m_connections.fetch_add(1, std::memory_order_relaxed);
        if (m_live.load(std::memory_order_relaxed) >= m_settings.max_connections) {
            refuse(std::move(*socket));
        } else {
            m_live.fetch_add(1, std::memory_order_relaxed);
            beast::error_code ignored;
            socket->set_option(tcp::no_delay(true), ignored);
            // The session runs on the loop that owns its socket.
            asio::post(loop.context, [this, &loop, socket] {
                std::make_shared<Session>(*this, loop, std::move(*socket))->start();
            });
        }
        accept();
    });
}

void HttpServer::Impl::refuse(tcp::socket socket)
{
    m_refused.fetch_add(1, std::memory_order_relaxed);
    static constexpr std::string_view answer =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 42\r\n"
        "Retry-After: 1\r\nConnection: close\r\n\r\n503 Service Unavailable: too many clients\n";
    auto owned = std::make_shared<tcp::socket>(std::move(socket));
    asio::async_write(*owned, asio::buffer(answer.data(), answer.size()), [owned](beast::error_code, std::size_t) {
        beast::error_code ignored;
        owned->shutdown(tcp::socket::shutdown_both, ignored);
        owned->close(ignored);
    });
}

void HttpServer::Impl::run(bool stop_on_signals)
{
    if (m_stopped.load()) {
        return;
    }
    for (auto& loop : m_loops) {
        loop->guard.emplace(loop->context.get_executor());
    }
    if (stop_on_signals) {
        m_signals.emplace(m_loops.front()->context, SIGINT, SIGTERM);
        m_signals->async_wait([this](beast::error_code error, int) {
            if (!error) {
                stop();
            }
        });
    }
    for (auto& loop : m_loops) {
        loop->sweep.emplace(loop->context);
        sweep(*loop);
    }
    accept();
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < m_loops.size(); ++i) {
        threads.emplace_back([loop = m_loops[i].get()] { loop->context.run(); });
    }
    m_loops.front()->context.run();
    for (auto& thread : threads) {
        thread.join();
    }
}

void HttpServer::Impl::sweep(Loop& loop)
{
    const auto interval = std::clamp(std::min(m_settings.read_timeout, m_settings.write_timeout) / 4,
        std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    loop.sweep->expires_after(interval);
    loop.sweep->async_wait([this, &loop](beast::error_code error) {
        if (error || m_stopped.load()) {
            return;
        }
        const auto now = Clock::now();
        // Expiring closes a socket but destroys no session here (its handlers still hold it), so
        // the list stays valid while we walk it.
        for (auto* session : loop.sessions) {
            session->expire_if_due(now);
        }
        sweep(loop);
    });
}

void HttpServer::Impl::stop()
{
    if (m_stopped.exchange(true)) {
        return;
    }
    asio::post(m_loops.front()->context, [this] {
        beast::error_code ignored;
        m_acceptor.close(ignored);
        m_accept_retry.cancel();
        if (m_signals) {
            m_signals->cancel(ignored);
        }
    });
    for (auto& loop : m_loops) {
        asio::post(loop->context, [&loop = *loop] {
            if (loop.sweep) {
                loop.sweep->cancel();
            }
            loop.guard.reset();
            loop.context.stop();
        });
    }
}

HttpServer::HttpServer(Router& router, ServerSettings settings)
    : m_impl(std::make_unique<Impl>(router, std::move(settings)))
{
    m_impl->m_router.set_fallback_origin(origin());
}

HttpServer::~HttpServer() = default;

unsigned HttpServer::port() const
{
    return m_impl->m_acceptor.local_endpoint().port();
}

std::string HttpServer::origin() const
{
    const auto endpoint = m_impl->m_acceptor.local_endpoint();
    auto address = endpoint.address();
    if (address.is_unspecified()) {
        // Listening on every interface: loopback reaches it from this machine.
        address = address.is_v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                                  : asio::ip::address(asio::ip::address_v4::loopback());
    }
    const auto host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return fmt::format("http://{}:{}", host, endpoint.port());
}

unsigned HttpServer::threads() const
{
    return static_cast<unsigned>(m_impl->m_loops.size());
}

void HttpServer::run(bool stop_on_signals)
{
    m_impl->run(stop_on_signals);
}

void HttpServer::stop()
{
    m_impl->stop();
}

ServerStats HttpServer::stats() const
{
    ServerStats stats;
    stats.connections = m_impl->m_connections.load();
    stats.refused = m_impl->m_refused.load();
    for (const auto& loop : m_impl->m_loops) {
        stats.requests += loop->stats.requests.load();
        stats.responses_2xx += loop->stats.by_class[2].load();
        stats.responses_3xx += loop->stats.by_class[3].load();
        stats.responses_4xx += loop->stats.by_class[4].load();
        stats.responses_5xx += loop->stats.by_class[5].load();
        stats.timeouts += loop->stats.timeouts.load();
    }
    return stats;
}

} // namespace migratlas::serve
