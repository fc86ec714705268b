// The records stage: streams a crossings CSV, validates rows, pseudonymises person_id, classifies each
// person's crossings with the 12/16 rule and writes events / rejects / duplicates plus monthly counts.
#pragma once

#include "common/diagnostics.hpp"
#include "common/output_file.hpp"
#include "common/progress.hpp"
#include "records/monthly_counts.hpp"
#include "records/person_key_hasher.hpp"
#include "records/rule_parameters.hpp"
#include "records/string_pool.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::records {

struct LinkOptions {
    std::filesystem::path crossings;
    RuleParameters rule;
    std::optional<std::filesystem::path> events_csv;      ///< person_key,event_time,event_type,days_in_window,crossing_point
    std::optional<std::filesystem::path> rejects_csv;     ///< line_no,person_key,reason
    std::optional<std::filesystem::path> duplicates_csv;  ///< line_no,person_key,reason
    std::uint64_t memory_budget = 4ULL << 30;             ///< accepted rows beyond ~70% of this spill to disk
    unsigned threads = 0;                                 ///< 0 = hardware concurrency
    std::filesystem::path temp_directory;                 ///< spill files; empty = system temp folder
    bool tabulate = true;  ///< build the monthly counts (only needed for the workspace tables)
};

/// Every input data row ends as exactly one event, reject or duplicate:
/// rows_read = events + Σ rejected + Σ duplicates (checked before link_crossings returns).
struct LinkCounts {
    std::uint64_t rows_read = 0;
    std::uint64_t events = 0;
    std::map<std::string, std::uint64_t> rejected;    ///< by reason
    std::map<std::string, std::uint64_t> duplicates;  ///< exact_duplicate / near_duplicate
    std::array<std::uint64_t, event_type_count> events_by_type{};
    std::uint64_t persons = 0;
    std::uint64_t non_utf8_values = 0;  ///< tabulation fields replaced by "<invalid-utf8>"
    std::size_t partitions = 0;
    std::uint64_t spills = 0;
    std::uint64_t spilled_bytes = 0;
    unsigned threads = 1;
    double ingest_seconds = 0;
    double classify_seconds = 0;
    double output_seconds = 0;

    [[nodiscard]] std::uint64_t rejected_total() const;
    [[nodiscard]] std::uint64_t duplicates_total() const;
};

struct LinkResult {
    LinkCounts counts;
    MonthlyCounts monthly;
    StringPool labels;          ///< text of the ids used in `monthly`
    bool has_residence = false; ///< the input has a residence_code column
    /// The events, rejects and duplicates files, complete but not committed: they replace their
    /// targets only when the caller commits them, after the rest of its run succeeded.
    std::vector<std::unique_ptr<OutputFile>> files;

    void commit_files();
};

/// Runs the whole stage. Structural problems (unreadable file, missing column) throw InputError
/// naming the file and column; bad rows become rejects in `diagnostics`. Raw person_id values are
/// never written anywhere: outputs, spill files and messages carry the HMAC person_key only.
[[nodiscard]] LinkResult link_crossings(const LinkOptions& options, const HmacKey& key, Diagnostics& diagnostics,
    Progress& progress);

} // namespace migratlas::records
