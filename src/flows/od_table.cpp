#include "flows/od_table.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/parse.hpp"
#include "join/row_errors.hpp"

#include <fmt/format.h>

#include <tuple>

namespace migratlas::flows {

namespace {

struct UnknownCode {
    std::uint64_t rows = 0;
    SourcePos first;
};

std::optional<std::size_t> column_for(const CsvReader& reader, const OdColumns& columns, const std::string& field,
    const std::string& name)
{
    if (columns.given.count(field) > 0) {
        return reader.require_column(name);
    }
    return reader.column(name);
}

/// A count field: a whole number >= 0 (digits only). nullopt = empty (missing); throws on bad text.
std::optional<std::int64_t> parse_count(std::string_view text, bool& bad)
{
    bad = false;
    if (text.empty()) {
        return std::nullopt;
    }
    for (const char c : text) {
        if (c < '0' || c > '9') {
            bad = true;
            return std::nullopt;
        }
    }
    const auto value = parse_int(text);
    bad = !value.has_value();
    return value;
}

std::optional<int> age_bound(std::string_view text)
{
    if (text.empty() || text.size() > 3) {
        return std::nullopt;
    }
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
    }
    return static_cast<int>(*parse_int(text));
}

} // namespace

OdColumns parse_od_columns(std::string_view text)
{
    OdColumns columns;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
            throw SettingError("od_columns", "expected FIELD=COLUMN items separated by commas, got '" + std::string(item) + "'");
        }
        const std::string field(item.substr(0, eq));
        const std::string column(item.substr(eq + 1));
        if (field == "origin") {
            columns.origin = column;
        } else if (field == "destination") {
            columns.destination = column;
        } else if (field == "period") {
            columns.period = column;
        } else if (field == "sex") {
            columns.sex = column;
        } else if (field == "age_group") {
            columns.age_group = column;
        } else if (field == "nationality") {
            columns.nationality = column;
        } else if (field == "count") {
            columns.count.clear();
            std::size_t from = 0;
            while (from <= column.size()) {
                const std::size_t plus = column.find('+', from);
                const std::string part = column.substr(from, plus == std::string::npos ? std::string::npos : plus - from);
                if (part.empty()) {
                    throw SettingError("od_columns", "count=" + column + " has an empty column name");
                }
                columns.count.push_back(part);
                if (plus == std::string::npos) {
                    break;
                }
                from = plus + 1;
            }
        } else {
            throw SettingError("od_columns", "'" + field +
                "' is not a field; use origin, destination, count, period, sex, age_group, nationality");
        }
        columns.given.insert(field);
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return columns;
}

std::optional<std::string> check_age_group(std::string_view label)
{
    if (label == "unknown") {
        return std::nullopt;
    }
    std::optional<int> low, high;
    if (!label.empty() && label.back() == '+') {
        low = age_bound(label.substr(0, label.size() - 1));
        high = 200;
    } else if (const auto dash = label.find('-'); dash != std::string_view::npos) {
        low = age_bound(label.substr(0, dash));
        high = age_bound(label.substr(dash + 1));
    }
    if (!low || !high || *high < *low) {
        return "age group '" + std::string(label) + "' is not A-B, A+ or unknown";
    }
    if (*low < 18 && *high >= 18) {
        return "age group '" + std::string(label) + "' mixes children and adults; children (0-17) must be a group of their own";
    }
    return std::nullopt;
}

