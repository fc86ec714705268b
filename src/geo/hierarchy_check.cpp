#include "geo/hierarchy_check.hpp"

#include "geo/envelope_index.hpp"
#include "geo/measure.hpp"
#include "geo/repair.hpp"

#include <cstdio>
#include <map>
#include <unordered_map>

namespace migratlas::geo {

namespace {

std::string km2_text(double km2)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", km2);
    return text;
}

std::string unit_label(const Unit& unit)
{
    return "'" + unit.info.code + "' (" + unit.info.name + ")";
}

/// Pieces of `geometry` larger than `tolerance_km2`: their count and total area.
std::pair<std::uint64_t, double> pieces_above(const GeosContext& geos, const GEOSGeometry* geometry, double tolerance_km2)
{
    const GeosGeometryPtr polygons = collect_polygons(geos, geometry);
    std::uint64_t count = 0;
    double total = 0;
    const int n = geos.num_geometries(polygons.get());
    for (int i = 0; i < n; ++i) {
        const double km2 = area_km2(geos, geos.geometry_n(polygons.get(), i));
        if (km2 > tolerance_km2) {
            ++count;
            total += km2;
        }
    }
    return {count, total};
}

void check_parents(const std::vector<const Unit*>& hierarchy, const std::vector<bool>& is_new, const SourcePos& pos,
    const HierarchyOptions& options, Diagnostics& diagnostics, HierarchyResult& result)
{
    std::unordered_map<std::string, const Unit*> by_code;
    for (const Unit* unit : hierarchy) {
        by_code.emplace(unit->info.code, unit);
    }
    std::vector<std::string> unverified;
    for (std::size_t i = 0; i < hierarchy.size(); ++i) {
        const Unit& unit = *hierarchy[i];
        if (!is_new[i] || unit.info.level <= 1) {
            continue;
        }
        const std::string& parent = unit.info.parent_code;
        if (parent.empty()) {
            result.orphans.push_back(unit.info.code);
            diagnostics.error("orphan", pos, "level-" + std::to_string(unit.info.level) + " unit " + unit_label(unit) +
                " has no parent code; give parent_field, parent_code or parent_code_length");
            continue;
        }
        const auto found = by_code.find(parent);
        if (found == by_code.end()) {
            if (options.parents_known) {
                result.orphans.push_back(unit.info.code);
                diagnostics.error("orphan", pos, "level-" + std::to_string(unit.info.level) + " unit " + unit_label(unit) +
                    ": parent '" + parent + "' is not in the source or the workspace; import level " +
                    std::to_string(unit.info.level - 1) + " first");
            } else {
                unverified.push_back(parent);
            }
        } else if (found->second->info.level != unit.info.level - 1) {
            result.orphans.push_back(unit.info.code);
            diagnostics.error("orphan", pos, "level-" + std::to_string(unit.info.level) + " unit " + unit_label(unit) +
                ": parent " + unit_label(*found->second) + " is level " + std::to_string(found->second->info.level) +
                ", expected level " + std::to_string(unit.info.level - 1));
        }
    }
    if (!unverified.empty()) {
        std::map<std::string, int> distinct;
        for (const auto& code : unverified) {
            ++distinct[code];
        }
        std::string list;
        int shown = 0;
        for (const auto& [code, n] : distinct) {
            if (shown++ == 10) {
                list += ", ...";
                break;
            }
            list += (list.empty() ? "'" : ", '") + code + "'";
        }
        diagnostics.warn("parent_unverified", pos, std::to_string(unverified.size()) + " units refer to " +
            std::to_string(distinct.size()) + " parent codes outside the source (" + list +
            "); give a workspace to verify them");
    }
}

void check_overlaps(const GeosContext& geos, const std::vector<const Unit*>& hierarchy, const std::vector<bool>& is_new,
    const SourcePos& pos, const HierarchyOptions& options, Diagnostics& diagnostics, HierarchyResult& result,
    Progress& progress)
{
    const GEOSContextHandle_t h = geos.handle();
    std::vector<const GEOSGeometry*> raw;
    for (const Unit* unit : hierarchy) {
        raw.push_back(unit->geometry.get());
    }
    const EnvelopeIndex index(geos, raw);
    progress.start("checking overlaps");
    for (std::size_t i = 0; i < hierarchy.size(); ++i) {
        progress.update(static_cast<double>(i) / static_cast<double>(hierarchy.size()));
        if (!is_new[i]) {
            continue;
        }
        const Unit& a = *hierarchy[i];
        GeosPreparedPtr prepared;
        for (std::size_t j : index.query(index.envelope(i))) {
            const Unit& b = *hierarchy[j];
            if (j == i || (is_new[j] && j < i) || b.info.level != a.info.level || b.info.parent_code != a.info.parent_code) {
                continue;
            }
            if (!prepared) {
                prepared = geos.prepare(a.geometry.get());
            }
            if (!geos.predicate(GEOSPreparedIntersects_r(h, prepared.get(), b.geometry.get()), "intersects")) {
                continue;
            }
            const GeosGeometryPtr common = geos.own(GEOSIntersection_r(h, a.geometry.get(), b.geometry.get()), "intersection");
            const auto [pieces, km2] = pieces_above(geos, common.get(), options.tolerance_km2);
            if (pieces > 0) {
                ++result.overlaps;
                result.overlap_km2 += km2;
                diagnostics.warn("overlap", pos, "sibling units " + unit_label(a) + " and " + unit_label(b) +
                    " overlap by " + km2_text(km2) + " km2 (tolerance " + km2_text(options.tolerance_km2) + " km2)");
            }
        }
    }
    progress.finish();
}

void check_coverage(const GeosContext& geos, const std::vector<const Unit*>& hierarchy, const std::vector<bool>& is_new,
    const SourcePos& pos, const HierarchyOptions& options, Diagnostics& diagnostics, HierarchyResult& result,
    Progress& progress)
{
    const GEOSContextHandle_t h = geos.handle();
    std::unordered_map<std::string, const Unit*> by_code;
    for (const Unit* unit : hierarchy) {
        by_code.emplace(unit->info.code, unit);
    }
    // Parents that receive at least one new child, with all their children (old and new).
    std::map<std::string, std::vector<const Unit*>> children;
    std::map<std::string, bool> touched;
    for (std::size_t i = 0; i < hierarchy.size(); ++i) {
        const Unit& unit = *hierarchy[i];
        const auto parent = by_code.find(unit.info.parent_code);
        if (unit.info.level <= 1 || parent == by_code.end() || parent->second->info.level != unit.info.level - 1) {
            continue;
        }
        children[unit.info.parent_code].push_back(&unit);
        touched[unit.info.parent_code] = touched[unit.info.parent_code] || is_new[i];
    }
    progress.start("checking gaps");
    std::size_t done = 0;
    for (const auto& [parent_code, members] : children) {
        progress.update(static_cast<double>(done++) / static_cast<double>(children.size()));
        if (!touched[parent_code]) {
            continue;
        }
        const Unit& parent = *by_code[parent_code];
        std::vector<GeosGeometryPtr> clones;
        for (const Unit* child : members) {
            clones.push_back(geos.clone(child->geometry.get()));
        }
        const GeosGeometryPtr collection = geos.collection(GEOS_GEOMETRYCOLLECTION, std::move(clones));
        const GeosGeometryPtr covered = geos.own(GEOSUnaryUnion_r(h, collection.get()), "union of children");
        const GeosGeometryPtr gap = geos.own(GEOSDifference_r(h, parent.geometry.get(), covered.get()), "difference");
        const auto [gap_pieces, gap_km2] = pieces_above(geos, gap.get(), options.tolerance_km2);
        if (gap_pieces > 0) {
            result.gaps += gap_pieces;
            result.gap_km2 += gap_km2;
            diagnostics.warn("gap", pos, "parent " + unit_label(parent) + ": " + std::to_string(gap_pieces) +
                " gaps totalling " + km2_text(gap_km2) + " km2 are not covered by its " + std::to_string(members.size()) +
                " level-" + std::to_string(parent.info.level + 1) + " units");
        }
        const GeosGeometryPtr outside = geos.own(GEOSDifference_r(h, covered.get(), parent.geometry.get()), "difference");
        const auto [out_pieces, out_km2] = pieces_above(geos, outside.get(), options.tolerance_km2);
        if (out_pieces > 0) {
            result.outside += out_pieces;
            result.outside_km2 += out_km2;
            diagnostics.warn("outside_parent", pos, "parent " + unit_label(parent) + ": its level-" +
                std::to_string(parent.info.level + 1) + " units extend " + km2_text(out_km2) + " km2 (" +
                std::to_string(out_pieces) + " pieces) beyond it");
        }
    }
    progress.finish();
}

} // namespace

HierarchyResult check_hierarchy(const GeosContext& geos, const std::vector<const Unit*>& hierarchy,
    const std::vector<bool>& is_new, const std::string& source, const HierarchyOptions& options,
    Diagnostics& diagnostics, Progress& progress)
{
    const SourcePos pos{source, 0, 0};
    HierarchyResult result;
    check_parents(hierarchy, is_new, pos, options, diagnostics, result);
    check_overlaps(geos, hierarchy, is_new, pos, options, diagnostics, result, progress);
    check_coverage(geos, hierarchy, is_new, pos, options, diagnostics, result, progress);
    return result;
}

} // namespace migratlas::geo
