// Small RAII helpers around GDAL: one-time driver registration and a scoped error collector.
// Every GDAL call site in the project goes through these so that messages reach our exceptions.
#pragma once

#include <string>
#include <vector>

namespace migratlas {

/// Registers GDAL/OGR drivers once per process (thread safe).
void gdal_register_all();

/// While alive, CPLError messages are collected here instead of being printed by GDAL.
/// Throw with `text()` when a GDAL call fails, so the user sees GDAL's own explanation.
class GdalErrorCollector {
public:
    GdalErrorCollector();
    ~GdalErrorCollector();
    GdalErrorCollector(const GdalErrorCollector&) = delete;
    GdalErrorCollector& operator=(const GdalErrorCollector&) = delete;

    [[nodiscard]] const std::vector<std::string>& messages() const { return m_messages; }
    /// The collected failure messages joined with "; " (empty when there were none).
    [[nodiscard]] std::string text() const;
    void clear() { m_messages.clear(); }

private:
    std::vector<std::string> m_messages;
};

} // namespace migratlas
