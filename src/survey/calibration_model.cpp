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

std::string value_of(const std::vector<const CategoricalColumn*>& columns, std::size_t person)
{
    std::string text;
    for (std::size_t v = 0; v < columns.size(); ++v) {
        text += (v == 0 ? "" : ":") + columns[v]->levels[columns[v]->codes[person]];
    }
    return text;
}

} // namespace

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
    CalibrationModel model;
    model.m_margins = controls.margins;
    const std::size_t margin_count = controls.margins.size();
    const std::size_t persons = data.size();
    const std::string survey_file = data.path.filename().string();
    const std::string controls_file = controls.path.filename().string();

    model.m_category_offset.assign(1, 0);
    for (const auto& margin : controls.margins) {
        model.m_category_offset.push_back(model.m_category_offset.back() + margin.categories.size());
    }

    // 1. One category per person and margin. The categories are looked up again in step 3 rather
    //    than stored: a lookup is cheaper than faulting in and zeroing 4 bytes per person and margin.
    std::vector<std::vector<const CategoricalColumn*>> margin_columns(margin_count);
    std::vector<CategoryLookup> lookups;
    lookups.reserve(margin_count);
    for (std::size_t m = 0; m < margin_count; ++m) {
        const ControlMargin& margin = controls.margins[m];
        std::vector<const CategoricalColumn*>& columns = margin_columns[m];
        for (const auto& variable : margin.variables) {
            columns.push_back(&data.categorical_column(variable));
        }
        const CategoryLookup& lookup = lookups.emplace_back(margin, columns);
        std::vector<std::uint64_t> counts(margin.categories.size(), 0);
        std::map<std::uint64_t, std::pair<std::size_t, std::uint64_t>> unmatched;  // key -> (first person, count)
        for (std::size_t k = 0; k < persons; ++k) {
            const auto key = lookup.key(columns, k);
            const auto category = lookup.find(key);
            if (category < 0) {
                auto [it, inserted] = unmatched.emplace(key, std::make_pair(k, 0));
                ++it->second.second;
            } else {
                ++counts[static_cast<std::size_t>(category)];
            }
        }
        if (!unmatched.empty()) {
            // Name every distinct unmatched value (up to a few), each with its first line.
            std::vector<std::pair<std::size_t, std::uint64_t>> found;
            for (const auto& [key, first_and_count] : unmatched) {
                found.push_back(first_and_count);
            }
            std::sort(found.begin(), found.end());
            const auto [first, count] = found.front();
            std::string message = survey_file + ":" + std::to_string(data.lines[first]) + ": " + margin.name +
                " value '" + value_of(columns, first) + "' has no category in margin '" + margin.name + "' of " +
                controls_file + " (" + std::to_string(count) + " person(s)";
            for (std::size_t i = 1; i < found.size() && i < 6; ++i) {
                message += "; also '" + value_of(columns, found[i].first) + "' on line " +
                    std::to_string(data.lines[found[i].first]) + ", " + std::to_string(found[i].second) + " person(s)";
            }
            if (found.size() > 6) {
                message += "; and " + std::to_string(found.size() - 6) + " more value(s)";
            }
            throw DataError(message + ")");
        }
        for (std::size_t c = 0; c < counts.size(); ++c) {
            if (counts[c] == 0) {
                throw DataError(controls_file + ":" + std::to_string(margin.lines[c]) + ": category '" +
                    margin.categories[c] + "' of margin '" + margin.name + "' has no sample persons in " + survey_file +
                    ", so no weight can reach its total of " + format_short(margin.totals[c], 15));
            }
        }
    }

    // 2. Basis columns: all categories of the first margin, then categories 2..n of the others.
    std::vector<std::vector<std::int32_t>> column_of(margin_count);
    for (std::size_t m = 0; m < margin_count; ++m) {
        const auto& margin = controls.margins[m];
        column_of[m].assign(margin.categories.size(), -1);
        for (std::size_t c = (m == 0 ? 0 : 1); c < margin.categories.size(); ++c) {
            column_of[m][c] = static_cast<std::int32_t>(model.m_column_margin.size());
            model.m_column_margin.push_back(m);
            model.m_column_category.push_back(c);
            model.m_column_target.push_back(margin.totals[c]);
        }
    }

    // 3. Cells of persons with identical categories in every margin.
    std::uint64_t key_space = 1;
    bool key_fits = true;
    for (const auto& margin : controls.margins) {
        const auto n = static_cast<std::uint64_t>(margin.categories.size());
        key_fits = key_fits && key_space <= UINT64_MAX / n;
        key_space *= n;
    }
    model.m_person_cell.resize(persons);
    // Cells are numbered in order of first appearance; the usual key space (a few thousand
    // combinations) is indexed directly instead of hashed per person.
    constexpr std::uint32_t no_cell = UINT32_MAX;
    const bool key_dense = key_fits && key_space <= (1U << 20);
    std::vector<std::uint32_t> cell_by_dense_key(key_dense ? key_space : 0, no_cell);
    std::unordered_map<std::uint64_t, std::uint32_t> cell_by_key;
    std::map<std::vector<std::uint32_t>, std::uint32_t> cell_by_tuple;  // only when keys would overflow
    std::vector<std::uint32_t> tuple(margin_count);
    for (std::size_t k = 0; k < persons; ++k) {
        std::uint64_t key = 0;
        for (std::size_t m = 0; m < margin_count; ++m) {
            // Every person matched a category in step 1, which threw otherwise.
            tuple[m] = static_cast<std::uint32_t>(lookups[m].find(lookups[m].key(margin_columns[m], k)));
            key = key * controls.margins[m].categories.size() + tuple[m];
        }
        const auto next_cell = static_cast<std::uint32_t>(model.m_cell_weight.size());
        std::uint32_t cell = 0;
        bool inserted = false;
        if (key_dense) {
            std::uint32_t& slot = cell_by_dense_key[key];
            inserted = slot == no_cell;
            if (inserted) {
                slot = next_cell;
            }
            cell = slot;
        } else if (key_fits) {
            auto [it, added] = cell_by_key.emplace(key, next_cell);
            cell = it->second;
            inserted = added;
        } else {
            auto [it, added] = cell_by_tuple.emplace(tuple, next_cell);
            cell = it->second;
            inserted = added;
        }
        if (inserted) {
            model.m_cell_weight.push_back(0.0);
            model.m_cell_weight_sq.push_back(0.0);
            model.m_cell_persons.push_back(0);
            for (std::size_t m = 0; m < margin_count; ++m) {
                model.m_cell_categories.push_back(tuple[m]);
                model.m_cell_columns.push_back(column_of[m][tuple[m]]);
            }
        }
        const double d = data.design_weights[k];
        model.m_cell_weight[cell] += d;
        model.m_cell_weight_sq[cell] += d * d;
        ++model.m_cell_persons[cell];
        model.m_person_cell[k] = cell;
    }

    // 4. Collinearity: Cholesky of the design-weighted Gram matrix scaled to unit diagonal, in
    //    margin order, so the first column that the earlier ones already span is the one named.
    const std::size_t p = model.column_count();
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
    for (std::size_t c = 0; c < model.cell_count(); ++c) {
        const std::int32_t* cols = &model.m_cell_columns[c * margin_count];
        for (std::size_t a = 0; a < margin_count; ++a) {
            if (cols[a] < 0) {
                continue;
            }
            for (std::size_t b = 0; b < margin_count; ++b) {
                if (cols[b] >= 0) {
                    gram(cols[a], cols[b]) += model.m_cell_weight[c];
                }
            }
        }
    }
    const Eigen::VectorXd scale = gram.diagonal().cwiseSqrt().cwiseInverse();
    const Eigen::MatrixXd scaled = scale.asDiagonal() * gram * scale.asDiagonal();
    const auto n = static_cast<Eigen::Index>(p);
    Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(n, n);
    std::vector<std::size_t> dependent;
    std::vector<bool> kept(p, false);
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
    if (!dependent.empty()) {
        const std::size_t first = dependent.front();
        const auto& margin = controls.margins[model.m_column_margin[first]];
        std::string others;
        for (std::size_t i = 1; i < dependent.size() && i < 5; ++i) {
            others += (others.empty() ? "" : ", ") + model.column_label(dependent[i]);
        }
        throw DataError(controls_file + ":" + std::to_string(margin.lines[model.m_column_category[first]]) +
            ": collinear constraints: " + model.column_label(first) +
            " is a linear combination of the margins before it in the sample (a duplicated margin, or a margin "
            "that is a function of another); remove or merge margin '" + margin.name + "'" +
            (others.empty() ? std::string{} : " (also dependent: " + others + ")"));
    }
    return model;
}

} // namespace migratlas::survey
