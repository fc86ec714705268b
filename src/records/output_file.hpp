// Buffered output file for the records stage's CSVs and run files: write errors (disk full) throw
// instead of losing rows silently.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace migratlas::records {

class OutputFile {
public:
    /// Creates or truncates `path`; throws InputError when it cannot be created.
    explicit OutputFile(const std::filesystem::path& path);
    void write(std::string_view text)
    {
        m_buffer.append(text);
        if (m_buffer.size() >= buffer_bytes) {
            flush();
        }
    }
    void write_number(std::int64_t value);
    /// Flushes and closes; throws Error when the data could not be written.
    void close();

private:
    static constexpr std::size_t buffer_bytes = 1U << 20;
    void flush();
    std::filesystem::path m_path;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> m_file;
    std::string m_buffer;
};

} // namespace migratlas::records
