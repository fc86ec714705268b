// A deliberately plain blocking HTTP/1.1 client on POSIX sockets for the server tests: it does
// nothing Beast does for us, so that the tests see exactly what went over the wire.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace migratlas::serve::test {

struct WireResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  ///< names in lower case
    std::string body;
};

class Connection {
public:
    explicit Connection(unsigned port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            ::close(m_fd);
            throw std::runtime_error("connect failed");
        }
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Connection()
    {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    Connection(Connection&& other) noexcept : m_fd(other.m_fd), m_pending(std::move(other.m_pending)) { other.m_fd = -1; }

    bool send(std::string_view bytes)
    {
        while (!bytes.empty()) {
            const auto sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent <= 0) {
                return false;
            }
            bytes.remove_prefix(static_cast<std::size_t>(sent));
        }
        return true;
    }

    /// One response; `head_only` for answers to HEAD. nullopt when the server closed first or
    /// nothing arrived within `timeout`.
    std::optional<WireResponse> receive(bool head_only = false, std::chrono::milliseconds timeout = std::chrono::seconds(10))
    {
        std::size_t end_of_head;
        while ((end_of_head = m_pending.find("\r\n\r\n")) == std::string::npos) {
            if (!fill(timeout)) {
                return std::nullopt;
            }
        }
        WireResponse response;
        const std::string head = m_pending.substr(0, end_of_head);
        m_pending.erase(0, end_of_head + 4);
        response.status = std::stoi(head.substr(9, 3));
        std::size_t line_start = head.find("\r\n");
        while (line_start != std::string::npos) {
            const auto line_end = head.find("\r\n", line_start + 2);
            const auto line = head.substr(line_start + 2, line_end == std::string::npos ? std::string::npos : line_end - line_start - 2);
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (char& c : name) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                response.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
            }
            line_start = line_end;
        }
        std::size_t length = 0;
        if (const auto it = response.headers.find("content-length"); it != response.headers.end() && !head_only) {
            length = std::stoul(it->second);
        }
        while (m_pending.size() < length) {
            if (!fill(timeout)) {
                return std::nullopt;
            }
        }
        response.body = m_pending.substr(0, length);
        m_pending.erase(0, length);
        return response;
    }

    std::optional<WireResponse> get(const std::string& target, const std::string& extra_headers = "")
    {
        if (!send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n")) {
            return std::nullopt;
        }
        return receive();
    }

    /// True when the server closes the connection within `timeout` (reading and dropping what it sends).
    bool closed_within(std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd poll_fd{m_fd, POLLIN, 0};
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (::poll(&poll_fd, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) {
                continue;
            }
            char buffer[4096];
            const auto got = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (got <= 0) {
                return true;
            }
            m_pending.append(buffer, static_cast<std::size_t>(got));
        }
        return false;
    }

    [[nodiscard]] const std::string& pending() const { return m_pending; }

private:
    bool fill(std::chrono::milliseconds timeout)
    {
        pollfd poll_fd{m_fd, POLLIN, 0};
        if (::poll(&poll_fd, 1, static_cast<int>(timeout.count())) <= 0) {
            return false;
        }
        char buffer[16384];
        const auto got = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
            return false;
        }
        m_pending.append(buffer, static_cast<std::size_t>(got));
        return true;
    }

    int m_fd = -1;
    std::string m_pending;
};

} // namespace migratlas::serve::test
