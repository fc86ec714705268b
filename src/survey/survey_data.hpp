// Person-level survey microdata held column-wise: ids, design weights, coded categorical columns
// and numeric columns. Read once per command; feeds calibration (calibration_model.hpp) and estimation.
#pragma once

#include "common/diagnostics.hpp"
#include "common/huge_page_allocator.hpp"
#include "common/progress.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::survey {

/// A text column stored as codes into `levels` (levels in first-seen order), so that 1 M rows of
/// a 40-valued column cost 4 MB and comparisons are integer compares.
struct CategoricalColumn {
    std::string name;
    std::vector<std::string> levels;
    /// One per accepted person. Huge pages: 1 M rows of several columns were a tenth of the read
    /// time in page faults alone.
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> codes;
    std::vector<std::uint64_t> level_first_line; ///< CSV record number where each level first occurs
};

/// Person ids packed into one buffer plus end offsets: 1 M ids cost their bytes and 8 bytes each,
/// instead of a 32-byte std::string (and a heap block for long ids) per person.
class IdColumn {
public:
    void reserve(std::size_t ids, std::size_t id_bytes)
    {
        m_ends.reserve(ids);
        m_chars.reserve(id_bytes);
    }
    void push_back(std::string_view id)
    {
        m_chars.insert(m_chars.end(), id.begin(), id.end());
        m_ends.push_back(m_chars.size());
    }
    [[nodiscard]] std::size_t size() const { return m_ends.size(); }
    [[nodiscard]] bool empty() const { return m_ends.empty(); }
    [[nodiscard]] std::string_view operator[](std::size_t k) const
    {
        const std::size_t begin = k == 0 ? 0 : m_ends[k - 1];
        return {m_chars.data() + begin, m_ends[k] - begin};
    }

private:
    std::vector<char, HugePageAllocator<char>> m_chars;
    std::vector<std::size_t, HugePageAllocator<std::size_t>> m_ends;
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
    IdColumn ids;
    std::vector<double> design_weights;
    std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> lines;  ///< CSV record number of each accepted person
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
/// missing_id, bad_weight (non-numeric, non-finite or not > 0), bad_number, duplicate_id (an id
/// accepted on an earlier line, which the message names; the first stays accepted). Rows read =
/// accepted (size()) + rejected. `progress` may be null.
SurveyData read_survey(const std::filesystem::path& path, const SurveyReadSpec& spec, Diagnostics& diagnostics,
    Progress* progress = nullptr);

/// Throws DataError when `diagnostics` holds rejected survey rows: calibration and variance
/// estimation need every sampled person, so a dropped row would bias both. The message names
/// the first rejected row and the count per reason.
void require_no_rejects(const SurveyData& data, const Diagnostics& diagnostics);

} // namespace migratlas::survey
