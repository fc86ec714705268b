#include "survey/controls.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/number_format.hpp"
#include "common/parse.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace migratlas::survey {

namespace {

std::vector<std::string> split_colon(std::string_view text)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto pos = text.find(':', start);
        parts.emplace_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) {
            return parts;
        }
        start = pos + 1;
    }
}

std::string format_total(double value)
{
    return format_short(value, 15);
}

} // namespace

double ControlMargin::grand_total() const
{
    return std::accumulate(totals.begin(), totals.end(), 0.0);
}

std::vector<std::string> Controls::variables() const
{
    std::vector<std::string> names;
    for (const auto& margin : margins) {
        for (const auto& variable : margin.variables) {
            if (std::find(names.begin(), names.end(), variable) == names.end()) {
                names.push_back(variable);
            }
        }
    }
    return names;
}

Controls read_controls(const std::filesystem::path& path)
{
    CsvReader reader(path);
    const std::size_t margin_col = reader.require_column("margin");
    const std::size_t category_col = reader.require_column("category");
    const std::size_t total_col = reader.require_column("total");
    const std::string file = path.filename().string();

    Controls controls;
    controls.path = path;
    CsvRecord record;
    while (reader.next(record)) {
        const std::string where = file + ":" + std::to_string(record.record_no);
        if (!record.malformed.empty()) {
            throw InputError(where + ": malformed record: " + record.malformed);
        }
        if (record.fields.size() != reader.header().size()) {
            throw InputError(where + ": expected " + std::to_string(reader.header().size()) + " fields, found " +
                std::to_string(record.fields.size()));
        }
        const std::string_view margin_name = record.fields[margin_col];
        const std::string_view category = record.fields[category_col];
        if (margin_name.empty()) {
            throw InputError(where + ": empty margin name");
        }
        const auto total = parse_double(record.fields[total_col]);
        if (!total || !std::isfinite(*total)) {
            throw InputError(where + ": total '" + std::string(record.fields[total_col]) + "' of margin '" +
                std::string(margin_name) + "' category '" + std::string(category) + "' is not a number");
        }
        if (*total < 0.0) {
            throw InputError(where + ": total " + std::string(record.fields[total_col]) + " of margin '" +
                std::string(margin_name) + "' category '" + std::string(category) + "' is negative");
        }
        // A margin's rows are contiguous; a name seen again later starts a second margin on the
        // same variables, which the model rejects as collinear (it adds no information).
        if (controls.margins.empty() || controls.margins.back().name != margin_name) {
            ControlMargin margin;
            margin.name = std::string(margin_name);
            margin.variables = split_colon(margin_name);
            for (const auto& variable : margin.variables) {
                if (variable.empty()) {
                    throw InputError(where + ": margin '" + margin.name + "' has an empty variable name");
                }
            }
            controls.margins.push_back(std::move(margin));
        }
        ControlMargin& margin = controls.margins.back();
        if (split_colon(category).size() != margin.variables.size()) {
            throw InputError(where + ": category '" + std::string(category) + "' of margin '" + margin.name +
                "' must have " + std::to_string(margin.variables.size()) + " ':'-separated value(s), one per variable");
        }
        const auto seen = std::find(margin.categories.begin(), margin.categories.end(), category);
        if (seen != margin.categories.end()) {
            throw InputError(where + ": category '" + std::string(category) + "' of margin '" + margin.name +
                "' is listed twice (first on line " +
                std::to_string(margin.lines[static_cast<std::size_t>(seen - margin.categories.begin())]) + ")");
        }
        margin.categories.emplace_back(category);
        margin.totals.push_back(*total);
        margin.lines.push_back(record.record_no);
    }
    if (controls.margins.empty()) {
        throw InputError(file + ": no control totals (expected rows margin,category,total)");
    }
    // Every margin must describe the same population; a tolerance of 1e-9 relative lets decimal
    // totals that were rounded when written still pass.
    const double reference = controls.margins.front().grand_total();
    for (const auto& margin : controls.margins) {
        const double total = margin.grand_total();
        if (std::abs(total - reference) > 1e-9 * std::max(1.0, std::abs(reference))) {
            throw DataError(file + ":" + std::to_string(margin.lines.front()) + ": margin '" + margin.name +
                "' sums to " + format_total(total) + " but margin '" + controls.margins.front().name + "' sums to " +
                format_total(reference) + "; every margin must share one grand total");
        }
    }
    return controls;
}

} // namespace migratlas::survey
