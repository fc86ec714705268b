#include "common/output_file.hpp"

#include "common/error.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace migratlas {

namespace {
/// Unique per process and per file opened: two threads of one process may write the same target
/// (the gate's pattern cache), and each must rename a whole file of its own.
std::filesystem::path temp_path_for(const std::filesystem::path& path)
{
    static std::atomic<std::uint64_t> opened{0};
    std::filesystem::path temp = path;
    temp += ".partial-" + std::to_string(::getpid()) + "-" + std::to_string(opened.fetch_add(1));
    return temp;
}
} // namespace

OutputFile::OutputFile(const std::filesystem::path& path)
    : m_path(path), m_temp_path(temp_path_for(path)), m_file(std::fopen(m_temp_path.c_str(), "wb"), &std::fclose)
{
    if (!m_file) {
        throw InputError(path.string() + ": cannot create output file: " + std::strerror(errno));
    }
    m_buffer.reserve(buffer_bytes + 4096);
}

OutputFile::~OutputFile()
{
    if (!m_committed) {
        m_file.reset();
        std::error_code ec;
        std::filesystem::remove(m_temp_path, ec);
    }
}

void OutputFile::write_number(std::int64_t value)
{
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    m_buffer.append(digits, result.ptr);
}

void OutputFile::commit()
{
    flush();
    std::FILE* file = m_file.release();
    if (std::fclose(file) != 0) {
        throw Error(m_path.string() + ": cannot finish writing: " + std::strerror(errno));
    }
    std::error_code ec;
    std::filesystem::rename(m_temp_path, m_path, ec);
    if (ec) {
        throw Error(m_path.string() + ": cannot replace the file: " + ec.message());
    }
    m_committed = true;
}

void OutputFile::flush()
{
    if (!m_buffer.empty() && std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_file.get()) != m_buffer.size()) {
        throw Error(m_path.string() + ": write failed (disk full?): " + std::strerror(errno));
    }
    m_buffer.clear();
}

void OutputFile::write_direct(std::string_view text)
{
    flush();
    if (std::fwrite(text.data(), 1, text.size(), m_file.get()) != text.size()) {
        throw Error(m_path.string() + ": write failed (disk full?): " + std::strerror(errno));
    }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text)
{
    OutputFile file(path);
    file.write(text);
    file.commit();
}

} // namespace migratlas
