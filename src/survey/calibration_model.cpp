#include "survey/calibration_model.hpp"

#include "common/error.hpp"
#include "common/number_format.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace migratlas::survey {

namespace {

/// Maps the tuple of a margin's variable codes to its control category (-1 = no category).
/// Dense when the tuple space is small (the usual case), hashed otherwise.
class CategoryLookup {
public:
    CategoryLookup(const ControlMargin& margin, const std::vector<const CategoricalColumn*>& columns)
    {
        m_radix.resize(columns.size());
        std::uint64_t size = 1;
        bool overflow = false;
        for (std::size_t v = columns.size(); v-- > 0;) {
            m_radix[v] = size;
            const auto levels = static_cast<std::uint64_t>(std::max<std::size_t>(columns[v]->levels.size(), 1));
            overflow = overflow || size > (UINT64_MAX / levels);
            size *= levels;
        }
        if (overflow) {
            throw DataError("margin '" + margin.name + "' combines too many distinct survey values to be a margin");
        }
        m_dense = size <= (1U << 24);
        if (m_dense) {
            m_table.assign(size, -1);
        }
        std::vector<std::unordered_map<std::string_view, std::uint32_t>> level_index(columns.size());
        for (std::size_t v = 0; v < columns.size(); ++v) {
            for (std::uint32_t code = 0; code < columns[v]->levels.size(); ++code) {
                level_index[v].emplace(columns[v]->levels[code], code);
            }
        }
        for (std::size_t c = 0; c < margin.categories.size(); ++c) {
            std::string_view rest = margin.categories[c];
            std::uint64_t key = 0;
            bool found = true;
            for (std::size_t v = 0; v < columns.size(); ++v) {
                const auto colon = v + 1 < columns.size() ? rest.find(':') : std::string_view::npos;
                const std::string_view part = rest.substr(0, colon);
                rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
                const auto it = level_index[v].find(part);
                if (it == level_index[v].end()) {
                    found = false;  // a category nobody in the sample has; reported as "no sample persons"
                    break;
                }
                key += it->second * m_radix[v];
            }
            if (found) {
                if (m_dense) {
                    m_table[key] = static_cast<std::int32_t>(c);
                } else {
                    m_map.emplace(key, static_cast<std::int32_t>(c));
                }
            }
        }
    }

    [[nodiscard]] std::uint64_t key(const std::vector<const CategoricalColumn*>& columns, std::size_t person) const
    {
        std::uint64_t key = 0;
        for (std::size_t v = 0; v < columns.size(); ++v) {
            key += columns[v]->codes[person] * m_radix[v];
        }
        return key;
    }

    [[nodiscard]] std::int32_t find(std::uint64_t key) const
    {
        if (m_dense) {
            return m_table[key];
        }
        const auto it = m_map.find(key);
        return it == m_map.end() ? -1 : it->second;
    }

private:
    std::vector<std::uint64_t> m_radix;
    bool m_dense = true;
    std::vector<std::int32_t> m_table;
    std::unordered_map<std::uint64_t, std::int32_t> m_map;
};

/// Numbers the cells of persons with identical categories in every margin, in order of first
/// appearance. The usual key space (a few thousand combinations) is indexed directly instead of
/// hashed per person; tuples themselves are the keys only when the mixed-radix key would overflow.
class CellNumbering {
public:
    explicit CellNumbering(const std::vector<ControlMargin>& margins) : m_margins(margins)
    {
        std::uint64_t key_space = 1;
        for (const auto& margin : margins) {
            const auto n = static_cast<std::uint64_t>(margin.categories.size());
            m_key_fits = m_key_fits && key_space <= UINT64_MAX / n;
            key_space *= n;
        }
        m_key_dense = m_key_fits && key_space <= (1U << 20);
        m_cell_by_dense_key.assign(m_key_dense ? key_space : 0, no_cell);
    }

