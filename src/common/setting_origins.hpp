// Where each setting of a Request was set: a command-line flag ("--snap-km") or an atlas file
// position ("atlas/demo.yaml:12:5"). Front ends fill it; the CLI uses it to place a SettingError.
#pragma once

#include <map>
#include <string>

namespace migratlas {

class SettingOrigins {
public:
    void set(const std::string& setting, std::string origin) { m_origins[setting] = std::move(origin); }
    /// "--snap-km", "atlas/demo.yaml:12:5", or empty when the setting kept its default.
    [[nodiscard]] std::string origin(const std::string& setting) const
    {
        const auto it = m_origins.find(setting);
        return it == m_origins.end() ? std::string() : it->second;
    }

private:
    std::map<std::string, std::string> m_origins;
};

} // namespace migratlas
