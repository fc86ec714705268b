#include "cli/stage_report.hpp"

#include "common/error.hpp"

#include <cstdio>

namespace migratlas::cli {

namespace {

nlohmann::json diagnostics_json(const Diagnostics& diagnostics)
{
    nlohmann::json list = nlohmann::json::array();
    for (const Diagnostic& d : diagnostics.entries()) {
        list.push_back({{"severity", d.severity == Severity::error ? "error" : d.severity == Severity::warning ? "warning" : "info"},
            {"code", d.code}, {"path", d.pos.path}, {"line", d.pos.line}, {"column", d.pos.column}, {"message", d.message}});
    }
    return {{"entries", list}, {"rejected", diagnostics.reject_counts()}, {"not_shown", diagnostics.suppressed()}};
}

void print_diagnostics(const Diagnostics& diagnostics)
{
    std::size_t shown = 0;
    for (const Diagnostic& d : diagnostics.entries()) {
        if (shown++ < 10) {
            std::fprintf(stderr, "  %s\n", d.to_string().c_str());
        }
    }
    const std::uint64_t rest = diagnostics.entries().size() - std::min<std::size_t>(diagnostics.entries().size(), 10) +
        diagnostics.suppressed();
    if (rest > 0) {
        std::fprintf(stderr, "  ... %llu more messages (--json lists them)\n", static_cast<unsigned long long>(rest));
    }
}

} // namespace

void StageReport::run(const SettingOrigins& origins, bool strict, const std::function<Result(Diagnostics&, Progress&)>& stage)
{
    Diagnostics diagnostics(strict);
    Progress progress = Progress::for_terminal(m_quiet || m_json);
    Result result;
    try {
        result = stage(diagnostics, progress);
    } catch (const Error& e) {
        std::string message = e.what();
        if (const auto* setting = dynamic_cast<const SettingError*>(&e)) {
            const std::string origin = origins.origin(setting->setting());
            if (!origin.empty()) {
                message = origin + ": " + setting->message() + " (setting " + setting->setting() + ")";
            }
        }
        if (!m_quiet) {
            print_diagnostics(diagnostics);
        }
        if (m_json) {
            const nlohmann::json doc = {{"command", m_command}, {"ok", false}, {"error", message},
                {"diagnostics", diagnostics_json(diagnostics)}};
            std::printf("%s\n", doc.dump(2).c_str());
        }
        if (dynamic_cast<const UsageError*>(&e) != nullptr) {
            throw UsageError(message);
        }
        throw;
    }
    if (m_json) {
        const nlohmann::json doc = {{"command", m_command}, {"ok", true}, {"outcome", result.outcome},
            {"diagnostics", diagnostics_json(diagnostics)}};
        std::printf("%s\n", doc.dump(2).c_str());
    }
    if (!m_quiet) {
        std::fputs(result.summary.c_str(), stderr);
        print_diagnostics(diagnostics);
    }
}

} // namespace migratlas::cli
