// SHA-256 checksums of input files for the run log (OpenSSL EVP).
#pragma once

#include <filesystem>
#include <string>

namespace migratlas {

/// Lowercase hex SHA-256 of a file's bytes. Throws InputError when it cannot be read.
std::string file_sha256(const std::filesystem::path& path);

} // namespace migratlas
