#include "border/crossing_sources.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/products/records.hpp"
#include "join/row_errors.hpp"
#include "workspace/product_io.hpp"

#include <fmt/format.h>

#include <tuple>

namespace migratlas::border {

namespace {

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

void widen(std::optional<join::MonthRange>& range, const join::MonthRange& add)
{
    range = range ? join::MonthRange{std::min(range->first, add.first), std::max(range->last, add.last)} : add;
}

std::optional<std::int64_t> whole_count(std::string_view text, bool& bad)
{
    bad = false;
    if (text.empty()) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9' || value > (INT64_MAX - 9) / 10) {
            bad = true;
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

} // namespace

TallySet tallies_from_records(GDALDataset& dataset, const std::string& workspace, const std::optional<join::MonthRange>& period)
{
    const ProductSpec& d = products::crossings_detail;
    if (!workspace::has_product(dataset, d)) {
        throw InputError(workspace + ": has no linked crossing records (table '" + std::string(d.name) +
            "'); make it with '" + std::string(d.made_by) + "', or give aggregate counts with --counts");
    }
    TallySet set;
    set.source = "records";
    set.granularity = Granularity::month;
    const std::size_t month = d.column_index("month"), point = d.column_index("crossing_point"),
                      direction = d.column_index("direction"), crossings = d.column_index("crossings");
    // The dimensions of breakdown_dimensions, in its order.
    const std::size_t dims[] = {d.column_index("nationality"), d.column_index("sex"), d.column_index("age_group"),
        d.column_index("same_day_return"), d.column_index("transport_mode"), d.column_index("purpose")};
    workspace::for_each_row(dataset, d, [&](const std::vector<TableValue>& row) {
        const std::int64_t n = integer_of(row[crossings]);
        set.read.add(n, 0);
        const auto m = join::parse_period_label(text_of(row[month]));
        if (!m || m->months() != 1) {
            throw InputError(workspace + ": " + std::string(d.name) + " has month '" + std::string(text_of(row[month])) +
                "'; rebuild it with link");
        }
        if (period && !period->contains(m->first)) {
            set.by_reason["outside_period"].add(n, 0);
            return;
        }
        set.used.add(n, 0);
        widen(set.covered, *m);
        PointTally& tally = set.points[std::string(text_of(row[point]))];
        tally.add(m->first, text_of(row[direction]) == "IN", n);
        for (std::size_t k = 0; k < std::size(dims); ++k) {
            const TableValue& v = row[dims[k]];
            if (const auto* i = std::get_if<std::int64_t>(&v)) {
                tally.add_category(k, std::to_string(*i), n);
            } else if (!std::holds_alternative<std::monostate>(v)) {
                tally.add_category(k, text_of(v), n);  // NULL: the input has no such column
            }
        }
    });
    return set;
}

TallySet tallies_from_counts(const std::filesystem::path& path, const std::set<std::string>& known_points,
    const std::optional<join::MonthRange>& period, join::UnknownCodes unknown_codes, Diagnostics& diagnostics)
{
    CsvReader reader(path);
    const std::size_t point_col = reader.require_column("point_id");
    const std::size_t period_col = reader.require_column("period");
    const std::size_t direction_col = reader.require_column("direction");
    const std::size_t count_col = reader.require_column("count");
    const std::optional<std::size_t> mode_col = reader.column("mode");
    TallySet set;
    set.source = "counts";
    join::RowErrors errors;
    std::optional<Granularity> granularity;
    std::map<std::string, std::pair<std::uint64_t, SourcePos>> unknown;
    std::set<std::tuple<std::string, std::string, std::string, std::string>> keys;
    CsvRecord record;
    while (reader.next(record)) {
        if (!record.malformed.empty() || record.fields.size() != reader.header().size()) {
            errors.add(reader.pos(record), "malformed record" + (record.malformed.empty() ? std::string() : ": " + record.malformed));
            continue;
        }
        const std::string_view point = record.fields[point_col];
        const std::string_view period_text = record.fields[period_col];
        const std::string_view direction = record.fields[direction_col];
        const std::string_view mode = mode_col ? record.fields[*mode_col] : std::string_view();
        bool bad = false;
        const auto count = whole_count(record.fields[count_col], bad);
        if (bad) {
            errors.add(reader.pos(record, count_col), "count '" + std::string(record.fields[count_col]) +
                "' is not a whole number >= 0");
            continue;
        }
        const auto row_period = join::parse_period_label(period_text);
        if (!row_period) {
            errors.add(reader.pos(record, period_col), "period '" + std::string(period_text) + "' is not YYYY or YYYY-MM");
            continue;
        }
        const Granularity g = row_period->months() == 1 ? Granularity::month : Granularity::year;
        if (!granularity) {
            granularity = g;
        } else if (*granularity != g) {
            errors.add(reader.pos(record, period_col), "period '" + std::string(period_text) +
                "' mixes yearly and monthly periods in one file");
            continue;
        }
        if (direction != "IN" && direction != "OUT") {
            errors.add(reader.pos(record, direction_col), "direction '" + std::string(direction) + "' is not IN or OUT");
            continue;
        }
        if (!keys.emplace(std::string(point), std::string(period_text), std::string(direction), std::string(mode)).second) {
            errors.add(reader.pos(record), "the same point_id, period, direction and mode as an earlier row");
            continue;
        }
        const std::int64_t n = count.value_or(0);
        set.read.add(n, 0);
        set.periods_seen.insert(std::string(period_text));
        if (period && !period->contains(*row_period)) {
            set.by_reason["outside_period"].add(n, 0);
            continue;
        }
        if (!count) {
            set.by_reason["missing_count"].add(0, 0);
            diagnostics.reject("missing_count", reader.pos(record, count_col), "no count for " + std::string(point) +
                " " + std::string(period_text) + " " + std::string(direction) + " (empty is missing, not 0)");
            continue;
        }
        if (known_points.count(std::string(point)) == 0) {
            set.by_reason["unknown_code"].add(n, 0);
            auto& entry = unknown[std::string(point)];
            if (entry.first++ == 0) {
                entry.second = reader.pos(record, point_col);
            }
            if (unknown_codes == join::UnknownCodes::skip) {
                diagnostics.reject("unknown_code", reader.pos(record, point_col),
                    "point_id '" + std::string(point) + "' is not a crossing point of the workspace or of --points");
            }
            continue;
        }
        set.used.add(n, 0);
        widen(set.covered, *row_period);
        PointTally& tally = set.points[std::string(point)];
        tally.add(row_period->first, direction == "IN", n);
        if (mode_col) {
            tally.add_category(4, mode, n);
        }
    }
    errors.throw_if_any(path);
    if (unknown_codes == join::UnknownCodes::fail && !unknown.empty()) {
        std::string text = fmt::format("{}: {} point_id(s) are not crossing points of the workspace or of --points; "
            "nothing was written:", path.string(), unknown.size());
        for (const auto& [code, entry] : unknown) {
            text += fmt::format("\n  '{}' in {} row(s), first at {}", code, entry.first, entry.second.to_string());
        }
        text += "\n  (add them to the points file, fix the codes, or count these rows as rejects with --unknown-codes skip)";
        throw DataError(text);
    }
    set.granularity = granularity.value_or(Granularity::year);
    return set;
}

} // namespace migratlas::border
