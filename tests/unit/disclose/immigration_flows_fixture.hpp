// The flows fixture of the disclosure tests: immigration in 2023 from two countries to three units
// of the tiny workspace, by sex. One flow is small: `small` women from VEN to XNA-01001 (3 by
// default, whose inflow is then 3 + 40 + 35 + 50 = 128), a primary whose margins are published.
#pragma once

#include "common/products/flows.hpp"

#include <cstdint>
#include <array>
#include <string>

namespace migratlas::test {

struct ImmigrationFlow {
    const char* origin;
    const char* destination;
    const char* sex;
    std::int64_t persons;
};

inline constexpr const char* immigration_period = "2023";

/// The twelve flows; the first is the small one, given as `small`.
inline std::array<ImmigrationFlow, 12> immigration_flows(std::int64_t small = 3)
{
    return {{
        {"VEN", "XNA-01001", "F", small}, {"VEN", "XNA-01001", "M", 40}, {"COL", "XNA-01001", "F", 35}, {"COL", "XNA-01001", "M", 50},
        {"VEN", "XNA-01002", "F", 30}, {"VEN", "XNA-01002", "M", 45}, {"COL", "XNA-01002", "F", 25}, {"COL", "XNA-01002", "M", 60},
        {"VEN", "XNA-02001", "F", 20}, {"VEN", "XNA-02001", "M", 33}, {"COL", "XNA-02001", "F", 41}, {"COL", "XNA-02001", "M", 52},
    }};
}

/// The flows as the `flows` product's table (origin at level 1, destination at level 3).
inline Table immigration_flows_table(std::int64_t small = 3)
{
    Table table = products::flows.make_table();
    for (const ImmigrationFlow& f : immigration_flows(small)) {
        table.rows.push_back({std::string(immigration_period), std::string("immigration"), std::string(f.origin),
            std::string(f.destination), std::string("_T"), std::string(f.sex), std::string("_T"), std::string("_T"),
            std::string(f.origin), std::string(f.destination), std::int64_t{1}, std::int64_t{3}, f.persons, f.persons,
            std::string("records")});
    }
    return table;
}

} // namespace migratlas::test
