// SHA-256 checksums of input files for the run log, and of in-memory data for cache keys
// (the gate's pattern cache), with OpenSSL EVP.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace migratlas {

/// An incremental SHA-256 of bytes fed in pieces.
class Sha256 {
public:
    Sha256();
    void add(const void* bytes, std::size_t size);
    void add(std::string_view text) { add(text.data(), text.size()); }
    /// The digest of everything added; the hasher must not be used afterwards.
    [[nodiscard]] std::array<unsigned char, 32> finish();
    /// finish() as lowercase hex.
    [[nodiscard]] std::string finish_hex();

private:
    std::unique_ptr<void, void (*)(void*)> m_context;
};

/// Lowercase hex SHA-256 of a file's bytes. Throws InputError when it cannot be read.
std::string file_sha256(const std::filesystem::path& path);

} // namespace migratlas
