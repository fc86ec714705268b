// Value errors in the rows of an aggregate input (an OD table, --counts, a population file) that must
// stop the run: every such row is listed (up to a cap) in one DataError, and nothing is written.
#pragma once

#include "common/error.hpp"
#include "common/source_pos.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::join {

class RowErrors {
public:
    void add(const SourcePos& pos, const std::string& message)
    {
        if (m_lines.size() < 20) {
            m_lines.push_back(pos.to_string() + ": " + message);
        }
        ++m_count;
    }
    [[nodiscard]] std::uint64_t count() const { return m_count; }
    /// Throws DataError naming `path` and listing the rows, when there are any.
    void throw_if_any(const std::filesystem::path& path) const
    {
        if (m_count == 0) {
            return;
        }
        std::string text = fmt::format("{}: {} row(s) cannot be used, nothing was written:", path.string(), m_count);
        for (const std::string& line : m_lines) {
            text += "\n  " + line;
        }
        if (m_count > m_lines.size()) {
            text += fmt::format("\n  ... and {} more", m_count - m_lines.size());
        }
        throw DataError(text);
    }

private:
    std::vector<std::string> m_lines;
    std::uint64_t m_count = 0;
};

} // namespace migratlas::join
