// Control totals for calibration, read from the long format `margin,category,total`.
// First step of the survey stage: the margins define the calibration model (calibration_model.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::survey {

/// One margin: a survey column, or an interaction `a:b` whose categories are values joined by ':'.
struct ControlMargin {
    std::string name;                    ///< as written, e.g. "sex:age_group"
    std::vector<std::string> variables;  ///< survey columns, e.g. {"sex", "age_group"}
    std::vector<std::string> categories; ///< in file order
    std::vector<double> totals;          ///< population count per category
    std::vector<std::uint64_t> lines;    ///< CSV record number of each category (header = 1)

    [[nodiscard]] double grand_total() const;
};

struct Controls {
    std::filesystem::path path;
    std::vector<ControlMargin> margins;

    /// The population size N shared by every margin (checked by read_controls).
    [[nodiscard]] double grand_total() const { return margins.empty() ? 0.0 : margins.front().grand_total(); }
    /// Every survey column some margin refers to, in first-use order.
    [[nodiscard]] std::vector<std::string> variables() const;
};

/// Reads and checks a controls file. Throws InputError for structural problems (missing
/// columns, malformed rows, non-numeric or negative totals, a category listed twice, a
/// category whose number of ':'-parts differs from the margin's) and DataError when the
/// margins do not share one grand total, because a calibration to such margins silently
/// misses the dropped category of every later margin (see docs/methods/calibration.md).
Controls read_controls(const std::filesystem::path& path);

} // namespace migratlas::survey
