#include "common/csv_reader.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cstring>

namespace migratlas {

namespace {
constexpr std::size_t chunk_bytes = 4U << 20;
}

CsvReader::CsvReader(const std::filesystem::path& path, std::size_t max_record_bytes)
    : m_path(path), m_file(std::fopen(path.c_str(), "rb"), &std::fclose), m_max_record_bytes(max_record_bytes)
{
    if (!m_file) {
        throw InputError(path.string() + ": cannot open for reading: " + std::strerror(errno));
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw InputError(path.string() + ": is a directory, expected a CSV file");
    }
    m_file_size = std::filesystem::file_size(path, ec);
    m_buffer_size = chunk_bytes + max_record_bytes + 1;
    m_buffer = std::make_unique_for_overwrite<char[]>(m_buffer_size);
    fill();
    // A UTF-8 byte order mark is legal at the start and must not become part of the first name.
    if (m_end - m_begin >= 3 && std::memcmp(m_buffer.get() + m_begin, "\xEF\xBB\xBF", 3) == 0) {
        m_begin += 3;
        m_consumed += 3;
    }
    CsvRecord header;
    if (!next(header)) {
        throw InputError(path.string() + ": file is empty, expected a header row");
    }
    if (!header.malformed.empty()) {
        throw InputError(path.string() + ":1: header is not a valid CSV record: " + header.malformed);
    }
    for (auto field : header.fields) {
        m_header.emplace_back(field);
    }
    if (m_header.size() == 1 && m_header[0].empty()) {
        throw InputError(path.string() + ":1: header row is empty");
    }
}

CsvReader::~CsvReader() = default;

std::optional<std::size_t> CsvReader::column(std::string_view name) const
{
    const auto it = std::find(m_header.begin(), m_header.end(), name);
    if (it == m_header.end()) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(it - m_header.begin());
}

std::size_t CsvReader::require_column(std::string_view name) const
{
    if (auto index = column(name)) {
        return *index;
    }
    std::string names;
    for (const auto& h : m_header) {
        names += (names.empty() ? "" : ",") + h;
    }
    throw InputError(m_path.string() + ":1: missing required column '" + std::string(name) +
        "' (header has: " + names + ")");
}

SourcePos CsvReader::pos(const CsvRecord& record, std::size_t field_index) const
{
    SourcePos p{m_path.filename().string(), record.record_no, 0};
    if (field_index != SIZE_MAX) {
        p.column = static_cast<unsigned>(field_index + 1);
    }
    return p;
}

bool CsvReader::fill()
{
    if (m_eof) {
        return false;
    }
    // Move the unparsed tail to the front, then read as much as fits.
    if (m_begin > 0) {
        std::memmove(m_buffer.get(), m_buffer.get() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    const std::size_t room = m_buffer_size - 1 - m_end;
    if (room == 0) {
        return false;
    }
    const std::size_t got = std::fread(m_buffer.get() + m_end, 1, room, m_file.get());
    if (got < room) {
        if (std::ferror(m_file.get())) {
            throw InputError(m_path.string() + ": read error: " + std::strerror(errno));
        }
        m_eof = true;
    }
    m_end += got;
    return got > 0;
}

bool CsvReader::next(CsvRecord& record)
{
    for (;;) {
        switch (parse_record(record)) {
        case Outcome::record: return true;
        case Outcome::end: return false;
        case Outcome::need_more:
            if (m_end - m_begin >= m_max_record_bytes) {
                // Too long to hold: report it as one malformed record and resynchronise at the
                // next physical line break (a quoted field cannot be trusted past this point).
                record.fields.clear();
                record.record_no = ++m_record_no;
                record.line_no = m_line_no;
                record.malformed = "record longer than " + std::to_string(m_max_record_bytes) + " bytes";
                skip_rest_of_line();
                return true;
            }
            if (!fill() && m_eof && m_begin == m_end) {
                return false;
            }
            break;
        }
    }
}

void CsvReader::skip_rest_of_line()
{
    for (;;) {
        const char* start = m_buffer.get() + m_begin;
        const void* nl = std::memchr(start, '\n', m_end - m_begin);
        if (nl != nullptr) {
            const std::size_t advance = static_cast<std::size_t>(static_cast<const char*>(nl) - start) + 1;
            m_begin += advance;
            m_consumed += advance;
            ++m_line_no;
            return;
        }
        m_consumed += m_end - m_begin;
        m_begin = m_end;
        if (!fill()) {
            return;
        }
    }
}

CsvReader::Outcome CsvReader::parse_record(CsvRecord& record)
{
    if (m_begin == m_end) {
        if (m_eof) {
            return Outcome::end;
        }
        return Outcome::need_more;
    }
    char* const data = m_buffer.get();
    std::size_t i = m_begin;
    const std::size_t end = m_end;
    record.fields.clear();
    record.malformed.clear();
    m_spans.clear();
    std::uint64_t lines = 0;
    std::string malformed;

    for (;;) {
        // One field starts at i.
        if (i < end && data[i] == '"') {
            // Quoted field. Nothing is written to the buffer until the whole record is known to
            // be complete: a retry after need_more must see the original bytes.
            const std::size_t field_begin = i + 1;
            bool escaped = false;
            ++i;
            bool closed = false;
            while (i < end) {
                const char c = data[i];
                if (c == '"') {
                    if (i + 1 >= end && !m_eof) {
                        return Outcome::need_more; // cannot tell "" from a closing quote yet
                    }
                    if (i + 1 < end && data[i + 1] == '"') {
                        escaped = true;
                        i += 2;
                        continue;
                    }
                    closed = true;
                    break;
                }
                if (c == '\n') {
                    ++lines;
                }
                ++i;
            }
            if (!closed) {
                if (!m_eof) {
                    return Outcome::need_more;
                }
                malformed = "unterminated quoted field";
                i = end;
                break;
            }
            m_spans.push_back(Span{field_begin, i - field_begin, escaped});
            ++i; // closing quote
            // After the closing quote: a separator, a line end or end of data.
            if (i < end && data[i] != ',' && data[i] != '\n' && data[i] != '\r') {
                if (malformed.empty()) {
                    malformed = "text after the closing quote of field " + std::to_string(m_spans.size());
                }
                while (i < end && data[i] != ',' && data[i] != '\n') {
                    ++i;
                }
                if (i >= end && !m_eof) {
                    return Outcome::need_more;
                }
            }
        } else {
            const std::size_t start = i;
            while (i < end && data[i] != ',' && data[i] != '\n') {
                if (data[i] == '"' && malformed.empty()) {
                    malformed = "quote inside unquoted field " + std::to_string(m_spans.size() + 1);
                }
                ++i;
            }
            if (i >= end && !m_eof) {
                return Outcome::need_more;
            }
            std::size_t stop = i;
            if (stop > start && data[stop - 1] == '\r' && (i >= end || data[i] == '\n')) {
                --stop; // CRLF line ending
            }
            m_spans.push_back(Span{start, stop - start, false});
        }
        if (i < end && data[i] == ',') {
            ++i;
            continue;
        }
        if (i < end && data[i] == '\r') {
            ++i; // CR of a CRLF after a quoted field
        }
        if (i < end && data[i] == '\n') {
            ++i;
            ++lines;
        } else if (i >= end && !m_eof) {
            return Outcome::need_more;
        }
        break;
    }

    record.record_no = ++m_record_no;
    record.line_no = m_line_no;
    m_line_no += lines;
    const std::size_t record_bytes = i - m_begin;
    m_consumed += record_bytes;
    m_begin = i;
    if (malformed.empty() && record_bytes > m_max_record_bytes) {
        malformed = "record longer than " + std::to_string(m_max_record_bytes) + " bytes";
    }
    if (!malformed.empty()) {
        record.malformed = std::move(malformed);
        return Outcome::record;
    }
    // The record is complete: now unescape "" inside quoted fields, each within its own bytes.
    record.fields.reserve(m_spans.size());
    for (const Span& span : m_spans) {
        std::size_t length = span.length;
        if (span.escaped) {
            std::size_t out = span.begin;
            for (std::size_t k = span.begin; k < span.begin + span.length; ++k) {
                data[out++] = data[k];
                if (data[k] == '"') {
                    ++k; // skip the second quote of ""
                }
            }
            length = out - span.begin;
        }
        record.fields.emplace_back(data + span.begin, length);
    }
    return Outcome::record;
}

bool is_valid_utf8(std::string_view text)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += len;
    }
    return true;
}

std::string csv_escape(std::string_view field)
{
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(field);
    }
    std::string out = "\"";
    for (const char c : field) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
    return out;
}

} // namespace migratlas
