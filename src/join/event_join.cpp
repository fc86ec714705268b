#include "join/event_join.hpp"

#include "common/error.hpp"
#include "common/products/records.hpp"
#include "workspace/product_io.hpp"
#include "workspace/workspace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <future>
#include <unordered_map>

namespace migratlas::join {

namespace {

constexpr std::array<std::string_view, 5> event_kind_names = {
    "immigrant_arrival", "emigrant_departure", "short_term", "visitor", "unresolved"};

std::string_view text_of(const TableValue& value)
{
    const auto* s = std::get_if<std::string>(&value);
    return s != nullptr ? std::string_view(*s) : std::string_view();
}

std::int64_t integer_of(const TableValue& value)
{
    const auto* i = std::get_if<std::int64_t>(&value);
    return i != nullptr ? *i : 0;
}

/// Column positions of events_monthly, looked up once from the declaration.
struct EventColumns {
    std::size_t month, event_type, direction, sex, age_group, nationality, crossing_point, unit_code, residence_code, persons, events;
    EventColumns()
    {
        const ProductSpec& s = products::events_monthly;
        month = s.column_index("month");
        event_type = s.column_index("event_type");
        direction = s.column_index("direction");
        sex = s.column_index("sex");
        age_group = s.column_index("age_group");
        nationality = s.column_index("nationality");
        crossing_point = s.column_index("crossing_point");
        unit_code = s.column_index("unit_code");
        residence_code = s.column_index("residence_code");
        persons = s.column_index("persons");
        events = s.column_index("events");
    }
};

CrossingDirection direction_of(std::string_view text)
{
    return text == "IN" ? CrossingDirection::in : text == "OUT" ? CrossingDirection::out : CrossingDirection::unknown;
}

std::string reject_message(JoinReason reason, std::string_view residence, std::string_view point, int level)
{
    switch (reason) {
    case JoinReason::unknown_code:
        return fmt::format("residence_code '{}' is not a unit of the workspace", residence);
    case JoinReason::coarser_than_level:
        return fmt::format("residence_code '{}' is coarser than level {}: it cannot be placed in one level-{} unit",
            residence, level, level);
    case JoinReason::outside_units:
        return fmt::format("no residence declared and crossing point '{}' is located in no level-{} unit "
            "(run link with --points to locate the points)", point, level);
    default:
        return std::string(to_string(reason));
    }
}

} // namespace

std::optional<EventKind> parse_event_kind(std::string_view text)
{
    for (std::size_t i = 0; i < event_kind_names.size(); ++i) {
        if (event_kind_names[i] == text) {
            return static_cast<EventKind>(i);
        }
    }
    return std::nullopt;
}

std::string_view to_string(EventKind kind)
{
    return event_kind_names[static_cast<std::size_t>(kind)];
}

EventPlacement place_event(std::string_view residence_code, std::string_view point_unit, int level,
    const UnitCatalog& catalog)
{
    if (!residence_code.empty()) {
        const PlaceRef place = catalog.place_unit(residence_code, level);
        return {place.reason, place.unit, false};
    }
    if (point_unit.empty() || point_unit == "unknown") {
        return {JoinReason::outside_units, std::nullopt, true};
    }
    const PlaceRef place = catalog.place_unit(point_unit, level);
    // The point was located, but in a unit that cannot be placed at this level: it lies in no unit of it.
    return {place.reason == JoinReason::joined ? JoinReason::joined : JoinReason::outside_units, place.unit, true};
}

bool Outcome::reconciles() const
{
    ReasonTally sum = outside_period;
    for (const auto& [reason, tally] : by_reason) {
        sum.rows += tally.rows;
        sum.persons += tally.persons;
        sum.events += tally.events;
    }
    return sum.rows == read.rows && sum.persons == read.persons && sum.events == read.events;
}

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress)
{
    if (request.level != 2 && request.level != 3) {
        throw SettingError("level", "must be 2 or 3 (the units events are joined to), got " + std::to_string(request.level));
    }
    GDALDatasetUniquePtr dataset = workspace::open_readonly(request.workspace);
    Outcome outcome;
    outcome.catalog = UnitCatalog::from_workspace(*dataset);
    if (!outcome.catalog.has_level(request.level)) {
        throw InputError(request.workspace.string() + ": has no level-" + std::to_string(request.level) +
            " units; import them with 'migratlas geo import ... --level " + std::to_string(request.level) + "'");
    }
    if (!workspace::has_product(*dataset, products::events_monthly)) {
        throw InputError(request.workspace.string() + ": has no classified records (table '" +
            std::string(products::events_monthly.name) + "'); make it with '" +
            std::string(products::events_monthly.made_by) + "'");
    }
    progress.start("joining record events to units");
    const EventColumns col;
    const std::string source = request.workspace.string() + "#" + std::string(products::events_monthly.name);
    // SQLite keeps the months of the period; the others are only totalled, for the reconciliation.
    std::string in_period;
    std::future<workspace::RowTotals> outside;
    if (request.period) {
        // A NULL month is scanned (and refused there), so the two conditions split the table exactly.
        in_period = fmt::format("month IS NULL OR (month >= '{}' AND month <= '{}')", format_month(request.period->first),
            format_month(request.period->last));
        // Totalled on the second core while the first scans the period.
        outside = std::async(std::launch::async, [&request, where = "NOT (" + in_period + ")"] {
            return workspace::totals_where(request.workspace, products::events_monthly, where);
        });
    }
    // Rows repeat a few thousand (residence, point unit) pairs: place each pair once.
    std::unordered_map<std::string, EventPlacement> placements;
    std::string key;
    // Tallied by reason as an array; the map of the outcome is filled once at the end.
    std::array<ReasonTally, static_cast<std::size_t>(JoinReason::no_residence) + 1> tallies{};
    // link writes the rows sorted by month and event type: parse each only when it changes.
    std::string last_month, last_kind;
    std::optional<MonthRange> month;
    std::optional<EventKind> kind;
    struct LastLabel {
        std::string text;
        std::uint32_t id = 0;
        bool set = false;
    };
    std::array<LastLabel, 4> last_labels;
    const auto intern = [&](LastLabel& last, std::string_view text) {
        if (!last.set || text != last.text) {
            last.text.assign(text);
            last.id = outcome.labels.intern(text);
            last.set = true;
        }
        return last.id;
    };
    workspace::for_each_row(*dataset, products::events_monthly, in_period, [&](const std::vector<TableValue>& row) {
        const std::int64_t persons = integer_of(row[col.persons]);
        const std::int64_t events = integer_of(row[col.events]);
        outcome.read.add(persons, events);
        if (text_of(row[col.month]) != last_month) {
            last_month.assign(text_of(row[col.month]));
            month = parse_period_label(last_month);
        }
        if (text_of(row[col.event_type]) != last_kind) {
            last_kind.assign(text_of(row[col.event_type]));
            kind = parse_event_kind(last_kind);
        }
        if (!month || month->months() != 1 || !kind) {
            throw InputError(source + ": a row has month '" + std::string(text_of(row[col.month])) + "' or event_type '" +
                std::string(text_of(row[col.event_type])) + "' is not what link writes; rebuild the table with link");
        }
        outcome.months = outcome.months ? MonthRange{std::min(outcome.months->first, month->first),
                                              std::max(outcome.months->last, month->first)}
                                        : *month;
        const std::string_view residence = text_of(row[col.residence_code]);
        outcome.has_residence = outcome.has_residence || !std::holds_alternative<std::monostate>(row[col.residence_code]);
        key.assign(residence);
        key += '\x1f';
        key += text_of(row[col.unit_code]);
        auto cached = placements.find(key);
        if (cached == placements.end()) {
            cached = placements.emplace(key, place_event(residence, text_of(row[col.unit_code]), request.level,
                outcome.catalog)).first;
        }
        const EventPlacement& placement = cached->second;
        tallies[static_cast<std::size_t>(placement.reason)].add(persons, events);
        if (placement.reason != JoinReason::joined) {
            // The cell names itself: a filtered read has no stable row number to point at.
            diagnostics.reject(std::string(to_string(placement.reason)), SourcePos{source, 0, 0},
                fmt::format("{} {}: ", text_of(row[col.month]), text_of(row[col.event_type])) +
                reject_message(placement.reason, residence, text_of(row[col.crossing_point]), request.level) +
                fmt::format(" ({} events)", events));
            return;
        }
        if (placement.from_crossing_point) {
            outcome.from_crossing_point.add(persons, events);
        }
        JoinedEvent joined;
        joined.month = month->first;
        joined.kind = *kind;
        joined.direction = direction_of(text_of(row[col.direction]));
        joined.sex = intern(last_labels[0], text_of(row[col.sex]));
        joined.age_group = intern(last_labels[1], text_of(row[col.age_group]));
        joined.nationality = intern(last_labels[2], text_of(row[col.nationality]));
        joined.crossing_point = intern(last_labels[3], text_of(row[col.crossing_point]));
        joined.unit = *placement.unit;
        joined.from_crossing_point = placement.from_crossing_point;
        joined.persons = persons;
        joined.events = events;
        outcome.events.push_back(joined);
    });
    for (std::size_t reason = 0; reason < tallies.size(); ++reason) {
        if (tallies[reason].rows > 0) {
            outcome.by_reason[std::string(to_string(static_cast<JoinReason>(reason)))] = tallies[reason];
        }
    }
    if (outside.valid()) {
        const workspace::RowTotals totals = outside.get();
        // The count columns of events_monthly are persons and events, in that order.
        outcome.outside_period = {static_cast<std::uint64_t>(totals.rows), totals.counts.at(0), totals.counts.at(1)};
        outcome.read.rows += outcome.outside_period.rows;
        outcome.read.persons += outcome.outside_period.persons;
        outcome.read.events += outcome.outside_period.events;
    }
    if (request.period && outcome.read.rows == outcome.outside_period.rows && outcome.read.rows > 0) {
        // No row is in the period: say which months the table has (one more scan, for the message).
        if (const auto range = workspace::text_range(*dataset, products::events_monthly, "month")) {
            const auto first = parse_period_label(range->first);
            const auto last = parse_period_label(range->second);
            if (first && last) {
                outcome.months = MonthRange{std::min(first->first, outcome.months ? outcome.months->first : first->first),
                    std::max(last->last, outcome.months ? outcome.months->last : last->last)};
            }
        }
    }
    progress.finish();
    if (!outcome.reconciles()) {
        throw std::logic_error("join: rows read do not reconcile with rows joined and counted by reason");
    }
    return outcome;
}

} // namespace migratlas::join
