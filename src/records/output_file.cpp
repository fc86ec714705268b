#include "records/output_file.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>

namespace migratlas::records {

OutputFile::OutputFile(const std::filesystem::path& path)
    : m_path(path), m_file(std::fopen(path.c_str(), "wb"), &std::fclose)
{
    if (!m_file) {
        throw InputError(path.string() + ": cannot create output file: " + std::strerror(errno));
    }
    m_buffer.reserve(buffer_bytes + 4096);
}

void OutputFile::write_number(std::int64_t value)
{
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    m_buffer.append(digits, result.ptr);
}

void OutputFile::close()
{
    flush();
    std::FILE* file = m_file.release();
    if (std::fclose(file) != 0) {
        throw Error(m_path.string() + ": cannot finish writing: " + std::strerror(errno));
    }
}

void OutputFile::flush()
{
    if (!m_buffer.empty() && std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_file.get()) != m_buffer.size()) {
        throw Error(m_path.string() + ": write failed (disk full?): " + std::strerror(errno));
    }
    m_buffer.clear();
}

} // namespace migratlas::records
