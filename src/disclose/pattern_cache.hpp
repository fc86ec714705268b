// The gate's persistent cache of protected patterns: once a family is protected, the status of
// each of its cells is kept beside the workspace, under a SHA-256 of exactly what the pattern
// depends on, so that later processes publishing the same family from the same data load it.
#pragma once

#include "common/diagnostics.hpp"
#include "disclose/cube.hpp"
#include "disclose/hypercube_protector.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::disclose {

/// Bump whenever a change to the protection (primary_rule, hypercube_protector, local_move, cube,
/// family_table) may change a pattern: entries keyed under another version are never found. The
/// key also holds a digest of those sources made at build time (protector_digest.hpp.in), so an
/// edit there invalidates old entries even when nobody bumps this.
inline constexpr int protector_version = 1;

/// A protected pattern as stored: the status of every cell in cube order, including the zero
/// cells the protection added (their keys, in the order it added them, after the cube's own).
struct StoredPattern {
    std::vector<CellStatus> status;
    std::vector<CellKey> added;
    ProtectionReport report;
    double seconds = 0.0;  ///< what computing the pattern took (the seconds a load saves)
};

/// This build's protector: protector_version, the migratlas version and the source digest.
[[nodiscard]] std::string current_protector();

/// The cache key of `cube` before protection (leaves and margins summed, no status set) under
/// `rule`: its dimensions, views, measures, every cell's key and values, the rule settings that
/// shape a pattern (not the thread count) and the protector.
[[nodiscard]] std::string pattern_key(const Cube& cube, const ProtectionRule& rule,
    std::string_view protector = current_protector());

/// The pattern of `cube` just protected; it held `cells_before` cells before the protection.
[[nodiscard]] StoredPattern pattern_of(const Cube& cube, std::size_t cells_before, const ProtectionReport& report,
    double seconds);

/// Gives `cube`, whose primary cells are marked (apply_primary) and nothing else, the stored
/// pattern. False, with `cube` unchanged, when the pattern does not fit it: other cell count,
/// an added cell the cube already has, or primaries that differ from the cube's.
[[nodiscard]] bool apply_pattern(const StoredPattern& pattern, Cube& cube);

/// Entries are files `<key>.pattern` in one directory (by default `<workspace>.disclosure-cache/`).
/// Every failure to read or write is a warning and the caller computes: the cache never fails a
/// run and never returns an entry whose stored key is not the one asked for.
class PatternCache {
public:
    explicit PatternCache(std::filesystem::path directory) : m_directory(std::move(directory)) {}

    /// The default location: `<workspace>.disclosure-cache` beside the workspace file, so that
    /// the workspace itself (and every identity taken from its bytes) does not change.
    [[nodiscard]] static std::filesystem::path beside(const std::filesystem::path& workspace);

    /// The entry stored under `key`; nullopt when there is none, and (with a warning
    /// `pattern_cache_ignored`) when it is damaged, of another format or stored under another key.
    [[nodiscard]] std::optional<StoredPattern> load(const std::string& key, Diagnostics& diagnostics) const;

    /// Writes the entry atomically (a whole temporary file renamed over it), so that a reader, or
    /// another process storing the same key, never sees half an entry. A directory that cannot
    /// be created or written is a warning `pattern_cache_unwritable`.
    void store(const std::string& key, const StoredPattern& pattern, Diagnostics& diagnostics) const;

    [[nodiscard]] const std::filesystem::path& directory() const { return m_directory; }
    [[nodiscard]] std::filesystem::path entry_path(const std::string& key) const;

private:
    std::filesystem::path m_directory;
};

} // namespace migratlas::disclose
