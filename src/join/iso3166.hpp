// ISO 3166-1 alpha-3 country codes: the country ends of flows that need not be units of the workspace
// (UNHCR or census tables name every country of the world; a workspace holds a few).
#pragma once

#include <optional>
#include <string_view>

namespace migratlas::join {

/// True for the 249 officially assigned ISO 3166-1 alpha-3 codes (upper case, exact).
[[nodiscard]] bool is_iso3166_alpha3(std::string_view code);
/// English short name of an assigned code; nullopt otherwise.
[[nodiscard]] std::optional<std::string_view> iso3166_name(std::string_view code);

} // namespace migratlas::join
