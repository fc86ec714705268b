#include "flows/flow_products.hpp"

#include "common/products/flows.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace migratlas::flows {

namespace {

TableValue optional_real(const std::optional<double>& value)
{
    return value ? TableValue{*value} : TableValue{};
}

TableValue optional_int(const std::optional<std::int64_t>& value)
{
    return value ? TableValue{*value} : TableValue{};
}

TableValue level_value(const EndDirectory& ends, std::string_view code)
{
    const auto level = ends.level(code);
    return level ? TableValue{std::int64_t{*level}} : TableValue{};
}

/// Rows grouped by (period, class), in the order of the sorted rows.
using GroupKey = std::pair<std::string, std::string>;

} // namespace

std::string EndDirectory::name(std::string_view code) const
{
    return code == unknown_code ? std::string("unknown") : m_catalog.name_of(code);  // not a product name
}

std::optional<int> EndDirectory::level(std::string_view code) const
{
    if (const auto unit = m_catalog.find(code)) {
        return m_catalog.units()[*unit].level;
    }
    if (code == unknown_code) {
        return std::nullopt;
    }
    return 1;
}

std::optional<geo::LonLat> EndDirectory::point(std::string_view code) const
{
    if (const auto unit = m_catalog.find(code)) {
        const geo::UnitInfo& info = m_catalog.units()[*unit];
        return geo::LonLat{info.rep_lon, info.rep_lat};
    }
    return std::nullopt;
}

std::string_view flow_class(std::string_view flow_type)
{
    if (flow_type == "immigration" || flow_type == "emigration") {
        return "migration";
    }
    return flow_type;
}

Table make_flows_table(const std::vector<FlowRow>& rows, const EndDirectory& ends)
{
    Table table = products::flows.make_table();
    table.rows.reserve(rows.size());
    std::map<std::string_view, std::string> names;
    const auto name = [&](std::string_view code) -> const std::string& {
        auto it = names.find(code);
        if (it == names.end()) {
            it = names.emplace(code, ends.name(code)).first;
        }
        return it->second;
    };
    for (const FlowRow& r : rows) {
        table.rows.push_back({std::string(r.period), std::string(r.flow_type), std::string(r.origin),
            std::string(r.destination), std::string(r.crossing_point), std::string(r.sex), std::string(r.age_group),
            std::string(r.nationality), name(r.origin), name(r.destination), level_value(ends, r.origin),
            level_value(ends, r.destination), r.counts.persons, optional_int(r.counts.events), std::string(r.source)});
    }
    return table;
}

BalanceProducts make_balances(const std::vector<FlowRow>& rows, const EndDirectory& ends, const SystemMembers& members,
    const std::function<std::optional<double>(std::string_view)>& population)
{
    struct Balance {
        std::int64_t in = 0, out = 0;
    };
    struct Group {
        std::map<std::string, Balance> members;
        std::map<std::pair<std::string, std::string>, std::int64_t> pairs;
    };
    std::map<GroupKey, Group> groups;
    std::map<std::string, std::set<std::string>> class_codes;  // every end of a class, over all periods
    for (const FlowRow& r : rows) {
        const std::string cls(flow_class(r.flow_type));
        Group& g = groups[{std::string(r.period), cls}];
        g.members[std::string(r.origin)].out += r.counts.persons;
        g.members[std::string(r.destination)].in += r.counts.persons;
        g.pairs[{std::string(r.origin), std::string(r.destination)}] += r.counts.persons;
        class_codes[cls].insert(std::string(r.origin));
        class_codes[cls].insert(std::string(r.destination));
    }
    BalanceProducts out;
    out.unit_flows = products::unit_flows.make_table();
    out.flow_indicators = products::flow_indicators.make_table();
    for (auto& [key, group] : groups) {
        const auto& [period, cls] = key;
        std::set<std::string> all = class_codes[cls];
        std::size_t pair_universe = 0;
        if (members.bipartite) {
            std::size_t countries = 0;
            for (const std::string& code : all) {
                countries += members.units.count(code) == 0 ? 1 : 0;
            }
            all.insert(members.units.begin(), members.units.end());
            // Countries abroad send to units and units to countries: |C|·|U| pairs each way.
            pair_universe = 2 * countries * members.units.size();
        } else {
            pair_universe = all.size() * (all.size() > 0 ? all.size() - 1 : 0);
        }
        std::vector<MemberFlows> system;
        for (const std::string& code : all) {
            const Balance b = group.members.count(code) > 0 ? group.members.at(code) : Balance{};
            const std::optional<double> residents = population(code);
            const UnitIndicators u = unit_indicators(static_cast<double>(b.in), static_cast<double>(b.out), residents);
            out.unit_flows.rows.push_back({period, cls, code, ends.name(code), level_value(ends, code), b.in, b.out,
                b.in - b.out, b.in + b.out, optional_real(u.mei_pct), optional_real(residents), optional_real(u.in_rate),
                optional_real(u.out_rate), optional_real(u.net_rate)});
            system.push_back({static_cast<double>(b.in), static_cast<double>(b.out), residents});
        }
        std::vector<double> values;
        for (const auto& [pair, persons] : group.pairs) {
            if (persons > 0) {
                values.push_back(static_cast<double>(persons));
            }
        }
        const SystemIndicators s = system_indicators(values, pair_universe, system);
        out.flow_indicators.rows.push_back({period, cls, static_cast<std::int64_t>(s.members),
            static_cast<std::int64_t>(s.pairs), static_cast<std::int64_t>(s.nonzero_pairs),
            static_cast<std::int64_t>(s.total_flow), optional_real(s.population), optional_real(s.cmi_pct),
            optional_real(s.mei_pct), optional_real(s.anmr_pct), optional_real(s.connectivity), optional_real(s.gini),
            optional_real(s.inequality)});
        out.systems.push_back({period, cls, s});
    }
    return out;
}