void read_od_table(const OdSource& source, const join::UnitCatalog& catalog, std::optional<int> level,
    const std::optional<join::MonthRange>& period, UnknownCodes unknown_codes, Diagnostics& diagnostics,
    FlowTable& table, OdReadTally& tally)
{
    CsvReader reader(source.path);
    const OdColumns& c = source.columns;
    const std::size_t origin_col = reader.require_column(c.origin);
    const std::size_t destination_col = reader.require_column(c.destination);
    std::vector<std::size_t> count_cols;
    for (const std::string& name : c.count) {
        count_cols.push_back(reader.require_column(name));
    }
    const auto period_col = column_for(reader, c, "period", c.period);
    const auto sex_col = column_for(reader, c, "sex", c.sex);
    const auto age_col = column_for(reader, c, "age_group", c.age_group);
    const auto nationality_col = column_for(reader, c, "nationality", c.nationality);
    const std::string file_name = source.path.filename().string();
    const std::string default_period = period ? period->label() : std::string(total_code);

    join::RowErrors fatal;
    std::map<std::string, UnknownCode> unknown;
    std::set<std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>> keys;
    CsvRecord record;
    while (reader.next(record)) {
        if (!record.malformed.empty() || record.fields.size() != reader.header().size()) {
            fatal.add(reader.pos(record), "malformed record" + (record.malformed.empty() ? std::string() : ": " + record.malformed));
            continue;
        }
        const auto field = [&record](const std::optional<std::size_t>& col) {
            return col ? record.fields[*col] : std::string_view(total_code);
        };
        // The count first: the reconciliation of persons needs it for every row.
        std::optional<std::int64_t> count;
        bool bad_count = false;
        for (const std::size_t col : count_cols) {
            bool bad = false;
            const auto value = parse_count(record.fields[col], bad);
            if (bad) {
                fatal.add(reader.pos(record, col), "count '" + std::string(record.fields[col]) +
                    "' in column '" + reader.header()[col] + "' is not a whole number >= 0");
                bad_count = true;
            } else if (value) {
                count = count.value_or(0) + *value;
            }
        }
        if (bad_count) {
            continue;
        }
        const std::int64_t persons = count.value_or(0);
        tally.read.add(persons, 0);
        const std::string_view period_text = period_col ? record.fields[*period_col] : std::string_view(default_period);
        std::optional<join::MonthRange> row_period;
        if (period_col) {
            row_period = join::parse_period_label(period_text);
            if (!row_period) {
                fatal.add(reader.pos(record, *period_col), "period '" + std::string(period_text) + "' is not YYYY or YYYY-MM");
                continue;
            }
            tally.periods.insert(std::string(period_text));
        }
        if (age_col) {
            if (const auto why = check_age_group(record.fields[*age_col])) {
                fatal.add(reader.pos(record, *age_col), *why);
                continue;
            }
        }
        const std::string_view origin = record.fields[origin_col];
        const std::string_view destination = record.fields[destination_col];
        if (!keys.emplace(std::string(period_text), std::string(origin), std::string(destination),
                std::string(field(sex_col)), std::string(field(age_col)), std::string(field(nationality_col))).second) {
            fatal.add(reader.pos(record), "the same period, origin, destination and breakdown as an earlier row");
            continue;
        }
        if (period && row_period && !period->contains(*row_period)) {
            tally.by_reason["outside_period"].add(persons, 0);
            continue;
        }
        if (!count) {
            tally.by_reason["missing_count"].add(0, 0);
            diagnostics.reject("missing_count", reader.pos(record, count_cols.front()),
                "no count reported for " + std::string(origin) + " -> " + std::string(destination) + " (empty is missing, not 0)");
            continue;
        }
        const join::PlaceRef from = catalog.place_end(origin, level);
        const join::PlaceRef to = catalog.place_end(destination, level);
        const join::PlaceRef& failed = from.reason != join::JoinReason::joined ? from : to;
        if (failed.reason != join::JoinReason::joined) {
            const std::string reason(join::to_string(failed.reason));
            tally.by_reason[reason].add(persons, 0);
            const std::size_t col = &failed == &from ? origin_col : destination_col;
            if (failed.reason == join::JoinReason::unknown_code) {
                UnknownCode& entry = unknown[failed.code];
                if (entry.rows++ == 0) {
                    entry.first = reader.pos(record, col);
                }
                tally.unknown_codes[failed.code] += 1;
                if (unknown_codes == UnknownCodes::fail) {
                    continue;
                }
            }
            diagnostics.reject(reason, reader.pos(record, col), "code '" + failed.code + "' " +
                (failed.reason == join::JoinReason::unknown_code ? "is neither a unit of the workspace nor an ISO 3166-1 alpha-3 country"
                                                                 : "is coarser than level " + std::to_string(level.value_or(0))));
            continue;
        }
        if (from.code == to.code) {
            // A move within one member (two units rolled up into the same one) is not a flow between members.
            tally.by_reason["same_place"].add(persons, 0);
            continue;
        }
        tally.joined.add(persons, 0);
        table.add(row_period ? period_text : std::string_view(default_period), source.flow_type, from.code, to.code,
            total_code, field(sex_col), field(age_col), field(nationality_col), file_name, persons, std::nullopt);
    }
    fatal.throw_if_any(source.path);
    if (unknown_codes == UnknownCodes::fail && !unknown.empty()) {
        std::string text = fmt::format("{}: {} code(s) are neither units of the workspace nor ISO 3166-1 alpha-3 countries; "
            "nothing was written:", source.path.string(), unknown.size());
        for (const auto& [code, entry] : unknown) {
            text += fmt::format("\n  '{}' in {} row(s), first at {}", code, entry.rows, entry.first.to_string());
        }
        text += "\n  (import the missing units with 'migratlas geo import', fix the codes, or count these rows as "
                "rejects with --unknown-codes skip)";
        throw DataError(text);
    }
}

} // namespace migratlas::flows
