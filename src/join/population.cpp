#include "join/population.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/parse.hpp"
#include "common/products/survey.hpp"

#include <algorithm>
#include <cmath>

namespace migratlas::join {

std::vector<std::optional<double>> roll_up(const UnitCatalog& catalog, const std::vector<std::optional<double>>& direct)
{
    const auto& units = catalog.units();
    std::vector<std::optional<double>> children(units.size());
    std::vector<std::size_t> order(units.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    // Deepest first, so that a parent sees its children's final figures.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return units[a].level > units[b].level; });
    std::vector<std::optional<double>> result(units.size());
    for (const std::size_t i : order) {
        result[i] = direct[i] ? direct[i] : children[i];
        if (!result[i] || units[i].level <= 1) {
            continue;
        }
        if (const auto parent = catalog.find(units[i].parent_code)) {
            children[*parent] = children[*parent].value_or(0.0) + *result[i];
        }
    }
    return result;
}

UnitFigures read_population(const std::filesystem::path& path, const UnitCatalog& catalog, Diagnostics& diagnostics)
{
    CsvReader reader(path);
    const std::size_t code_col = reader.require_column("unit_code");
    const std::size_t value_col = reader.require_column("population");
    UnitFigures figures;
    figures.direct.assign(catalog.units().size(), std::nullopt);
    std::vector<std::string> bad;
    std::uint64_t bad_count = 0;
    CsvRecord record;
    while (reader.next(record)) {
        ++figures.rows_read;
        if (!record.malformed.empty() || record.fields.size() != reader.header().size()) {
            ++bad_count;
            if (bad.size() < 10) {
                bad.push_back(reader.pos(record).to_string() + ": malformed record");
            }
            continue;
        }
        const std::string_view code = record.fields[code_col];
        const std::string_view text = record.fields[value_col];
        if (text.empty()) {
            ++figures.rows_by_reason["missing_value"];
            diagnostics.reject("missing_value", reader.pos(record, value_col),
                "population of '" + std::string(code) + "' is empty (missing, not 0)");
            continue;
        }
        const auto value = parse_double(text);
        if (!value || !std::isfinite(*value) || *value < 0) {
            ++bad_count;
            if (bad.size() < 10) {
                bad.push_back(reader.pos(record, value_col).to_string() + ": population '" + std::string(text) +
                    "' is not a non-negative number");
            }
            continue;
        }
        const auto unit = catalog.find(code);
        if (!unit) {
            ++figures.rows_by_reason["unknown_code"];
            diagnostics.reject("unknown_code", reader.pos(record, code_col),
                "unit_code '" + std::string(code) + "' of the population file is not a unit of the workspace");
            continue;
        }
        ++figures.rows_joined;
        figures.direct[*unit] = figures.direct[*unit].value_or(0.0) + *value;
    }
    if (bad_count > 0) {
        std::string message = path.string() + ": " + std::to_string(bad_count) + " population row(s) unusable:";
        for (const std::string& line : bad) {
            message += "\n  " + line;
        }
        throw DataError(message);
    }
    figures.rolled_up = roll_up(catalog, figures.direct);
    return figures;
}

UnitFigures join_estimates(const Table& estimates, const std::string& variable, const std::string& method,
    const UnitCatalog& catalog)
{
    const ProductSpec& spec = products::estimates;
    const std::size_t unit_col = spec.column_index("unit_code"), variable_col = spec.column_index("variable"),
                      statistic_col = spec.column_index("statistic"), method_col = spec.column_index("method"),
                      estimate_col = spec.column_index("estimate");
    const auto text = [](const TableValue& v) {
        const auto* s = std::get_if<std::string>(&v);
        return s != nullptr ? *s : std::string();
    };
    std::string chosen = method;
    UnitFigures figures;
    figures.direct.assign(catalog.units().size(), std::nullopt);
    for (const auto& row : estimates.rows) {
        if (text(row[variable_col]) != variable || text(row[statistic_col]) != "total") {
            continue;
        }
        if (chosen.empty()) {
            chosen = text(row[method_col]);
        }
        if (text(row[method_col]) != chosen) {
            continue;
        }
        ++figures.rows_read;
        const std::string code = text(row[unit_col]);
        const auto* value = std::get_if<double>(&row[estimate_col]);
        const auto unit = catalog.find(code);
        if (code == "ALL") {
            ++figures.rows_by_reason["national_total"];
        } else if (!unit) {
            ++figures.rows_by_reason["unknown_code"];
        } else if (value == nullptr) {
            ++figures.rows_by_reason["missing_value"];
        } else {
            ++figures.rows_joined;
            figures.direct[*unit] = *value;
        }
    }
    figures.rolled_up = roll_up(catalog, figures.direct);
    return figures;
}

} // namespace migratlas::join
