// The calibration model: control margins matched to survey persons, with persons collapsed into
// cells of identical margin categories. Built from Controls + SurveyData; used by calibrator and estimator.
#pragma once

#include "survey/controls.hpp"
#include "survey/survey_data.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace migratlas::survey {

/// Each person's model row x_k has at most one 1 per margin, so persons with the same category
/// in every margin share x_k and therefore g_k. Sums over 1 M persons become sums over a few
/// thousand cells, which is what makes the Newton iterations cheap (docs/methods/calibration.md).
///
/// The basis keeps every category of the first margin (they add up to the intercept) and drops
/// the first category of every later margin: the same column space as R's treatment coding, of
/// full rank unless margins are collinear, which build() rejects.
class CalibrationModel {
public:
    /// Matches every person to one category per margin and checks: every survey value has a
    /// control category, every control category has sample persons, and no margin is a linear
    /// combination of the margins before it. Each failure throws DataError naming the margin
    /// and category (and the survey line for unmatched values).
    static CalibrationModel build(const Controls& controls, const SurveyData& data);

    [[nodiscard]] std::size_t margin_count() const { return m_margins.size(); }
    [[nodiscard]] std::size_t column_count() const { return m_column_margin.size(); }
    [[nodiscard]] std::size_t cell_count() const { return m_cell_weight.size(); }
    [[nodiscard]] std::size_t person_count() const { return m_person_cell.size(); }

    /// Cell of each person, in survey order.
    [[nodiscard]] const std::vector<std::uint32_t>& person_cells() const { return m_person_cell; }
    /// Basis column of cell c in margin m, or -1 for a dropped first category: m_cell_columns[c * M + m].
    [[nodiscard]] const std::vector<std::int32_t>& cell_columns() const { return m_cell_columns; }
    /// Category of cell c in margin m: m_cell_categories[c * M + m].
    [[nodiscard]] const std::vector<std::uint32_t>& cell_categories() const { return m_cell_categories; }
    [[nodiscard]] const std::vector<double>& cell_design_weight() const { return m_cell_weight; }      ///< Σ d
    [[nodiscard]] const std::vector<double>& cell_design_weight_sq() const { return m_cell_weight_sq; } ///< Σ d²
    [[nodiscard]] const std::vector<std::uint64_t>& cell_persons() const { return m_cell_persons; }

    /// Control total of every basis column.
    [[nodiscard]] const std::vector<double>& column_targets() const { return m_column_target; }
    [[nodiscard]] const std::vector<ControlMargin>& margins() const { return m_margins; }
    /// Flat index of (margin, category) over all categories of all margins.
    [[nodiscard]] std::size_t category_index(std::size_t margin, std::size_t category) const
    {
        return m_category_offset[margin] + category;
    }
    [[nodiscard]] std::size_t category_count() const { return m_category_offset.back(); }
    /// "margin 'sex:age_group' category '2:30-44'", for messages.
    [[nodiscard]] std::string category_label(std::size_t flat_category) const;
    [[nodiscard]] std::string column_label(std::size_t column) const;

private:
    /// One margin's survey columns and the lookup from their values to its categories.
    class MarginMatch;

    /// All categories of the first margin, then categories 2..n of the others; returns the
    /// column of every (margin, category), -1 for a dropped one.
    std::vector<std::vector<std::int32_t>> add_basis_columns();
    /// Collapses persons with identical categories in every margin into cells.
    void assign_cells(const std::vector<MarginMatch>& matches, const std::vector<std::vector<std::int32_t>>& column_of,
        const std::vector<double>& design_weights);
    [[nodiscard]] std::string collinearity_message(const std::vector<std::size_t>& dependent,
        const std::string& controls_file) const;

    std::vector<ControlMargin> m_margins;
    std::vector<std::size_t> m_category_offset;   ///< size M + 1
    std::vector<std::size_t> m_column_margin;
    std::vector<std::size_t> m_column_category;
    std::vector<double> m_column_target;
    std::vector<std::uint32_t> m_person_cell;
    std::vector<std::int32_t> m_cell_columns;
    std::vector<std::uint32_t> m_cell_categories;
    std::vector<double> m_cell_weight;
    std::vector<double> m_cell_weight_sq;
    std::vector<std::uint64_t> m_cell_persons;
};

} // namespace migratlas::survey
