// Files of the survey stage: the weights file (person_id,weight), the estimates CSV and the
// workspace `estimates` table. Written only after a computation succeeded, atomically (temp + rename).
#pragma once

#include "common/table.hpp"
#include "survey/estimator.hpp"
#include "survey/survey_data.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::survey {

/// Writes `id_column,weight` (header `person_id,weight` by default), one row per person in
/// survey order, weights with 17 significant digits. The file appears only when complete.
void write_weights_csv(const std::filesystem::path& path, const IdColumn& ids,
    const std::vector<double>& weights, const std::string& id_column = "person_id");

/// Reads a weights file and returns one weight per person of `data`, matched by id (the fast
/// path is the same order). Throws InputError for a malformed file and DataError for a person
/// without a weight, an id listed twice, an id not in the survey or a non-numeric weight.
std::vector<double> read_weights_for(const std::filesystem::path& path, const SurveyData& data);

/// `unit_code,estimate,se,cv,ci_low,ci_high,flag`, numbers with 17 significant digits, cv in
/// percent (empty when the estimate is 0).
void write_estimates_csv(const std::filesystem::path& path, const std::vector<DomainEstimate>& rows);

/// Rows for the workspace `estimates` table: unit_code, variable, statistic (total|mean), method,
/// estimate, se, cv, ci_low, ci_high, flag, n_sample. Rows of `previous` with the same variable,
/// statistic and method are replaced, others kept, so several products can live in one table.
Table estimates_table(const std::vector<DomainEstimate>& rows, const std::string& variable,
    const std::string& statistic, const std::string& method, const Table* previous = nullptr);

} // namespace migratlas::survey
