// The metadata every product carries from the stage that made it to whatever publishes it: sources
// with SHA-256, method and parameters, reference period, creation time, version, disclosure rule.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace migratlas {

struct ProductMetadata {
    struct Source {
        std::string role;    ///< "crossings", "geographies", "controls", ... or "product:<name>"
        std::string path;    ///< as given (PG: strings with the password masked)
        std::string sha256;  ///< of the file's bytes; empty for database sources
    };

    std::string product;
    std::vector<Source> sources;
    std::string method;      ///< what made it, with the methods page: "12/16 rule (docs/methods/linkage.md)"
    std::vector<std::pair<std::string, std::string>> parameters;
    std::string period;      ///< reference period, ISO 8601 interval "2023-01/2024-12"; empty when none
    std::string created_utc; ///< "YYYY-MM-DDThh:mm:ssZ"
    std::string version;     ///< migratlas version that made it
    std::string disclosure;  ///< set by the disclosure stage only: the rule applied and what it hid
};

} // namespace migratlas
