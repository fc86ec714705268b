#include "disclose/primary_rule.hpp"

namespace migratlas::disclose {

bool is_dominated(double total, std::span<const double> largest, int n, double k_pct)
{
    if (total <= 0.0 || n <= 0) {
        return false;
    }
    double top = 0.0;
    for (std::size_t i = 0; i < largest.size() && i < static_cast<std::size_t>(n); ++i) {
        top += largest[i];
    }
    return top > k_pct / 100.0 * total;
}

std::int64_t apply_primary(Cube& cube, const PrimaryRule& rule)
{
    std::int64_t primaries = 0;
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        if (!cube.published(cube.key(cell))) {
            continue;
        }
        for (std::size_t m = 0; m < cube.measures().size(); ++m) {
            if (is_primary(cube.value(cell, m), rule)) {
                cube.set_status(cell, CellStatus::primary);
                ++primaries;
                break;
            }
        }
    }
    return primaries;
}

} // namespace migratlas::disclose
