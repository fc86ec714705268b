#include "records/person_key_hasher.hpp"

#include "common/error.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <fstream>
#include <iterator>

namespace migratlas::records {

HmacKey HmacKey::from_file(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw InputError(path.string() + ": key file not found (the key_file setting must name the file whose "
            "bytes are the HMAC key for pseudonymising person_id)");
    }
    if (std::filesystem::is_directory(path, ec)) {
        throw InputError(path.string() + ": key file is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path.string() + ": key file cannot be read (check its permissions)");
    }
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        throw InputError(path.string() + ": read error in the key file");
    }
    if (bytes.empty()) {
        throw InputError(path.string() + ": key file is empty; an empty HMAC key would not protect the identifiers");
    }
    return HmacKey(std::move(bytes));
}

HmacKey::HmacKey(std::string bytes) : m_bytes(std::move(bytes)) {}

HmacKey::~HmacKey()
{
    if (!m_bytes.empty()) {
        OPENSSL_cleanse(m_bytes.data(), m_bytes.size());
    }
}

void PersonKeyHasher::CtxDeleter::operator()(evp_mac_ctx_st* ctx) const
{
    EVP_MAC_CTX_free(ctx);
}

PersonKeyHasher::PersonKeyHasher(const HmacKey& key)
{
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) {
        throw Error("OpenSSL provides no HMAC implementation");
    }
    m_ctx.reset(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac);  // the context holds its own reference
    if (!m_ctx) {
        throw Error("OpenSSL: cannot create an HMAC context");
    }
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0), OSSL_PARAM_construct_end()};
    const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.bytes().data());
    if (EVP_MAC_init(m_ctx.get(), key_bytes, key.bytes().size(), params) != 1) {
        throw Error("OpenSSL: cannot initialise HMAC-SHA256");
    }
}

PersonKeyHasher::~PersonKeyHasher() = default;

PersonKey PersonKeyHasher::digest(std::string_view person_id)
{
    PersonKey out{};
    std::size_t length = 0;
    // Re-initialising with a null key keeps the key set in the constructor (OpenSSL 3 EVP_MAC).
    if (EVP_MAC_init(m_ctx.get(), nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(m_ctx.get(), reinterpret_cast<const unsigned char*>(person_id.data()), person_id.size()) != 1 ||
        EVP_MAC_final(m_ctx.get(), out.data(), &length, out.size()) != 1 || length != out.size()) {
        throw Error("OpenSSL: HMAC-SHA256 computation failed");
    }
    return out;
}

std::string PersonKeyHasher::to_hex(const PersonKey& key)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string text(64, '0');
    for (std::size_t i = 0; i < key.size(); ++i) {
        text[2 * i] = digits[key[i] >> 4];
        text[2 * i + 1] = digits[key[i] & 0x0F];
    }
    return text;
}

} // namespace migratlas::records
