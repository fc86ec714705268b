// Shared by the serve tests: where the test tile archives are (made by make_test_tiles.sh as a
// ctest fixture) and small helpers to build raw PMTiles directories.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#ifndef SERVE_TEST_TILES_DIR
#error "SERVE_TEST_TILES_DIR must point at the output of make_test_tiles.sh"
#endif

namespace migratlas::serve::test {

inline std::filesystem::path tiles_dir()
{
    return SERVE_TEST_TILES_DIR;
}

inline std::filesystem::path fixture_dir()
{
    return std::filesystem::path(MIGRATLAS_FIXTURES_DIR) / "serve";
}

inline void append_varint(std::string& out, std::uint64_t value)
{
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

/// A directory in the spec's serialisation (uncompressed), from (tile_id, offset, length, run_length).
struct RawEntry {
    std::uint64_t tile_id, offset, length, run_length;
};
inline std::string encode_directory(const std::vector<RawEntry>& entries)
{
    std::string out;
    append_varint(out, entries.size());
    std::uint64_t last = 0;
    for (const auto& e : entries) {
        append_varint(out, e.tile_id - last);
        last = e.tile_id;
    }
    for (const auto& e : entries) {
        append_varint(out, e.run_length);
    }
    for (const auto& e : entries) {
        append_varint(out, e.length);
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const bool follows = i > 0 && entries[i].offset == entries[i - 1].offset + entries[i - 1].length;
        append_varint(out, follows ? 0 : entries[i].offset + 1);
    }
    return out;
}

} // namespace migratlas::serve::test
