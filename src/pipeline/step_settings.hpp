// One step of an atlas file's `build:` section as typed settings: every value is read by the name
// of the stage setting it fills, keeps the YAML position it came from, and a key no step reads is
// an error (a typo never passes silently).
#pragma once

#include "common/setting_origins.hpp"
#include "common/source_pos.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace migratlas::pipeline {

/// Where relative paths and `{name}` variables of the build section resolve.
struct PathContext {
    std::filesystem::path atlas_dir;                   ///< relative paths are relative to the atlas file
    std::map<std::string, std::string> variables;      ///< demo -> OUT/inputs, out -> OUT
};

class StepSettings {
public:
    StepSettings(const YAML::Node& node, std::string step, std::string file, const PathContext& paths);

    [[nodiscard]] bool has(const std::string& key) const;
    [[nodiscard]] std::string text(const std::string& key, const std::string& fallback = "");
    [[nodiscard]] std::filesystem::path path(const std::string& key);
    /// A path written in the file (e.g. an item of list()): variables replaced, relative to the atlas file.
    [[nodiscard]] std::filesystem::path resolve(const std::string& raw) const;
    [[nodiscard]] std::optional<double> number(const std::string& key);
    [[nodiscard]] std::optional<long long> integer(const std::string& key);
    [[nodiscard]] std::optional<bool> flag(const std::string& key);
    /// A YAML list of scalars, or one scalar holding a comma-separated list.
    [[nodiscard]] std::vector<std::string> list(const std::string& key);

    /// Throws AtlasError at the first key that no call above read.
    void finish() const;

    [[nodiscard]] const std::string& step() const { return m_step; }
    /// The YAML position of each setting read ("atlas/demo.yaml:12:5").
    [[nodiscard]] const SettingOrigins& origins() const { return m_origins; }
    [[nodiscard]] SourcePos pos() const { return position(m_node); }

private:
    [[nodiscard]] SourcePos position(const YAML::Node& node) const;
    [[nodiscard]] std::filesystem::path relative_to_atlas(const std::filesystem::path& resolved) const;
    const YAML::Node* find(const std::string& key);
    [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;

    YAML::Node m_node;
    std::string m_step;
    std::string m_file;
    const PathContext& m_paths;
    std::set<std::string> m_read;
    SettingOrigins m_origins;
    YAML::Node m_found;
};

/// `text` with every `{name}` replaced from `variables`; an unknown name throws a UsageError that
/// says which variables exist.
[[nodiscard]] std::string substitute(const std::string& text, const std::map<std::string, std::string>& variables,
    const SourcePos& pos);

} // namespace migratlas::pipeline
