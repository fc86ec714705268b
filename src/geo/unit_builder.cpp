#include "geo/unit_builder.hpp"

#include "geo/measure.hpp"
#include "geo/repair.hpp"

#include <map>
#include <set>

namespace migratlas::geo {

namespace {

GeosGeometryPtr union_parts(const GeosContext& geos, const std::vector<SourceFeature*>& parts)
{
    std::vector<GeosGeometryPtr> clones;
    for (const SourceFeature* part : parts) {
        clones.push_back(geos.clone(part->geometry.get()));
    }
    const GeosGeometryPtr collection = geos.collection(GEOS_GEOMETRYCOLLECTION, std::move(clones));
    const GeosGeometryPtr merged = geos.own(GEOSUnaryUnion_r(geos.handle(), collection.get()), "union of unit parts");
    return make_valid_multipolygon(geos, merged.get()).geometry;
}

std::string feature_list(const std::vector<SourceFeature*>& parts)
{
    std::string text;
    for (const SourceFeature* part : parts) {
        text += (text.empty() ? "" : ", ") + std::to_string(part->number) + " '" + part->name + "'";
    }
    return text;
}

} // namespace

void measure_unit(const GeosContext& geos, Unit& unit)
{
    unit.info.area_km2 = area_km2(geos, unit.geometry.get());
    const LonLat point = representative_point(geos, unit.geometry.get());
    unit.info.rep_lon = point.lon;
    unit.info.rep_lat = point.lat;
}

BuildResult build_units(const GeosContext& geos, SourceData& source, NameConflict name_conflict, Diagnostics& diagnostics)
{
    const SourcePos pos{source.path, 0, 0};
    std::map<std::string, std::vector<SourceFeature*>> by_code;
    std::vector<std::string> order;
    for (auto& feature : source.features) {
        auto& parts = by_code[feature.code];
        if (parts.empty()) {
            order.push_back(feature.code);
        }
        parts.push_back(&feature);
    }

    BuildResult result;
    for (const std::string& code : order) {
        const std::vector<SourceFeature*>& parts = by_code[code];
        SourceFeature& first = *parts.front();
        Unit unit;
        unit.info.code = code;
        unit.info.name = first.name;
        unit.info.level = first.level;
        unit.info.parent_code = first.parent_code;
        unit.source = source.path;
        if (parts.size() == 1) {
            unit.geometry = std::move(first.geometry);
            measure_unit(geos, unit);
            result.units.push_back(std::move(unit));
            continue;
        }
        std::set<std::string> names;
        bool same_level_and_parent = true;
        for (const SourceFeature* part : parts) {
            names.insert(part->name);
            same_level_and_parent = same_level_and_parent && part->level == first.level && part->parent_code == first.parent_code;
        }
        if (!same_level_and_parent) {
            diagnostics.error("code_conflict", pos, "code '" + code + "' is used by features " + feature_list(parts) +
                " with different levels or parent codes; codes must identify one unit");
            continue;
        }
        if (names.size() > 1) {
            ++result.duplicate_codes;
            if (name_conflict == NameConflict::error) {
                diagnostics.error("duplicate_code", pos, "code '" + code + "' is used by features " + feature_list(parts) +
                    " with different names; correct the source or set name_conflict to keep-largest");
                continue;
            }
            // The largest part names the unit: a typo usually sits on a small duplicate polygon.
            double largest = -1;
            for (const SourceFeature* part : parts) {
                const double area = area_km2(geos, part->geometry.get());
                if (area > largest) {
                    largest = area;
                    unit.info.name = part->name;
                }
            }
            diagnostics.warn("name_conflict", pos, "code '" + code + "' is used by features " + feature_list(parts) +
                " with different names; merged as '" + unit.info.name + "', the name of the largest part");
        } else {
            diagnostics.warn("parts_merged", pos, "code '" + code + "' '" + unit.info.name + "': " +
                std::to_string(parts.size()) + " features (" + feature_list(parts) + ") merged into one MultiPolygon");
        }
        result.parts_merged += parts.size() - 1;
        unit.geometry = union_parts(geos, parts);
        measure_unit(geos, unit);
        result.units.push_back(std::move(unit));
    }
    return result;
}

} // namespace migratlas::geo
