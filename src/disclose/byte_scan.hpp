// The audit's search of published bytes for what must never be there: raw person identifiers and
// the pseudonymisation key itself (raw, hex or base64). Independent of any format: every byte.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace migratlas::disclose {

/// Raw identifiers from `path`: one per line, or, for a CSV whose header has a person_id column
/// (the crossings input itself), that column. Throws InputError when the file cannot be read.
[[nodiscard]] std::vector<std::string> read_raw_ids(const std::filesystem::path& path);

/// The forms of a key an export could leak: its bytes, lower and upper hex, base64 (padded,
/// unpadded, URL-safe). Throws InputError when the key file cannot be read or is empty.
[[nodiscard]] std::vector<std::string> key_forms(const std::filesystem::path& key_file);

struct ByteHit {
    std::string what;   ///< the identifier, or the key form's name ("key (hex)")
    std::size_t offset = 0;
    bool key = false;   ///< a form of the key, not an identifier
};

class ByteScanner {
public:
    ByteScanner(const std::vector<std::string>& raw_ids, const std::vector<std::string>& key_forms);
    /// Hits in `bytes`: identifiers as whole tokens (runs of the characters identifiers are made of),
    /// key forms anywhere. At most `limit` hits.
    [[nodiscard]] std::vector<ByteHit> scan(std::string_view bytes, std::size_t limit = 20) const;

private:
    std::unordered_set<std::string> m_ids;
    std::vector<std::pair<std::string, std::string>> m_key_forms;  ///< (name, bytes)
    bool m_token_char[256] = {};
    std::size_t m_min_id = 0;
    std::size_t m_max_id = 0;
};

} // namespace migratlas::disclose
