// Complementary (secondary) suppression of a cube whose primary cells are marked: for every
// primary cell, hidden cells are added until moves along hidden cells prove that an attacker who
// knows every published cell, the additivity of the table and that counts are >= 0 cannot narrow
// the cell to an interval narrower than the protection level. Method: docs/methods/disclosure.md.
#pragma once

#include "disclose/cube.hpp"
#include "disclose/primary_rule.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace migratlas::disclose {

/// What an extra hidden cell costs when choosing complementary cells.
enum class SuppressionCost {
    persons,  ///< 1 + the cell's count: hide as few persons as possible (the default)
    cells,    ///< 1 per cell: hide as few cells as possible
};

struct ProtectionRule {
    PrimaryRule primary;
    std::int64_t protection_level = 10;
    SuppressionCost cost = SuppressionCost::persons;
    /// Threads independent tables (codes of dimensions never summed) are protected on; 0: one
    /// per core. The pattern does not depend on it.
    unsigned threads = 0;
};

inline constexpr std::int64_t unbounded = std::numeric_limits<std::int64_t>::max();

/// The proof kept for one primary cell: for each measure, the cell can rise by `upper` and fall by
/// `lower` (unbounded = no limit) along moves that change only hidden cells, keep every sum and
/// keep every leaf >= 0. So an attacker's interval contains [x - lower, x + upper].
struct CellCertificate {
    CellId cell = 0;
    std::vector<std::int64_t> upper;
    std::vector<std::int64_t> lower;
};

struct ProtectionReport {
    std::int64_t cells = 0;
    std::int64_t primary = 0;
    std::int64_t secondary = 0;
    std::int64_t persons_hidden = 0;  ///< sum over hidden cells of the first measure
    std::int64_t local_moves = 0;     ///< primaries protected by an LP move of their neighbourhood
    std::int64_t fallbacks = 0;       ///< primaries protected by hiding their whole path to the total
};

/// Certificates for `cells` from moves through hidden (or unpublished) cells only, with the
/// cube's values as the point moved from (the audit passes a point it found by LP); hides nothing.
[[nodiscard]] std::vector<CellCertificate> certify(Cube& cube, const std::vector<CellId>& cells, std::int64_t protection_level);

/// Adds secondary suppressions to `cube` (statuses primary -> kept, some published -> secondary,
/// zero cells it hides are added to the cube). Deterministic: the same cube gives the same pattern.
ProtectionReport protect(Cube& cube, const ProtectionRule& rule, std::vector<CellCertificate>* certificates = nullptr);

} // namespace migratlas::disclose
