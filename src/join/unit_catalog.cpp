#include "join/unit_catalog.hpp"

#include "common/error.hpp"
#include "common/products/geo.hpp"
#include "join/iso3166.hpp"
#include "workspace/product_io.hpp"

#include <algorithm>

namespace migratlas::join {

std::string_view to_string(JoinReason reason)
{
    switch (reason) {
    case JoinReason::joined: return "joined";
    case JoinReason::unknown_code: return "unknown_code";
    case JoinReason::coarser_than_level: return "coarser_than_level";
    case JoinReason::outside_units: return "outside_units";
    case JoinReason::no_residence: return "no_residence";
    }
    return "joined";
}

UnknownCodes parse_unknown_codes(std::string_view text)
{
    if (text == "fail") {
        return UnknownCodes::fail;
    }
    if (text == "skip") {
        return UnknownCodes::skip;
    }
    throw SettingError("unknown_codes", "must be fail or skip, got '" + std::string(text) + "'");
}

UnitCatalog UnitCatalog::from_workspace(GDALDataset& dataset)
{
    const ProductSpec& spec = products::units;
    const std::size_t code = spec.column_index("code"), name = spec.column_index("name"),
                      level = spec.column_index("level"), parent = spec.column_index("parent_code"),
                      area = spec.column_index("area_km2"), lon = spec.column_index("rep_lon"),
                      lat = spec.column_index("rep_lat");
    std::vector<geo::UnitInfo> units;
    workspace::for_each_row(dataset, spec, [&](const std::vector<TableValue>& row) {
        const auto text = [&row](std::size_t i) {
            const auto* s = std::get_if<std::string>(&row[i]);
            return s != nullptr ? *s : std::string();
        };
        const auto real = [&row](std::size_t i) {
            const auto* d = std::get_if<double>(&row[i]);
            return d != nullptr ? *d : 0.0;
        };
        geo::UnitInfo unit;
        unit.code = text(code);
        unit.name = text(name);
        unit.parent_code = text(parent);
        const auto* l = std::get_if<std::int64_t>(&row[level]);
        unit.level = l != nullptr ? static_cast<int>(*l) : 0;
        unit.area_km2 = real(area);
        unit.rep_lon = real(lon);
        unit.rep_lat = real(lat);
        units.push_back(std::move(unit));
    });
    return UnitCatalog(std::move(units));
}

UnitCatalog::UnitCatalog(std::vector<geo::UnitInfo> units) : m_units(std::move(units))
{
    for (std::size_t i = 0; i < m_units.size(); ++i) {
        m_by_code.emplace(m_units[i].code, i);
    }
    for (std::size_t i = 0; i < m_units.size(); ++i) {
        const auto top = ancestor_at(i, 1);
        m_country.push_back(top ? m_units[*top].code : m_units[i].code.substr(0, m_units[i].code.find('-')));
    }
}

std::optional<std::size_t> UnitCatalog::find(std::string_view code) const
{
    const auto it = m_by_code.find(std::string(code));
    return it == m_by_code.end() ? std::nullopt : std::optional<std::size_t>(it->second);
}

std::optional<std::size_t> UnitCatalog::ancestor_at(std::size_t unit, int level) const
{
    std::size_t at = unit;
    // MEGA has a handful of levels; the bound also stops a cycle of bad parent codes.
    for (int step = 0; step < 10; ++step) {
        if (m_units[at].level == level) {
            return at;
        }
        if (m_units[at].level < level) {
            return std::nullopt;
        }
        const auto parent = find(m_units[at].parent_code);
        if (!parent) {
            return std::nullopt;
        }
        at = *parent;
    }
    return std::nullopt;
}

bool UnitCatalog::has_level(int level) const
{
    return std::any_of(m_units.begin(), m_units.end(), [level](const geo::UnitInfo& u) { return u.level == level; });
}

std::vector<std::size_t> UnitCatalog::units_at(int level) const
{
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < m_units.size(); ++i) {
        if (m_units[i].level == level) {
            indices.push_back(i);
        }
    }
    std::sort(indices.begin(), indices.end(), [this](std::size_t a, std::size_t b) { return m_units[a].code < m_units[b].code; });
    return indices;
}

PlaceRef UnitCatalog::place_unit(std::string_view code, int level) const
{
    const auto unit = find(code);
    if (!unit) {
        return {JoinReason::unknown_code, std::nullopt, std::string(code)};
    }
    if (m_units[*unit].level < level) {
        return {JoinReason::coarser_than_level, std::nullopt, std::string(code)};
    }
    const auto at = ancestor_at(*unit, level);
    if (!at) {
        // A broken chain of parents: geo import refuses orphans, so only a hand-edited workspace gets here.
        return {JoinReason::unknown_code, std::nullopt, std::string(code)};
    }
    return {JoinReason::joined, at, m_units[*at].code};
}

PlaceRef UnitCatalog::place_end(std::string_view code, std::optional<int> level) const
{
    if (const auto unit = find(code)) {
        const int own = m_units[*unit].level;
        if (!level || own == *level || own == 1) {
            return {JoinReason::joined, unit, std::string(code)};
        }
        return place_unit(code, *level);
    }
    if (is_iso3166_alpha3(code)) {
        return {JoinReason::joined, std::nullopt, std::string(code)};
    }
    return {JoinReason::unknown_code, std::nullopt, std::string(code)};
}

std::string UnitCatalog::name_of(std::string_view code) const
{
    if (const auto unit = find(code)) {
        return m_units[*unit].name;
    }
    if (const auto name = iso3166_name(code)) {
        return std::string(*name);
    }
    return std::string(code);
}

} // namespace migratlas::join
