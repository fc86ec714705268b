// Interns short repeated fields (crossing points, nationalities, sex codes, birth dates) so that each
// of 20 M crossing rows stores a 4-byte id instead of a std::string.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace migratlas::records {

class StringPool {
public:
    /// Id of `text`, adding it on first sight. Ids are dense, in order of first appearance.
    std::uint32_t intern(std::string_view text)
    {
        if (const auto it = m_ids.find(text); it != m_ids.end()) {
            return it->second;
        }
        const auto id = static_cast<std::uint32_t>(m_values.size());
        const std::string& stored = m_values.emplace_back(text);  // deque: references stay valid
        m_ids.emplace(std::string_view(stored), id);
        return id;
    }

    [[nodiscard]] std::string_view value(std::uint32_t id) const { return m_values[id]; }
    [[nodiscard]] std::size_t size() const { return m_values.size(); }

private:
    std::deque<std::string> m_values;
    std::unordered_map<std::string_view, std::uint32_t> m_ids;
};

} // namespace migratlas::records