    /// The cell of a tuple of categories (one per margin), and whether it is new.
    std::pair<std::uint32_t, bool> find_or_add(const std::vector<std::uint32_t>& tuple)
    {
        std::uint64_t key = 0;
        for (std::size_t m = 0; m < tuple.size(); ++m) {
            key = key * m_margins[m].categories.size() + tuple[m];
        }
        const std::uint32_t next_cell = m_cells;
        std::pair<std::uint32_t, bool> found;
        if (m_key_dense) {
            std::uint32_t& slot = m_cell_by_dense_key[key];
            const bool inserted = slot == no_cell;
            if (inserted) {
                slot = next_cell;
            }
            found = {slot, inserted};
        } else if (m_key_fits) {
            const auto [it, inserted] = m_cell_by_key.emplace(key, next_cell);
            found = {it->second, inserted};
        } else {
            const auto [it, inserted] = m_cell_by_tuple.emplace(tuple, next_cell);
            found = {it->second, inserted};
        }
        if (found.second) {
            ++m_cells;
        }
        return found;
    }

private:
    static constexpr std::uint32_t no_cell = UINT32_MAX;
    const std::vector<ControlMargin>& m_margins;
    bool m_key_fits = true;
    bool m_key_dense = false;
    std::uint32_t m_cells = 0;
    std::vector<std::uint32_t> m_cell_by_dense_key;
    std::unordered_map<std::uint64_t, std::uint32_t> m_cell_by_key;
    std::map<std::vector<std::uint32_t>, std::uint32_t> m_cell_by_tuple;
};

/// Σ d x xᵀ over the basis columns.
Eigen::MatrixXd gram_matrix(const CalibrationModel& model)
{
    const auto p = static_cast<Eigen::Index>(model.column_count());
    const std::size_t margin_count = model.margin_count();
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(p, p);
    for (std::size_t c = 0; c < model.cell_count(); ++c) {
        const std::int32_t* cols = &model.cell_columns()[c * margin_count];
        for (std::size_t a = 0; a < margin_count; ++a) {
            if (cols[a] < 0) {
                continue;
            }
            for (std::size_t b = 0; b < margin_count; ++b) {
                if (cols[b] >= 0) {
                    gram(cols[a], cols[b]) += model.cell_design_weight()[c];
                }
            }
        }
    }
    return gram;
}

/// Columns that the columns before them already span: Cholesky of the Gram matrix scaled to unit
/// diagonal, in column (margin) order, skipping each dependent column as it is found.
std::vector<std::size_t> dependent_columns(const Eigen::MatrixXd& gram)
{
    const Eigen::VectorXd scale = gram.diagonal().cwiseSqrt().cwiseInverse();
    const Eigen::MatrixXd scaled = scale.asDiagonal() * gram * scale.asDiagonal();
    const Eigen::Index n = gram.rows();
    Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(n, n);
    std::vector<std::size_t> dependent;
    std::vector<bool> kept(static_cast<std::size_t>(n), false);
    for (Eigen::Index j = 0; j < n; ++j) {
        double pivot = scaled(j, j);
        for (Eigen::Index k = 0; k < j; ++k) {
            if (kept[static_cast<std::size_t>(k)]) {
                pivot -= lower(j, k) * lower(j, k);
            }
        }
        // Relative tolerance 1e-10: exact dependence leaves ~1e-15 here, genuine columns ~1e-3 or more.
        if (pivot < 1e-10) {
            dependent.push_back(static_cast<std::size_t>(j));
            continue;
        }
        kept[static_cast<std::size_t>(j)] = true;
        lower(j, j) = std::sqrt(pivot);
        for (Eigen::Index i = j + 1; i < n; ++i) {
            double value = scaled(i, j);
            for (Eigen::Index k = 0; k < j; ++k) {
                if (kept[static_cast<std::size_t>(k)]) {
                    value -= lower(i, k) * lower(j, k);
                }
            }
            lower(i, j) = value / lower(j, j);
        }
    }
    return dependent;
}

} // namespace

/// The survey columns of one margin and the lookup from their values to its categories.
class CalibrationModel::MarginMatch {
public:
    MarginMatch(const ControlMargin& margin, const SurveyData& data)
        : m_margin(margin), m_columns(columns_of(margin, data)), m_lookup(margin, m_columns)
    {
    }

