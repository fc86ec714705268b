#include "survey/survey_io.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/number_format.hpp"
#include "common/output_file.hpp"
#include "common/parse.hpp"
#include "common/products/survey.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string_view>
#include <unordered_map>

namespace migratlas::survey {

void write_weights_csv(const std::filesystem::path& path, const IdColumn& ids,
    const std::vector<double>& weights, const std::string& id_column)
{
    // Rows are formatted into a small reused block and handed to OutputFile block by block: one
    // 25 MB string for 1 M rows cost more in page faults and copies than formatting the numbers.
    constexpr std::size_t block_bytes = 1U << 16;
    OutputFile file(path);
    file.write(csv_escape(id_column));
    file.write(",weight\n");
    std::string block;
    block.reserve(block_bytes + 256);
    char number[g17_max_chars];
    for (std::size_t k = 0; k < ids.size(); ++k) {
        const std::string_view id = ids[k];
        if (id.find_first_of(",\"\r\n") == std::string_view::npos) {
            block.append(id);
        } else {
            block.append(csv_escape(id));
        }
        block.push_back(',');
        block.append(number, format_g17_to(number, weights[k]));
        block.push_back('\n');
        if (block.size() >= block_bytes) {
            file.write(block);
            block.clear();
        }
    }
    file.write(block);
    file.commit();
}

std::vector<double> read_weights_for(const std::filesystem::path& path, const SurveyData& data)
{
    CsvReader reader(path);
    const std::string file = path.filename().string();
    if (reader.header().size() < 2) {
        throw InputError(file + ":1: expected a header 'person_id,weight'");
    }
    const std::size_t weight_col = reader.require_column("weight");
    const std::size_t id_col = weight_col == 0 ? 1 : 0;
    std::vector<double> weights(data.size(), std::numeric_limits<double>::quiet_NaN());
    std::unordered_map<std::string_view, std::size_t> position;  // built only if the order differs
    std::size_t row = 0;
    CsvRecord record;
    while (reader.next(record)) {
        const std::string where = file + ":" + std::to_string(record.record_no);
        if (!record.malformed.empty() || record.fields.size() != reader.header().size()) {
            throw InputError(where + ": malformed weights record");
        }
        const std::string_view id = record.fields[id_col];
        const auto weight = parse_double(record.fields[weight_col]);
        if (!weight || !std::isfinite(*weight)) {
            throw DataError(where + ": weight '" + std::string(record.fields[weight_col]) + "' is not a number");
        }
        std::size_t k = row;
        if (k >= data.size() || data.ids[k] != id) {
            if (position.empty()) {
                position.reserve(data.size());
                for (std::size_t i = 0; i < data.size(); ++i) {
                    position.emplace(data.ids[i], i);
                }
            }
            const auto it = position.find(id);
            if (it == position.end()) {
                throw DataError(where + ": person '" + std::string(id) + "' is not in " +
                    data.path.filename().string());
            }
            k = it->second;
        }
        if (!std::isnan(weights[k])) {
            throw DataError(where + ": person '" + std::string(id) + "' has a second weight");
        }
        weights[k] = *weight;
        ++row;
    }
    for (std::size_t k = 0; k < data.size(); ++k) {
        if (std::isnan(weights[k])) {
            throw DataError(data.path.filename().string() + ":" + std::to_string(data.lines[k]) + ": person '" +
                std::string(data.ids[k]) + "' has no weight in " + file);
        }
    }
    return weights;
}

void write_estimates_csv(const std::filesystem::path& path, const std::vector<DomainEstimate>& rows)
{
    std::string text = "unit_code,estimate,se,cv,ci_low,ci_high,flag\n";
    for (const auto& row : rows) {
        text += csv_escape(row.unit_code) + ',' + format_g17(row.estimate) + ',' + format_g17(row.se) + ',' +
            format_g17(row.cv) + ',' + format_g17(row.ci_low) + ',' + format_g17(row.ci_high) + ',' + row.flag + '\n';
    }
    write_file_atomically(path, text);
}

Table estimates_table(const std::vector<DomainEstimate>& rows, const std::string& variable,
    const std::string& statistic, const std::string& method, const Table* previous)
{
    Table table = products::estimates.make_table();
    if (previous != nullptr) {
        const std::size_t v = products::estimates.column_index("variable");
        const std::size_t s = products::estimates.column_index("statistic");
        const std::size_t m = products::estimates.column_index("method");
        for (const auto& old : previous->rows) {
            const bool replaced = old[v] == TableValue{variable} && old[s] == TableValue{statistic} &&
                old[m] == TableValue{method};
            if (!replaced) {
                table.rows.push_back(old);
            }
        }
    }
    for (const auto& row : rows) {
        table.rows.push_back({row.unit_code, variable, statistic, method, row.estimate, row.se,
            std::isnan(row.cv) ? TableValue{} : TableValue{row.cv}, row.ci_low, row.ci_high, row.flag,
            static_cast<std::int64_t>(row.n_sample)});
    }
    return table;
}

} // namespace migratlas::survey
