// Person-level survey microdata held column-wise: ids, design weights, coded categorical columns
// and numeric columns. Read once per command; feeds calibration (calibration_model.hpp) and estimation.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::survey {

/// A text column stored as codes into `levels` (levels in first-seen order), so that 1 M rows of
/// a 40-valued column cost 4 MB and comparisons are integer compares.
struct CategoricalColumn {
    std::string name;
    std::vector<std::string> levels;
    std::vector<std::uint32_t> codes;            ///< one per accepted person
    std::vector<std::uint64_t> level_first_line; ///< CSV record number where each level first occurs
};

struct NumericColumn {
    std::string name;
    std::vector<double> values;
};

struct SurveyReadSpec {
    std::string id_column = "person_id";
    std::string weight_column = "design_weight";
    std::vector<std::string> categorical;  ///< margin variables, domain, strata, psu
    std::vector<std::string> numeric;      ///< target variables
};

struct SurveyData {
    std::filesystem::path path;
    std::vector<std::string> ids;
    std::vector<double> design_weights;
    std::vector<std::uint64_t> lines;       ///< CSV record number of each accepted person
    std::vector<CategoricalColumn> categorical;
    std::vector<NumericColumn> numeric;
    std::uint64_t rows_read = 0;

    [[nodiscard]] std::size_t size() const { return ids.size(); }
    /// Throws InputError when `name` was not requested in the SurveyReadSpec.
    [[nodiscard]] const CategoricalColumn& categorical_column(const std::string& name) const;
    [[nodiscard]] const NumericColumn& numeric_column(const std::string& name) const;
};

/// Reads the columns named in `spec` (others are ignored). Missing columns throw InputError.
/// Bad rows are rejected into `diagnostics` with a reason code: malformed_record, field_count,
/// missing_id, bad_weight (non-numeric, non-finite or not > 0), bad_number. Rows read =
/// accepted (size()) + rejected. `progress` may be null.
SurveyData read_survey(const std::filesystem::path& path, const SurveyReadSpec& spec, Diagnostics& diagnostics,
    Progress* progress = nullptr);

/// Throws DataError when `diagnostics` holds rejected survey rows: calibration and variance
/// estimation need every sampled person, so a dropped row would bias both. The message names
/// the first rejected row and the count per reason.
void require_no_rejects(const SurveyData& data, const Diagnostics& diagnostics);

} // namespace migratlas::survey
