// Streaming RFC 4180 CSV reader used by every tabular input (crossings, survey, controls, points).
// Handles a UTF-8 BOM, CRLF, quoted fields with commas, quotes and line breaks, and over-long records.
#pragma once

#include "common/source_pos.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas {

/// One CSV record. Field views stay valid until the next call to CsvReader::next().
struct CsvRecord {
    std::vector<std::string_view> fields;
    std::uint64_t record_no = 0;  ///< 1-based CSV record number; the header is record 1
    std::uint64_t line_no = 0;    ///< 1-based physical line where the record starts
    /// Empty when well formed; otherwise why the record could not be split into fields
    /// ("unterminated quoted field", "record longer than N bytes", ...). Fields are then empty.
    std::string malformed;
};

class CsvReader {
public:
    /// Opens `path` and reads the header record. Throws InputError when the file cannot be
    /// opened, is empty, or its header is not a valid record.
    explicit CsvReader(const std::filesystem::path& path, std::size_t max_record_bytes = 1U << 20);
    ~CsvReader();
    CsvReader(const CsvReader&) = delete;
    CsvReader& operator=(const CsvReader&) = delete;

    [[nodiscard]] const std::vector<std::string>& header() const { return m_header; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const;
    /// Index of a required column; throws InputError naming the file, the column and the header.
    [[nodiscard]] std::size_t require_column(std::string_view name) const;
    [[nodiscard]] SourcePos pos(const CsvRecord& record, std::size_t field_index = SIZE_MAX) const;

    /// Reads the next record; false at end of file. An empty line in the middle of the file is
    /// returned as a record with one empty field (callers reject it as a field-count mismatch).
    bool next(CsvRecord& record);

    /// Bytes consumed so far, for progress reporting.
    [[nodiscard]] std::uint64_t bytes_read() const { return m_consumed; }
    [[nodiscard]] std::uint64_t file_size() const { return m_file_size; }

private:
    bool fill();
    enum class Outcome { record, need_more, end };
    Outcome parse_record(CsvRecord& record);
    void skip_rest_of_line();

    std::filesystem::path m_path;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> m_file;
    std::size_t m_max_record_bytes;
    /// Not a std::vector: zero-filling 5 MB costs more than reading a small file (controls, tests),
    /// and fread writes every byte that is later read.
    std::unique_ptr<char[]> m_buffer;
    std::size_t m_buffer_size = 0;
    std::size_t m_begin = 0;  ///< start of unparsed data in m_buffer
    std::size_t m_end = 0;    ///< end of valid data in m_buffer
    bool m_eof = false;
    std::uint64_t m_consumed = 0;
    std::uint64_t m_file_size = 0;
    std::uint64_t m_record_no = 0;
    std::uint64_t m_line_no = 1;
    std::vector<std::string> m_header;
    struct Span {
        std::size_t begin;
        std::size_t length;
        bool escaped;
    };
    std::vector<Span> m_spans;
};

/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// Quotes a field for CSV output when it contains a comma, quote, CR or LF.
std::string csv_escape(std::string_view field);

} // namespace migratlas
