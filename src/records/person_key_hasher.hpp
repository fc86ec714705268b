// Pseudonymisation of person identifiers on ingest: person_key = lowercase hex HMAC-SHA256(key, id).
// The records stage hashes each distinct person once; the key never leaves this object.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

struct evp_mac_ctx_st;

namespace migratlas::records {

/// The secret key bytes, wiped from memory when destroyed. Copying is deliberate (one hasher per
/// thread needs the key); the bytes are never printed or logged.
class HmacKey {
public:
    /// Reads the whole file as the key. Throws InputError (without the key) when the file is
    /// missing, unreadable or empty.
    static HmacKey from_file(const std::filesystem::path& path);
    explicit HmacKey(std::string bytes);
    ~HmacKey();
    HmacKey(const HmacKey&) = default;
    HmacKey& operator=(const HmacKey&) = default;

    [[nodiscard]] const std::string& bytes() const { return m_bytes; }

private:
    std::string m_bytes;
};

using PersonKey = std::array<unsigned char, 32>;

/// One OpenSSL EVP_MAC context keyed once; not thread-safe, so each worker owns its own hasher.
class PersonKeyHasher {
public:
    explicit PersonKeyHasher(const HmacKey& key);
    ~PersonKeyHasher();
    PersonKeyHasher(const PersonKeyHasher&) = delete;
    PersonKeyHasher& operator=(const PersonKeyHasher&) = delete;

    [[nodiscard]] PersonKey digest(std::string_view person_id);
    [[nodiscard]] std::string hex(std::string_view person_id) { return to_hex(digest(person_id)); }

    [[nodiscard]] static std::string to_hex(const PersonKey& key);

private:
    struct CtxDeleter {
        void operator()(evp_mac_ctx_st* ctx) const;
    };
    std::unique_ptr<evp_mac_ctx_st, CtxDeleter> m_ctx;
};

} // namespace migratlas::records