    /// Category of person k, or -1 when its values have none.
    [[nodiscard]] std::int32_t category_of(std::size_t person) const
    {
        return m_lookup.find(m_lookup.key(m_columns, person));
    }

    /// Throws DataError when a survey value has no category (naming the first few, each with its
    /// first line) or a category has no sample persons.
    void check(const SurveyData& data, const std::string& survey_file, const std::string& controls_file) const
    {
        std::vector<std::uint64_t> counts(m_margin.categories.size(), 0);
        std::map<std::uint64_t, std::pair<std::size_t, std::uint64_t>> unmatched;  // key -> (first person, count)
        for (std::size_t k = 0; k < data.size(); ++k) {
            const auto key = m_lookup.key(m_columns, k);
            const auto category = m_lookup.find(key);
            if (category < 0) {
                auto [it, inserted] = unmatched.emplace(key, std::make_pair(k, 0));
                ++it->second.second;
            } else {
                ++counts[static_cast<std::size_t>(category)];
            }
        }
        if (!unmatched.empty()) {
            throw DataError(unmatched_message(unmatched, data, survey_file, controls_file));
        }
        for (std::size_t c = 0; c < counts.size(); ++c) {
            if (counts[c] == 0) {
                throw DataError(controls_file + ":" + std::to_string(m_margin.lines[c]) + ": category '" +
                    m_margin.categories[c] + "' of margin '" + m_margin.name + "' has no sample persons in " +
                    survey_file + ", so no weight can reach its total of " + format_short(m_margin.totals[c], 15));
            }
        }
    }

private:
    static std::vector<const CategoricalColumn*> columns_of(const ControlMargin& margin, const SurveyData& data)
    {
        std::vector<const CategoricalColumn*> columns;
        for (const auto& variable : margin.variables) {
            columns.push_back(&data.categorical_column(variable));
        }
        return columns;
    }

    /// "2:30-44": the margin's survey values of person k.
    [[nodiscard]] std::string value_of(std::size_t person) const
    {
        std::string text;
        for (std::size_t v = 0; v < m_columns.size(); ++v) {
            text += (v == 0 ? "" : ":") + m_columns[v]->levels[m_columns[v]->codes[person]];
        }
        return text;
    }

    [[nodiscard]] std::string unmatched_message(
        const std::map<std::uint64_t, std::pair<std::size_t, std::uint64_t>>& unmatched, const SurveyData& data,
        const std::string& survey_file, const std::string& controls_file) const
    {
        std::vector<std::pair<std::size_t, std::uint64_t>> found;
        for (const auto& [key, first_and_count] : unmatched) {
            found.push_back(first_and_count);
        }
        std::sort(found.begin(), found.end());
        const auto [first, count] = found.front();
        std::string message = survey_file + ":" + std::to_string(data.lines[first]) + ": " + m_margin.name +
            " value '" + value_of(first) + "' has no category in margin '" + m_margin.name + "' of " + controls_file +
            " (" + std::to_string(count) + " person(s)";
        for (std::size_t i = 1; i < found.size() && i < 6; ++i) {
            message += "; also '" + value_of(found[i].first) + "' on line " +
                std::to_string(data.lines[found[i].first]) + ", " + std::to_string(found[i].second) + " person(s)";
        }
        if (found.size() > 6) {
            message += "; and " + std::to_string(found.size() - 6) + " more value(s)";
        }
        return message + ")";
    }

    const ControlMargin& m_margin;
    std::vector<const CategoricalColumn*> m_columns;
    CategoryLookup m_lookup;
};

std::string CalibrationModel::category_label(std::size_t flat_category) const
{
    const auto it = std::upper_bound(m_category_offset.begin(), m_category_offset.end(), flat_category);
    const auto margin = static_cast<std::size_t>(it - m_category_offset.begin()) - 1;
    return "margin '" + m_margins[margin].name + "' category '" +
        m_margins[margin].categories[flat_category - m_category_offset[margin]] + "'";
}

std::string CalibrationModel::column_label(std::size_t column) const
{
    return category_label(category_index(m_column_margin[column], m_column_category[column]));
}

