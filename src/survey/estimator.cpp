#include "survey/estimator.hpp"

#include "common/error.hpp"

#include <Eigen/Dense>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace migratlas::survey {

namespace {

/// PSU index of every person and stratum of every PSU. PSUs are identified by (stratum, psu),
/// i.e. nested in strata, so a PSU id reused in two strata is two PSUs.
struct PsuLayout {
    std::vector<std::uint32_t> person_psu;
    std::vector<std::uint32_t> psu_stratum;
    std::uint32_t strata = 0;
};

PsuLayout layout_psus(const EstimateInput& input, std::size_t persons)
{
    PsuLayout layout;
    layout.person_psu.resize(persons);
    layout.strata = input.strata != nullptr ? static_cast<std::uint32_t>(input.strata->levels.size()) : 1;
    if (input.psu == nullptr) {
        for (std::size_t k = 0; k < persons; ++k) {
            layout.person_psu[k] = static_cast<std::uint32_t>(k);
            layout.psu_stratum.push_back(input.strata != nullptr ? input.strata->codes[k] : 0);
        }
        return layout;
    }
    std::unordered_map<std::uint64_t, std::uint32_t> index;
    for (std::size_t k = 0; k < persons; ++k) {
        const std::uint32_t stratum = input.strata != nullptr ? input.strata->codes[k] : 0;
        const std::uint64_t key = (static_cast<std::uint64_t>(stratum) << 32) | input.psu->codes[k];
        const auto [it, added] = index.emplace(key, static_cast<std::uint32_t>(layout.psu_stratum.size()));
        if (added) {
            layout.psu_stratum.push_back(stratum);
        }
        layout.person_psu[k] = it->second;
    }
    return layout;
}

} // namespace

std::string reliability_flag(double cv_percent, const EstimateOptions& options)
{
    if (cv_percent <= options.cv_caution) {
        return "ok";
    }
    if (cv_percent <= options.cv_suppress) {
        return "caution";
    }
    return "suppress";
}

