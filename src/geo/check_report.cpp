#include "geo/check_report.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace migratlas::geo {

namespace {
double round3(double value)
{
    return std::round(value * 1000.0) / 1000.0;
}
} // namespace

std::string CheckReport::to_json() const
{
    nlohmann::ordered_json j;
    j["source"] = source;
    j["layer"] = layer;
    j["driver"] = driver;
    j["crs"] = crs;
    j["features_read"] = features_read;
    j["units"] = units;  // not a product name
    j["invalid_repaired"] = invalid_repaired;
    j["parts_merged"] = parts_merged;
    j["missing_code"] = missing_code;
    j["missing_geometry"] = missing_geometry;
    j["rejected"] = rejected;
    j["rejected_by_reason"] = rejected_by_reason;
    j["duplicate_codes"] = duplicate_codes;
    j["orphans"] = orphans;
    j["orphan_codes"] = orphan_codes;
    j["overlaps"] = overlaps;
    j["overlap_km2"] = round3(overlap_km2);
    j["gaps"] = gaps;
    j["gap_km2"] = round3(gap_km2);
    j["outside_parent"] = outside_parent;
    j["outside_parent_km2"] = round3(outside_parent_km2);
    j["tolerance_km2"] = tolerance_km2;
    j["area_km2_total"] = round3(area_km2_total);
    nlohmann::ordered_json levels = nlohmann::ordered_json::object();
    for (const auto& [level, n] : units_by_level) {
        levels[std::to_string(level)] = n;
    }
    j["units_by_level"] = levels;
    j["written"] = written;
    j["units_replaced"] = units_replaced;
    j["units_in_workspace"] = units_in_workspace;
    j["neighbour_pairs"] = neighbour_pairs;
    return j.dump(2);
}

std::string CheckReport::summary() const
{
    char line[512];
    std::string text;
    std::snprintf(line, sizeof line, "%s (layer '%s', %s, CRS %s)\n", source.c_str(), layer.c_str(), driver.c_str(),
        crs.c_str());
    text += line;
    std::snprintf(line, sizeof line,
        "  features read %llu, units %llu, invalid repaired %llu, parts merged %llu, rejected %llu "
        "(missing code %llu, missing geometry %llu)\n",
        static_cast<unsigned long long>(features_read), static_cast<unsigned long long>(units),
        static_cast<unsigned long long>(invalid_repaired), static_cast<unsigned long long>(parts_merged),
        static_cast<unsigned long long>(rejected), static_cast<unsigned long long>(missing_code),
        static_cast<unsigned long long>(missing_geometry));
    text += line;
    std::snprintf(line, sizeof line,
        "  duplicate codes %llu, orphans %llu, overlaps %llu (%.2f km2), gaps %llu (%.2f km2), total area %.1f km2\n",
        static_cast<unsigned long long>(duplicate_codes), static_cast<unsigned long long>(orphans),
        static_cast<unsigned long long>(overlaps), overlap_km2, static_cast<unsigned long long>(gaps), gap_km2,
        area_km2_total);
    text += line;
    if (written) {
        std::snprintf(line, sizeof line, "  workspace: %llu units replaced, %llu units in total, %llu neighbour pairs\n",
            static_cast<unsigned long long>(units_replaced), static_cast<unsigned long long>(units_in_workspace),
            static_cast<unsigned long long>(neighbour_pairs));
        text += line;
    }
    return text;
}

} // namespace migratlas::geo