CalibrationModel CalibrationModel::build(const Controls& controls, const SurveyData& data)
{
    const std::string survey_file = data.path.filename().string();
    const std::string controls_file = controls.path.filename().string();
    // 1. One category per person and margin. The categories are looked up again in step 3 rather
    //    than stored: a lookup is cheaper than faulting in and zeroing 4 bytes per person and margin.
    std::vector<MarginMatch> matches;
    matches.reserve(controls.margins.size());
    for (const ControlMargin& margin : controls.margins) {
        matches.emplace_back(margin, data).check(data, survey_file, controls_file);
    }
    CalibrationModel model;
    model.m_margins = controls.margins;
    model.m_category_offset.assign(1, 0);
    for (const auto& margin : controls.margins) {
        model.m_category_offset.push_back(model.m_category_offset.back() + margin.categories.size());
    }
    // 2. Basis columns. 3. Cells.
    model.assign_cells(matches, model.add_basis_columns(), data.design_weights);
    // 4. Collinearity, so that the first column the earlier ones already span is the one named.
    const std::vector<std::size_t> dependent = dependent_columns(gram_matrix(model));
    if (!dependent.empty()) {
        throw DataError(model.collinearity_message(dependent, controls_file));
    }
    return model;
}

std::vector<std::vector<std::int32_t>> CalibrationModel::add_basis_columns()
{
    std::vector<std::vector<std::int32_t>> column_of(m_margins.size());
    for (std::size_t m = 0; m < m_margins.size(); ++m) {
        const auto& margin = m_margins[m];
        column_of[m].assign(margin.categories.size(), -1);
        for (std::size_t c = (m == 0 ? 0 : 1); c < margin.categories.size(); ++c) {
            column_of[m][c] = static_cast<std::int32_t>(m_column_margin.size());
            m_column_margin.push_back(m);
            m_column_category.push_back(c);
            m_column_target.push_back(margin.totals[c]);
        }
    }
    return column_of;
}

void CalibrationModel::assign_cells(const std::vector<MarginMatch>& matches,
    const std::vector<std::vector<std::int32_t>>& column_of, const std::vector<double>& design_weights)
{
    const std::size_t margin_count = m_margins.size();
    CellNumbering numbering(m_margins);
    std::vector<std::uint32_t> tuple(margin_count);
    m_person_cell.resize(design_weights.size());
    for (std::size_t k = 0; k < design_weights.size(); ++k) {
        for (std::size_t m = 0; m < margin_count; ++m) {
            // Every person matched a category in step 1, which threw otherwise.
            tuple[m] = static_cast<std::uint32_t>(matches[m].category_of(k));
        }
        const auto [cell, inserted] = numbering.find_or_add(tuple);
        if (inserted) {
            m_cell_weight.push_back(0.0);
            m_cell_weight_sq.push_back(0.0);
            m_cell_persons.push_back(0);
            for (std::size_t m = 0; m < margin_count; ++m) {
                m_cell_categories.push_back(tuple[m]);
                m_cell_columns.push_back(column_of[m][tuple[m]]);
            }
        }
        const double d = design_weights[k];
        m_cell_weight[cell] += d;
        m_cell_weight_sq[cell] += d * d;
        ++m_cell_persons[cell];
        m_person_cell[k] = cell;
    }
}

std::string CalibrationModel::collinearity_message(const std::vector<std::size_t>& dependent,
    const std::string& controls_file) const
{
    const std::size_t first = dependent.front();
    const auto& margin = m_margins[m_column_margin[first]];
    std::string others;
    for (std::size_t i = 1; i < dependent.size() && i < 5; ++i) {
        others += (others.empty() ? "" : ", ") + column_label(dependent[i]);
    }
    return controls_file + ":" + std::to_string(margin.lines[m_column_category[first]]) +
        ": collinear constraints: " + column_label(first) +
        " is a linear combination of the margins before it in the sample (a duplicated margin, or a margin "
        "that is a function of another); remove or merge margin '" + margin.name + "'" +
        (others.empty() ? std::string{} : " (also dependent: " + others + ")");
}

} // namespace migratlas::survey
