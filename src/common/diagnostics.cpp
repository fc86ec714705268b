#include "common/diagnostics.hpp"

#include "common/error.hpp"

#include <algorithm>

namespace migratlas {

std::string Diagnostic::to_string() const
{
    std::string text = pos.to_string();
    if (!text.empty()) {
        text += ": ";
    }
    switch (severity) {
    case Severity::info: text += "note: "; break;
    case Severity::warning: text += "warning: "; break;
    case Severity::error: text += "error: "; break;
    }
    text += message;
    if (!code.empty()) {
        text += " [" + code + "]";
    }
    return text;
}

void Diagnostics::info(std::string code, SourcePos pos, std::string message)
{
    add(Severity::info, std::move(code), std::move(pos), std::move(message));
}

void Diagnostics::warn(std::string code, SourcePos pos, std::string message)
{
    add(Severity::warning, std::move(code), std::move(pos), std::move(message));
}

void Diagnostics::error(std::string code, SourcePos pos, std::string message)
{
    add(Severity::error, std::move(code), std::move(pos), std::move(message));
}

void Diagnostics::reject(const std::string& reason, SourcePos pos, std::string message)
{
    if (m_strict) {
        throw DataError(pos.to_string() + ": " + message + " (strict mode stops at the first rejected row)");
    }
    ++m_reject_counts[reason];
    add(Severity::warning, reason, std::move(pos), std::move(message));
}

std::uint64_t Diagnostics::rejected() const
{
    std::uint64_t total = 0;
    for (const auto& [reason, n] : m_reject_counts) {
        total += n;
    }
    return total;
}

std::size_t Diagnostics::count(Severity severity) const
{
    return static_cast<std::size_t>(std::count_if(m_entries.begin(), m_entries.end(),
        [severity](const Diagnostic& d) { return d.severity == severity; }));
}

void Diagnostics::merge(const Diagnostics& other)
{
    m_entries.insert(m_entries.end(), other.m_entries.begin(), other.m_entries.end());
    for (const auto& [code, n] : other.m_code_counts) {
        m_code_counts[code] += n;
    }
    for (const auto& [reason, n] : other.m_reject_counts) {
        m_reject_counts[reason] += n;
    }
    m_suppressed += other.m_suppressed;
}

void Diagnostics::add(Severity severity, std::string code, SourcePos pos, std::string message)
{
    auto& seen = m_code_counts[code];
    ++seen;
    // Errors are always kept: a run that fails must list every reason it failed.
    if (severity != Severity::error && seen > m_messages_per_code) {
        ++m_suppressed;
        return;
    }
    m_entries.push_back(Diagnostic{severity, std::move(code), std::move(pos), std::move(message)});
}

} // namespace migratlas
