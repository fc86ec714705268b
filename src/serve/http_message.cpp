#include "serve/http_message.hpp"

#include <charconv>
#include <ctime>
#include <optional>

namespace migratlas::serve {

namespace {

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

/// q-value of one Accept-Encoding element ("gzip;q=0.5"): 1 when absent, 0 when malformed.
double quality(std::string_view parameters)
{
    while (!parameters.empty()) {
        const auto semicolon = parameters.find(';');
        const auto parameter = trim(parameters.substr(0, semicolon));
        if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=') {
            double q = 0;
            const auto value = parameter.substr(2);
            const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
            return ec == std::errc{} && ptr == value.data() + value.size() && q >= 0 && q <= 1 ? q : 0.0;
        }
        if (semicolon == std::string_view::npos) {
            break;
        }
        parameters.remove_prefix(semicolon + 1);
    }
    return 1.0;
}

/// "Date: Tue, 01 Dec 2026 09:28:00 GMT\r\n", formatted once per second per thread.
std::string_view date_line()
{
    thread_local std::time_t cached_second = -1;
    thread_local char line[64];
    thread_local std::size_t length = 0;
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm utc{};
        gmtime_r(&now, &utc);
        length = std::strftime(line, sizeof line, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &utc);
        cached_second = now;
    }
    return {line, length};
}

void append_number(std::string& out, std::size_t value)
{
    char digits[24];
    const auto [ptr, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, ptr);
}

} // namespace

HttpResponse HttpResponse::text(unsigned status, std::string body, std::string_view content_type)
{
    HttpResponse response(status);
    response.add_header("Content-Type", content_type);
    response.set_body(std::move(body));
    return response;
}

HttpResponse HttpResponse::json(unsigned status, std::string body)
{
    return text(status, std::move(body), "application/json");
}

void HttpResponse::add_header(std::string_view name, std::string_view value)
{
    m_headers.append(name).append(": ").append(value).append("\r\n");
}

void HttpResponse::set_shared_headers(std::shared_ptr<const void> owner, std::string_view lines, bool has_length)
{
    m_header_owner = std::move(owner);
    m_shared_headers = lines;
    m_shared_has_length = has_length;
}

void HttpResponse::set_body(std::string body)
{
    m_body = std::move(body);
    m_shared_body_set = false;
}

void HttpResponse::set_shared_body(std::shared_ptr<const void> owner, std::string_view body)
{
    m_body_owner = std::move(owner);
    m_shared_body = body;
    m_shared_body_set = true;
}

std::string_view reason_phrase(unsigned status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

void serialize_head(const HttpResponse& response, bool keep_alive, std::string& out)
{
    out.clear();
    const unsigned status = response.status();
    out.append("HTTP/1.1 ");
    append_number(out, status);
    out.push_back(' ');
    out.append(reason_phrase(status));
    out.append("\r\nServer: migratlas\r\n");
    out.append(date_line());
    out.append(response.shared_headers());
    out.append(response.headers());
    const bool forbids_length = status < 200 || status == 204 || status == 304;
    if (!forbids_length && !response.shared_headers_have_length()) {
        out.append("Content-Length: ");
        append_number(out, response.body().size());
        out.append("\r\n");
    }
    if (!keep_alive || response.closes_connection()) {
        out.append("Connection: close\r\n");
    }
    out.append("\r\n");
}

bool accepts_gzip(std::string_view accept_encoding)
{
    std::optional<double> gzip;
    std::optional<double> any;
    while (!accept_encoding.empty()) {
        const auto comma = accept_encoding.find(',');
        const auto element = accept_encoding.substr(0, comma);
        const auto semicolon = element.find(';');
        const auto coding = trim(element.substr(0, semicolon));
        const double q = semicolon == std::string_view::npos ? 1.0 : quality(element.substr(semicolon + 1));
        if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
            gzip = std::max(gzip.value_or(0.0), q);
        } else if (coding == "*") {
            any = q;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        accept_encoding.remove_prefix(comma + 1);
    }
    if (gzip) {
        return *gzip > 0;
    }
    return any && *any > 0;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag)
{
    const auto opaque = [](std::string_view tag) {
        tag = trim(tag);
        if (tag.starts_with("W/")) {
            tag.remove_prefix(2);
        }
        return tag;
    };
    const auto wanted = opaque(etag);
    while (!if_none_match.empty()) {
        const auto comma = if_none_match.find(',');
        const auto candidate = trim(if_none_match.substr(0, comma));
        if (candidate == "*" || (!candidate.empty() && opaque(candidate) == wanted)) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        if_none_match.remove_prefix(comma + 1);
    }
    return false;
}

} // namespace migratlas::serve