namespace {

std::string corridor_point(const FlowRow& r, const CorridorOptions& options)
{
    return std::string(options.via_crossing ? r.crossing_point : total_code);
}

CorridorLine draw_line(const CorridorLineKey& key, const EndDirectory& ends, const PointLookup& points,
    const CorridorOptions& options)
{
    const auto& [origin, destination, point] = key;
    CorridorLine out;
    const auto from = ends.point(origin);
    const auto to = ends.point(destination);
    const auto via = points.find(point);
    const bool needs_via = options.via_crossing && point != total_code;
    if (from && to && (!needs_via || via != points.end())) {
        const MultiPolyline line = needs_via ? via_line(*from, {via->second.lon, via->second.lat}, *to, options.shape)
                                             : corridor_line(*from, *to, options.shape);
        out.wkb = to_wkb(line);
        // A great circle is the geodesic: its length is the distance of its ends (of each leg).
        out.length_km = options.shape.shape != CorridorShape::great_circle ? polyline_length_km(line)
            : needs_via ? geo::geodesic_distance_km(*from, {via->second.lon, via->second.lat}) +
                    geo::geodesic_distance_km({via->second.lon, via->second.lat}, *to)
                        : geo::geodesic_distance_km(*from, *to);
    }
    return out;
}

} // namespace

CorridorLines draw_corridor_lines(const std::vector<FlowRow>& rows, const EndDirectory& ends, const PointLookup& points,
    const CorridorOptions& options)
{
    CorridorLines lines;
    for (const FlowRow& r : rows) {
        CorridorLineKey key{std::string(r.origin), std::string(r.destination), corridor_point(r, options)};
        if (lines.find(key) == lines.end()) {
            CorridorLine line = draw_line(key, ends, points, options);
            lines.emplace(std::move(key), std::move(line));
        }
    }
    return lines;
}

CorridorProducts make_corridors(const std::vector<FlowRow>& rows, const EndDirectory& ends, const PointLookup& points,
    const CorridorOptions& options)
{
    return make_corridors(rows, ends, options, draw_corridor_lines(rows, ends, points, options));
}

CorridorProducts make_corridors(const std::vector<FlowRow>& rows, const EndDirectory& ends, const CorridorOptions& options,
    const CorridorLines& lines)
{
    struct Corridor {
        std::string period, flow_type, origin, destination, point;
        std::int64_t persons = 0;
        std::optional<std::int64_t> events;
    };
    using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
    std::map<Key, Corridor> merged;
    // Opposite direction within the same period and class (immigration X→u faces emigration u→X).
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::int64_t> by_class;
    for (const FlowRow& r : rows) {
        const std::string point = corridor_point(r, options);
        Corridor& c = merged[Key{std::string(r.period), std::string(r.flow_type), std::string(r.origin),
            std::string(r.destination), point}];
        c.period = r.period;
        c.flow_type = r.flow_type;
        c.origin = r.origin;
        c.destination = r.destination;
        c.point = point;
        c.persons += r.counts.persons;
        if (r.counts.events) {
            c.events = c.events.value_or(0) + *r.counts.events;
        }
        by_class[{std::string(r.period), std::string(flow_class(r.flow_type)), std::string(r.origin),
            std::string(r.destination)}] += r.counts.persons;
    }
    std::map<std::pair<std::string, std::string>, std::vector<const Corridor*>> groups;
    for (const auto& [key, corridor] : merged) {
        groups[{corridor.period, corridor.flow_type}].push_back(&corridor);
    }
    CorridorProducts out;
    out.corridors = products::corridors.make_table();
    const std::string shape_name = std::string(to_string(options.shape.shape)) + (options.via_crossing ? "+via-crossing" : "");
    for (auto& [group_key, list] : groups) {
        std::sort(list.begin(), list.end(), [](const Corridor* a, const Corridor* b) {
            return std::tie(b->persons, a->origin, a->destination, a->point) <
                std::tie(a->persons, b->origin, b->destination, b->point);
        });
        std::int64_t total = 0;
        for (const Corridor* c : list) {
            total += c->persons;
        }
        std::map<std::string, std::int64_t> origin_ranks;
        std::int64_t cumulative = 0;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const Corridor& c = *list[i];
            cumulative += c.persons;
            const std::int64_t rank_in_origin = ++origin_ranks[c.origin];
            if (options.top && i >= *options.top) {
                continue;
            }
            const auto reverse_it = by_class.find({c.period, std::string(flow_class(c.flow_type)), c.destination, c.origin});
            const std::int64_t reverse = reverse_it == by_class.end() ? 0 : reverse_it->second;
            const CorridorLine& line = lines.at({c.origin, c.destination, c.point});
            if (line.wkb.empty()) {
                ++out.without_geometry;
            }
            const double share = total > 0 ? 100.0 * static_cast<double>(c.persons) / static_cast<double>(total) : 0.0;
            const double cumulative_share =
                total > 0 ? 100.0 * static_cast<double>(cumulative) / static_cast<double>(total) : 0.0;
            out.corridors.rows.push_back({c.period, c.flow_type, c.origin, c.destination, c.point, ends.name(c.origin),
                ends.name(c.destination), c.persons, optional_int(c.events), reverse, c.persons - reverse,
                static_cast<std::int64_t>(i + 1), share, cumulative_share, rank_in_origin, optional_real(line.length_km),
                shape_name});
            out.corridors.geometry_wkb.push_back(line.wkb);
        }
    }
    return out;
}

} // namespace migratlas::flows
