// Collects warnings, errors and row rejects of one run, with reason codes and positions.
// Every stage reports into a Diagnostics; the CLI prints it and the run log stores its counts.
#pragma once

#include "common/source_pos.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace migratlas {

enum class Severity { info, warning, error };

struct Diagnostic {
    Severity severity = Severity::warning;
    std::string code;    ///< stable machine-readable reason, e.g. "bad_timestamp"
    SourcePos pos;
    std::string message; ///< one sentence

    [[nodiscard]] std::string to_string() const;
};

/// Messages are kept up to a cap per code so that 20 M bad rows cannot exhaust memory;
/// counts are always exact, and `suppressed()` says how many messages were not kept.
class Diagnostics {
public:
    explicit Diagnostics(bool strict = false, std::size_t messages_per_code = 200)
        : m_strict(strict), m_messages_per_code(messages_per_code)
    {
    }

    void info(std::string code, SourcePos pos, std::string message);
    void warn(std::string code, SourcePos pos, std::string message);
    void error(std::string code, SourcePos pos, std::string message);

    /// A bad input row: counted under `reason`. With strict mode the first reject throws
    /// DataError carrying the same message.
    void reject(const std::string& reason, SourcePos pos, std::string message);

    [[nodiscard]] const std::vector<Diagnostic>& entries() const { return m_entries; }
    [[nodiscard]] const std::map<std::string, std::uint64_t>& reject_counts() const { return m_reject_counts; }
    [[nodiscard]] std::uint64_t rejected() const;
    [[nodiscard]] std::size_t count(Severity severity) const;
    [[nodiscard]] std::uint64_t suppressed() const { return m_suppressed; }
    [[nodiscard]] bool has_errors() const { return count(Severity::error) > 0; }
    [[nodiscard]] bool strict() const { return m_strict; }
    /// With strict mode the first reject throws DataError with its message (`--strict`).
    void set_strict(bool strict) { m_strict = strict; }
    /// Adds everything `other` holds (entries, counts, rejects): a run of several stages gives each
    /// stage its own Diagnostics, since stages judge their input by the rejects they counted.
    void merge(const Diagnostics& other);
    /// Exact number of diagnostics per code, kept or not.
    [[nodiscard]] const std::map<std::string, std::uint64_t>& code_counts() const { return m_code_counts; }

private:
    void add(Severity severity, std::string code, SourcePos pos, std::string message);

    bool m_strict;
    std::size_t m_messages_per_code;
    std::vector<Diagnostic> m_entries;
    std::map<std::string, std::uint64_t> m_code_counts;
    std::map<std::string, std::uint64_t> m_reject_counts;
    std::uint64_t m_suppressed = 0;
};

} // namespace migratlas
