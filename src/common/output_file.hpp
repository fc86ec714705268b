// Buffered, atomic output files for every CSV and text product: rows go to a temporary file beside
// the target, which replaces the target only on commit(), so a failed run never leaves half a file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace migratlas {

class OutputFile {
public:
    /// Opens a temporary file beside `path`; throws InputError when it cannot be created.
    explicit OutputFile(const std::filesystem::path& path);
    /// Removes the temporary file unless commit() ran: the target keeps its previous content.
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void write(std::string_view text)
    {
        if (text.size() >= buffer_bytes) {
            write_direct(text);
            return;
        }
        m_buffer.append(text);
        if (m_buffer.size() >= buffer_bytes) {
            flush();
        }
    }
    void write_number(std::int64_t value);
    /// Flushes, closes and renames the temporary file over the target. Write errors (disk full)
    /// throw instead of losing rows silently.
    void commit();

    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    static constexpr std::size_t buffer_bytes = 1U << 20;
    void flush();
    /// Big texts (a whole file from write_file_atomically) go to the file without a copy into m_buffer.
    void write_direct(std::string_view text);
    std::filesystem::path m_path;
    std::filesystem::path m_temp_path;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> m_file;
    std::string m_buffer;
    bool m_committed = false;
};

/// Writes `text` to `path` through an OutputFile (all or nothing).
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

} // namespace migratlas