std::vector<DomainEstimate> estimate_by_domain(const EstimateInput& input, const EstimateOptions& options)
{
    if (input.weights == nullptr || input.values == nullptr || input.design_weights == nullptr) {
        throw DataError("estimate: weights, design weights and values are required");
    }
    const auto& w = *input.weights;
    const auto& d = *input.design_weights;
    const auto& y = *input.values;
    const std::size_t persons = w.size();
    if (y.size() != persons || d.size() != persons || (input.model != nullptr && input.model->person_count() != persons)) {
        throw DataError("estimate: weights, values and model cover different numbers of persons");
    }

    // Targets: the sorted domain values, then ALL. target_of[level] maps a domain code to its row.
    std::vector<std::string> names;
    std::vector<std::uint32_t> target_of;
    if (input.domain != nullptr) {
        std::vector<std::uint32_t> order(input.domain->levels.size());
        std::iota(order.begin(), order.end(), 0U);
        std::sort(order.begin(), order.end(),
            [&](auto a, auto b) { return input.domain->levels[a] < input.domain->levels[b]; });
        target_of.resize(order.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            target_of[order[i]] = static_cast<std::uint32_t>(i);
            names.push_back(input.domain->levels[order[i]]);
        }
    }
    names.emplace_back("ALL");
    const std::size_t targets = names.size();
    const std::size_t all = targets - 1;
    auto target_of_person = [&](std::size_t k) -> std::size_t {
        return input.domain != nullptr ? target_of[input.domain->codes[k]] : all;
    };

    // Point estimates.
    std::vector<double> total(targets, 0.0);
    std::vector<double> size(targets, 0.0);
    std::vector<std::uint64_t> n_sample(targets, 0);
    for (std::size_t k = 0; k < persons; ++k) {
        const std::size_t t = target_of_person(k);
        total[t] += w[k] * y[k];
        size[t] += w[k];
        ++n_sample[t];
        if (t != all) {
            total[all] += w[k] * y[k];
            size[all] += w[k];
            ++n_sample[all];
        }
    }
    // Linearised variable z_k of target t for a person inside it: y_k for a total,
    // (y_k − R_t)/N_t for the ratio mean R_t = Σwy/Σw (z_k = 0 outside the target).
    std::vector<double> ratio(targets, 0.0);
    for (std::size_t t = 0; t < targets; ++t) {
        ratio[t] = size[t] != 0.0 ? total[t] / size[t] : std::numeric_limits<double>::quiet_NaN();
    }
    auto z_of = [&](std::size_t k, std::size_t t) {
        return options.mean ? (y[k] - ratio[t]) / size[t] : y[k];
    };

    // GREG residuals: fitted value of every cell for every target, from the d-weighted least
    // squares of z on the model, solved by QR on the cell level: rows √D_c x_c against
    // (Σ_{k∈c} d_k z_k)/√D_c have the same normal equations as the person-level regression.
    Eigen::MatrixXd fitted;
    if (input.model != nullptr) {
        const CalibrationModel& model = *input.model;
        const auto cells = static_cast<Eigen::Index>(model.cell_count());
        const auto p = static_cast<Eigen::Index>(model.column_count());
        const std::size_t margins = model.margin_count();
        Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(cells, static_cast<Eigen::Index>(targets));
        const auto& person_cell = model.person_cells();
        for (std::size_t k = 0; k < persons; ++k) {
            const auto cell = static_cast<Eigen::Index>(person_cell[k]);
            const std::size_t t = target_of_person(k);
            sums(cell, static_cast<Eigen::Index>(t)) += d[k] * z_of(k, t);
            if (t != all) {
                sums(cell, static_cast<Eigen::Index>(all)) += d[k] * z_of(k, all);
            }
        }
        Eigen::MatrixXd design = Eigen::MatrixXd::Zero(cells, p);
        const auto& cell_weight = model.cell_design_weight();
        for (Eigen::Index c = 0; c < cells; ++c) {
            const double root = std::sqrt(cell_weight[static_cast<std::size_t>(c)]);
            for (std::size_t m = 0; m < margins; ++m) {
                const auto col = model.cell_columns()[static_cast<std::size_t>(c) * margins + m];
                if (col >= 0) {
                    design(c, col) = root;
                }
            }
            sums.row(c) /= root;
        }
        const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(design);
        const Eigen::MatrixXd coefficients = qr.solve(sums);
        fitted = design * coefficients;  // √D_c x_cᵀB
        for (Eigen::Index c = 0; c < cells; ++c) {
            fitted.row(c) /= std::sqrt(cell_weight[static_cast<std::size_t>(c)]);
        }
    }

    const PsuLayout layout = layout_psus(input, persons);
    std::vector<std::uint32_t> psus_in_stratum(layout.strata, 0);
    for (const auto stratum : layout.psu_stratum) {
        ++psus_in_stratum[stratum];
    }
    for (std::uint32_t h = 0; h < layout.strata; ++h) {
        if (psus_in_stratum[h] == 1) {
            const std::string name = input.strata != nullptr ? input.strata->levels[h] : std::string("(all)");
            throw DataError("stratum '" + name + "' has a single PSU, so its variance cannot be estimated "
                "(merge it with a neighbouring stratum)");
        }
    }

    std::vector<double> variance(targets, 0.0);
    tbb::parallel_for(std::size_t{0}, targets, [&](std::size_t t) {
        std::vector<double> psu_total(layout.psu_stratum.size(), 0.0);
        const std::vector<std::uint32_t>* person_cell = input.model != nullptr ? &input.model->person_cells() : nullptr;
        for (std::size_t k = 0; k < persons; ++k) {
            const std::size_t own = target_of_person(k);
            const bool inside = own == t || t == all;
            double residual = inside ? z_of(k, t) : 0.0;
            if (person_cell != nullptr) {
                residual -= fitted(static_cast<Eigen::Index>((*person_cell)[k]), static_cast<Eigen::Index>(t));
            }
            psu_total[layout.person_psu[k]] += w[k] * residual;
        }
        std::vector<double> mean(layout.strata, 0.0);
        for (std::size_t i = 0; i < psu_total.size(); ++i) {
            mean[layout.psu_stratum[i]] += psu_total[i];
        }
        for (std::uint32_t h = 0; h < layout.strata; ++h) {
            if (psus_in_stratum[h] > 0) {
                mean[h] /= psus_in_stratum[h];
            }
        }
        std::vector<double> sum_sq(layout.strata, 0.0);
        for (std::size_t i = 0; i < psu_total.size(); ++i) {
            const double dev = psu_total[i] - mean[layout.psu_stratum[i]];
            sum_sq[layout.psu_stratum[i]] += dev * dev;
        }
        double v = 0.0;
        for (std::uint32_t h = 0; h < layout.strata; ++h) {
            const double n_h = psus_in_stratum[h];
            if (n_h > 1) {
                v += n_h / (n_h - 1.0) * sum_sq[h];
            }
        }
        variance[t] = v;
    });

    std::vector<DomainEstimate> rows;
    rows.reserve(targets);
    for (std::size_t t = 0; t < targets; ++t) {
        DomainEstimate row;
        row.unit_code = names[t];
        row.estimate = options.mean ? ratio[t] : total[t];
        row.se = std::sqrt(variance[t]);
        row.cv = row.estimate != 0.0 ? 100.0 * row.se / std::abs(row.estimate) : std::numeric_limits<double>::quiet_NaN();
        row.ci_low = row.estimate - normal_quantile_975 * row.se;
        row.ci_high = row.estimate + normal_quantile_975 * row.se;
        row.flag = reliability_flag(row.cv, options);
        row.n_sample = n_sample[t];
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace migratlas::survey
