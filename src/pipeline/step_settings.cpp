#include "pipeline/step_settings.hpp"

#include "common/error.hpp"

namespace migratlas::pipeline {

namespace {

std::string known_names(const std::map<std::string, std::string>& variables)
{
    std::string text;
    for (const auto& [name, value] : variables) {
        text += (text.empty() ? "{" : ", {") + name + "}";
    }
    return text.empty() ? "none" : text;
}

} // namespace

std::string substitute(const std::string& text, const std::map<std::string, std::string>& variables, const SourcePos& pos)
{
    std::string result;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto open = text.find('{', at);
        if (open == std::string::npos) {
            break;
        }
        const auto close = text.find('}', open);
        if (close == std::string::npos) {
            break;
        }
        const std::string name = text.substr(open + 1, close - open - 1);
        const auto it = variables.find(name);
        if (it == variables.end()) {
            throw UsageError(pos.to_string() + ": unknown variable {" + name + "} (this build has " + known_names(variables) +
                "; {demo} exists when the atlas file declares `demo:`)");
        }
        result += text.substr(at, open - at) + it->second;
        at = close + 1;
    }
    return result + text.substr(std::min(at, text.size()));
}

StepSettings::StepSettings(const YAML::Node& node, std::string step, std::string file, const PathContext& paths)
    : m_node(node), m_step(std::move(step)), m_file(std::move(file)), m_paths(paths)
{
    if (!m_node.IsNull() && !m_node.IsMap()) {
        fail(m_node, "step '" + m_step + "' takes a mapping of settings (key: value), e.g. `- " + m_step + ": {}`");
    }
}

SourcePos StepSettings::position(const YAML::Node& node) const
{
    const auto mark = node.Mark();
    if (mark.is_null()) {
        return {m_file, 0, 0};
    }
    return {m_file, static_cast<std::uint64_t>(mark.line) + 1, static_cast<unsigned>(mark.column) + 1};
}

void StepSettings::fail(const YAML::Node& node, const std::string& message) const
{
    throw UsageError(position(node).to_string() + ": " + message);
}

bool StepSettings::has(const std::string& key) const
{
    return m_node.IsMap() && m_node[key].IsDefined() && !m_node[key].IsNull();
}

const YAML::Node* StepSettings::find(const std::string& key)
{
    m_read.insert(key);
    if (!has(key)) {
        return nullptr;
    }
    m_found = m_node[key];
    m_origins.set(key, position(m_found).to_string());
    return &m_found;
}

std::string StepSettings::text(const std::string& key, const std::string& fallback)
{
    const YAML::Node* node = find(key);
    if (node == nullptr) {
        return fallback;
    }
    if (!node->IsScalar()) {
        fail(*node, "step '" + m_step + "' setting " + key + " must be a single value");
    }
    return node->Scalar();
}

std::filesystem::path StepSettings::path(const std::string& key)
{
    const std::string raw = text(key);
    if (raw.empty()) {
        return {};
    }
    const std::filesystem::path resolved = substitute(raw, m_paths.variables, position(m_found));
    return relative_to_atlas(resolved);
}

std::filesystem::path StepSettings::resolve(const std::string& raw) const
{
    return relative_to_atlas(substitute(raw, m_paths.variables, pos()));
}

std::filesystem::path StepSettings::relative_to_atlas(const std::filesystem::path& resolved) const
{
    const std::string text = resolved.string();
    if (resolved.is_absolute() || text.rfind("PG:", 0) == 0 || text.rfind("/vsi", 0) == 0) {
        return resolved;
    }
    return (m_paths.atlas_dir / resolved).lexically_normal();
}

std::optional<double> StepSettings::number(const std::string& key)
{
    const std::string raw = text(key);
    if (raw.empty()) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        const double value = std::stod(raw, &used);
        if (used == raw.size()) {
            return value;
        }
    } catch (const std::exception&) {
    }
    fail(m_found, "step '" + m_step + "' setting " + key + " must be a number, got '" + raw + "'");
}

std::optional<long long> StepSettings::integer(const std::string& key)
{
    const auto value = number(key);
    if (value && *value != static_cast<double>(static_cast<long long>(*value))) {
        fail(m_found, "step '" + m_step + "' setting " + key + " must be a whole number");
    }
    return value ? std::optional<long long>(static_cast<long long>(*value)) : std::nullopt;
}

std::optional<bool> StepSettings::flag(const std::string& key)
{
    const std::string raw = text(key);
    if (raw.empty()) {
        return std::nullopt;
    }
    if (raw == "true" || raw == "yes") {
        return true;
    }
    if (raw == "false" || raw == "no") {
        return false;
    }
    fail(m_found, "step '" + m_step + "' setting " + key + " must be true or false, got '" + raw + "'");
}

std::vector<std::string> StepSettings::list(const std::string& key)
{
    m_read.insert(key);
    if (!has(key)) {
        return {};
    }
    const YAML::Node node = m_node[key];
    m_origins.set(key, position(node).to_string());
    std::vector<std::string> items;
    if (node.IsSequence()) {
        for (const auto& item : node) {
            if (!item.IsScalar()) {
                fail(item, "step '" + m_step + "' setting " + key + " lists single values");
            }
            items.push_back(item.Scalar());
        }
        return items;
    }
    if (!node.IsScalar()) {
        fail(node, "step '" + m_step + "' setting " + key + " must be a list");
    }
    std::size_t at = 0;
    const std::string& raw = node.Scalar();
    while (at <= raw.size()) {
        const auto comma = std::min(raw.find(',', at), raw.size());
        if (comma > at) {
            items.push_back(raw.substr(at, comma - at));
        }
        at = comma + 1;
    }
    return items;
}

void StepSettings::finish() const
{
    if (!m_node.IsMap()) {
        return;
    }
    for (const auto& entry : m_node) {
        const auto key = entry.first.as<std::string>();
        if (m_read.count(key) == 0) {
            std::string known;
            for (const auto& name : m_read) {
                known += (known.empty() ? "" : ", ") + name;
            }
            fail(entry.first, "unknown setting '" + key + "' in step '" + m_step + "' (settings: " + known + ")");
        }
    }
}

} // namespace migratlas::pipeline
