// The server's own view of one HTTP exchange: the few request fields the routes look at, and a
// response whose header lines can be prebuilt (cached tiles) and whose body can be shared.
// The router works on these, so every route is testable without a socket.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace migratlas::serve {

struct HttpRequest {
    std::string_view method;   ///< "GET", "HEAD", ...
    std::string_view target;   ///< origin-form "/path?query" as received
    std::string_view host;
    std::string_view accept_encoding;
    std::string_view if_none_match;
    bool keep_alive = true;
};

class HttpResponse {
public:
    HttpResponse() = default;
    explicit HttpResponse(unsigned status) : m_status(status) {}

    /// A small self-contained response (errors, JSON documents, 204 and 304 answers).
    static HttpResponse text(unsigned status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
    static HttpResponse json(unsigned status, std::string body);

    [[nodiscard]] unsigned status() const { return m_status; }
    void set_status(unsigned status) { m_status = status; }

    /// Appends "name: value\r\n". Values come from our own code, never echoed from a request.
    void add_header(std::string_view name, std::string_view value);
    [[nodiscard]] const std::string& headers() const { return m_headers; }

    /// Header lines prebuilt elsewhere (a cached tile's), kept alive by `owner`; they include
    /// Content-Length when `has_length`.
    void set_shared_headers(std::shared_ptr<const void> owner, std::string_view lines, bool has_length);
    [[nodiscard]] std::string_view shared_headers() const { return m_shared_headers; }
    [[nodiscard]] bool shared_headers_have_length() const { return m_shared_has_length; }

    void set_body(std::string body);
    /// A body owned by `owner` (a cached tile or file), sent without copying.
    void set_shared_body(std::shared_ptr<const void> owner, std::string_view body);
    [[nodiscard]] std::string_view body() const { return m_shared_body_set ? m_shared_body : std::string_view(m_body); }

    /// HEAD: headers as for GET, Content-Length of the body, no body bytes.
    void omit_body() { m_omit_body = true; }
    [[nodiscard]] bool body_omitted() const { return m_omit_body; }

    /// The connection closes after this response (errors that leave the stream in doubt).
    void close_connection() { m_close = true; }
    [[nodiscard]] bool closes_connection() const { return m_close; }

private:
    unsigned m_status = 200;
    std::string m_headers;
    std::shared_ptr<const void> m_header_owner;
    std::shared_ptr<const void> m_body_owner;
    std::string_view m_shared_headers;
    bool m_shared_has_length = false;
    std::string m_body;
    std::string_view m_shared_body;
    bool m_shared_body_set = false;
    bool m_omit_body = false;
    bool m_close = false;
};

[[nodiscard]] std::string_view reason_phrase(unsigned status);

/// Writes the status line and header block (ending with the empty line) into `out`, replacing
/// what it held: Date, the response's header lines, Content-Length unless the status forbids
/// one (1xx, 204, 304), and Connection: close when `keep_alive` is false.
void serialize_head(const HttpResponse& response, bool keep_alive, std::string& out);

/// True when an Accept-Encoding value admits gzip (RFC 9110 12.5.3: "gzip", "x-gzip" or "*",
/// with a q-value above 0, an explicit "gzip;q=0" winning over "*").
[[nodiscard]] bool accepts_gzip(std::string_view accept_encoding);

/// True when an If-None-Match value matches `etag` by weak comparison (RFC 9110 13.1.2), or is "*".
[[nodiscard]] bool etag_matches(std::string_view if_none_match, std::string_view etag);

} // namespace migratlas::serve
