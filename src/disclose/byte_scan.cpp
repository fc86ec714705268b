#include "disclose/byte_scan.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

namespace migratlas::disclose {

namespace {

std::string file_bytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path.string() + ": cannot be read");
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string hex(const std::string& bytes, bool upper)
{
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string text;
    for (const unsigned char c : bytes) {
        text += digits[c >> 4];
        text += digits[c & 15];
    }
    return text;
}

std::string base64(const std::string& bytes)
{
    std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    text.resize(static_cast<std::size_t>(length));
    return text;
}

} // namespace

std::vector<std::string> read_raw_ids(const std::filesystem::path& path)
{
    std::vector<std::string> ids;
    {
        std::ifstream probe(path);
        if (!probe) {
            throw InputError(path.string() + ": cannot read the raw identifiers file");
        }
        std::string first;
        std::getline(probe, first);
        if (first.find(',') == std::string::npos) {
            if (!first.empty() && first.back() == '\r') {
                first.pop_back();
            }
            if (!first.empty()) {
                ids.push_back(first);
            }
            for (std::string line; std::getline(probe, line);) {
                if (!line.empty() && line.back() == '\r') {
                    line.pop_back();
                }
                if (!line.empty()) {
                    ids.push_back(line);
                }
            }
            return ids;
        }
    }
    CsvReader reader(path);
    const std::size_t column = reader.column("person_id").value_or(0);
    CsvRecord record;
    while (reader.next(record)) {
        if (column < record.fields.size() && !record.fields[column].empty()) {
            ids.emplace_back(record.fields[column]);
        }
    }
    return ids;
}

std::vector<std::string> key_forms(const std::filesystem::path& key_file)
{
    const std::string key = file_bytes(key_file);
    if (key.empty()) {
        throw InputError(key_file.string() + ": the key file is empty");
    }
    std::string padded = base64(key);
    std::string unpadded = padded;
    while (!unpadded.empty() && unpadded.back() == '=') {
        unpadded.pop_back();
    }
    std::string url = unpadded;
    std::replace(url.begin(), url.end(), '+', '-');
    std::replace(url.begin(), url.end(), '/', '_');
    return {key, hex(key, false), hex(key, true), padded, unpadded, url};
}

ByteScanner::ByteScanner(const std::vector<std::string>& raw_ids, const std::vector<std::string>& forms)
{
    static const char* const names[] = {"key (raw bytes)", "key (hex)", "key (HEX)", "key (base64)",
        "key (base64, unpadded)", "key (base64url)"};
    for (std::size_t i = 0; i < forms.size(); ++i) {
        m_key_forms.emplace_back(i < std::size(names) ? names[i] : "key", forms[i]);
    }
    for (const std::string& id : raw_ids) {
        m_ids.insert(id);
        m_min_id = m_min_id == 0 ? id.size() : std::min(m_min_id, id.size());
        m_max_id = std::max(m_max_id, id.size());
        for (const unsigned char c : id) {
            m_token_char[c] = true;
        }
    }
    for (int c = 0; c < 256; ++c) {
        if (std::isalnum(c) != 0 && !m_ids.empty()) {
            m_token_char[c] = true;
        }
    }
    // Separators of every format are never part of a token.
    for (const unsigned char c : std::string_view(",;\t\r\n\"' {}[]:")) {
        m_token_char[c] = false;
    }
}

std::vector<ByteHit> ByteScanner::scan(std::string_view bytes, std::size_t limit) const
{
    std::vector<ByteHit> hits;
    for (const auto& [name, form] : m_key_forms) {
        const void* at = memmem(bytes.data(), bytes.size(), form.data(), form.size());
        if (at != nullptr && hits.size() < limit) {
            hits.push_back(ByteHit{name, static_cast<std::size_t>(static_cast<const char*>(at) - bytes.data()), true});
        }
    }
    if (m_ids.empty()) {
        return hits;
    }
    std::string token;
    std::size_t i = 0;
    while (i < bytes.size() && hits.size() < limit) {
        if (!m_token_char[static_cast<unsigned char>(bytes[i])]) {
            ++i;
            continue;
        }
        const std::size_t start = i;
        while (i < bytes.size() && m_token_char[static_cast<unsigned char>(bytes[i])]) {
            ++i;
        }
        const std::size_t length = i - start;
        if (length >= m_min_id && length <= m_max_id) {
            token.assign(bytes.data() + start, length);
            if (m_ids.count(token) > 0) {
                hits.push_back(ByteHit{token, start, false});
            }
        }
    }
    return hits;
}

} // namespace migratlas::disclose
