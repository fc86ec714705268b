#include "common/sha256.hpp"

#include "common/error.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace migratlas {

namespace {

std::string hex_of(const unsigned char* digest, std::size_t length)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string text;
    text.reserve(length * 2);
    for (std::size_t i = 0; i < length; ++i) {
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 0x0F];
    }
    return text;
}

EVP_MD_CTX* context_of(const std::unique_ptr<void, void (*)(void*)>& context)
{
    return static_cast<EVP_MD_CTX*>(context.get());
}

} // namespace

Sha256::Sha256() : m_context(EVP_MD_CTX_new(), [](void* context) { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context)); })
{
    if (!m_context || EVP_DigestInit_ex(context_of(m_context), EVP_sha256(), nullptr) != 1) {
        throw Error("OpenSSL could not initialise SHA-256");
    }
}

void Sha256::add(const void* bytes, std::size_t size)
{
    EVP_DigestUpdate(context_of(m_context), bytes, size);
}

std::array<unsigned char, 32> Sha256::finish()
{
    std::array<unsigned char, 32> digest{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_of(m_context), digest.data(), &length);
    return digest;
}

std::string Sha256::finish_hex()
{
    const std::array<unsigned char, 32> digest = finish();
    return hex_of(digest.data(), digest.size());
}

std::string file_sha256(const std::filesystem::path& path)
{
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) {
        throw InputError(path.string() + ": cannot open to compute its checksum: " + std::strerror(errno));
    }
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        throw Error("OpenSSL could not initialise SHA-256");
    }
    std::vector<unsigned char> buffer(1U << 20);
    std::size_t got = 0;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
        EVP_DigestUpdate(ctx.get(), buffer.data(), got);
    }
    if (std::ferror(file.get())) {
        throw InputError(path.string() + ": read error while computing its checksum");
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &length);
    return hex_of(digest, length);
}

} // namespace migratlas
