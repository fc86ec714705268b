// `migratlas audit` as a library call: reads published files only (and their datapackage.json),
// rebuilds every table family from the metadata, attacks each hidden count with the LP attacker
// (attack.hpp), and searches every byte for raw identifiers and the pseudonymisation key.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::disclose {

struct AuditRequest {
    std::vector<std::string> paths;      ///< export folders, files in them, tilesets (or folders of them), PG: connections
    std::filesystem::path key_file;      ///< optional: the pseudonymisation key (setting `key_file`)
    std::filesystem::path raw_ids;       ///< optional: raw identifiers, one per line or a person_id column
    std::optional<std::int64_t> threshold;  ///< overrides the threshold (and protection level) the metadata states
    bool exact = false;                  ///< exact intervals for every hidden count (slower)
};

struct AuditFinding {
    std::string kind;   ///< below_threshold, narrowed, published_elsewhere, inconsistent, raw_id, key
    std::string where;  ///< file (and layer) or table
    std::string message;
};

/// A hidden count the LP attacked, and the interval it found.
struct AuditedCell {
    std::string family;
    std::string count;
    std::string cell;    ///< key=code, ... of the family
    std::string status;
    double low = 0.0;
    double high = 0.0;   ///< infinity when unbounded
    bool exact = false;
};

struct AuditOutcome {
    std::size_t files = 0;
    std::size_t tables = 0;
    std::size_t families = 0;
    std::size_t tilesets = 0;            ///< MBTiles and PMTiles files read
    std::size_t tiles = 0;               ///< stored tiles decoded
    std::size_t published_counts = 0;
    std::size_t hidden_counts = 0;
    std::size_t lp_solves = 0;
    double seconds = 0.0;
    std::vector<AuditFinding> findings;  ///< the first 200 of each kind
    std::size_t findings_total = 0;
    std::vector<AuditedCell> cells;
    std::vector<std::string> notes;
    [[nodiscard]] bool passed() const { return findings_total == 0; }
};

/// Runs every check; findings do not throw (the outcome lists them). InputError for paths
/// without metadata or unreadable files; SettingError for a bad threshold.
[[nodiscard]] AuditOutcome run_audit(const AuditRequest& request, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::disclose
