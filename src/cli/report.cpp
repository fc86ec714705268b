#include "cli/report.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace migratlas::cli {

namespace {

std::string_view severity_name(Severity severity)
{
    switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    }
    return "warning";
}

/// Errors first, then warnings, then notes (quiet: errors only), each in the order they arose.
std::vector<const Diagnostic*> listing_order(const Diagnostics& diagnostics, bool quiet)
{
    std::vector<const Diagnostic*> order;
    for (const Severity severity : {Severity::error, Severity::warning, Severity::info}) {
        if (quiet && severity != Severity::error) {
            continue;
        }
        for (const Diagnostic& entry : diagnostics.entries()) {
            if (entry.severity == severity) {
                order.push_back(&entry);
            }
        }
    }
    return order;
}

void print_text(const CliContext& context, const std::string& error)
{
    if (!error.empty()) {
        std::fprintf(stderr, "migratlas: %s\n", error.c_str());
    }
    if (!context.quiet && !context.summary.empty()) {
        std::fputs(context.summary.c_str(), stderr);
        if (context.summary.back() != '\n') {
            std::fputc('\n', stderr);
        }
    }
    const Diagnostics& diagnostics = context.diagnostics;
    const std::vector<const Diagnostic*> order = listing_order(diagnostics, context.quiet);
    const std::size_t shown = std::min(order.size(), listed_diagnostics);
    for (std::size_t i = 0; i < shown; ++i) {
        std::fprintf(stderr, "  %s\n", order[i]->to_string().c_str());
    }
    std::uint64_t total = 0;
    for (const auto& [code, n] : diagnostics.code_counts()) {
        total += n;
    }
    if (!context.quiet && total > shown) {
        std::string rest;
        for (const auto& [code, n] : diagnostics.code_counts()) {
            rest += (rest.empty() ? "" : ", ") + (code.empty() ? std::string("other") : code) + " " + std::to_string(n);
        }
        std::fprintf(stderr, "  ... %llu more messages; all messages by code: %s\n",
            static_cast<unsigned long long>(total - shown), rest.c_str());
    }
}

} // namespace

Json diagnostics_json(const Diagnostics& diagnostics)
{
    Json entries = Json::array();
    for (const Diagnostic& entry : diagnostics.entries()) {
        Json item = {{"severity", severity_name(entry.severity)}, {"code", entry.code},
            {"message", entry.message}};
        if (!entry.pos.path.empty()) {
            item["file"] = entry.pos.path;
        }
        if (entry.pos.line > 0) {
            item["line"] = entry.pos.line;
        }
        if (entry.pos.column > 0) {
            item["column"] = entry.pos.column;
        }
        entries.push_back(std::move(item));
    }
    return {{"counts", diagnostics.code_counts()}, {"rejected", diagnostics.reject_counts()}, {"entries", entries},
        {"not_kept", diagnostics.suppressed()}};
}

std::string flag_for(const CLI::App& app, const std::string& setting)
{
    std::string flag = "--" + setting;
    std::replace(flag.begin(), flag.end(), '_', '-');
    const CLI::App* command = &app;
    while (!command->get_subcommands().empty()) {
        command = command->get_subcommands().front();
    }
    for (const CLI::Option* option : command->get_options()) {
        for (const std::string& name : option->get_lnames()) {
            if ("--" + name == flag) {
                return flag;
            }
        }
    }
    return {};
}

int report(const CliContext& context, int exit_code, const std::string& error)
{
    if (!context.json) {
        print_text(context, error);
        return exit_code;
    }
    if (!error.empty()) {
        std::fprintf(stderr, "migratlas: %s\n", error.c_str());
    }
    Json document = {{"command", context.command}, {"status", exit_code == 0 ? "ok" : "failed"},
        {"exit_code", exit_code}};
    if (!error.empty()) {
        document["error"] = error;
    }
    if (!context.outcome.empty()) {
        document["outcome"] = context.outcome;
    }
    document["diagnostics"] = diagnostics_json(context.diagnostics);
    std::printf("%s\n", document.dump(2).c_str());
    std::fflush(stdout);
    return exit_code;
}

} // namespace migratlas::cli
