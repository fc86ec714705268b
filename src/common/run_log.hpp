// What one command did: parameters, inputs with checksums, and row counts that must reconcile.
// Stored in the workspace's run_log table (long format, one row per item) by Workspace.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace migratlas {

class Diagnostics;

struct RunLog {
    struct Input {
        std::string role;   ///< "crossings", "geographies", ...
        std::string path;
        std::string sha256;
    };
    struct Count {
        std::string stage;  ///< "records", "geo", ...
        std::string name;   ///< "rows_read", "accepted", "rejected:bad_timestamp", ...
        std::int64_t value = 0;
    };

    std::string command;
    std::vector<std::pair<std::string, std::string>> parameters;
    std::vector<Input> inputs;
    std::vector<Count> counts;
    std::vector<std::string> notes;  ///< warnings worth keeping with the run
    std::string started_utc;
    std::string finished_utc;

    void add_input(std::string role, const std::string& path);  ///< computes the SHA-256
    void add_count(std::string stage, std::string name, std::int64_t value);
    /// Adds "rejected:<reason>" counts for every reject reason in `diagnostics`.
    void add_reject_counts(const std::string& stage, const Diagnostics& diagnostics);
};

/// Current UTC time as "YYYY-MM-DDThh:mm:ssZ".
std::string utc_now_iso();

} // namespace migratlas
