// Benchmark driver of the disclosure gate (tools/bench_disclose.sh runs it): a generated flows-like
// table, level-3 unit (under level 2 and the country) x sex x age group x nationality with every
// margin, protected by the gate's complementary suppression and then attacked by the audit's LP.
// It also writes the protected table as an export folder (CSV + datapackage.json) so the script can
// time `migratlas audit` end to end on the same cells.
//
// Usage: bench_disclose [--level2 N] [--level3 N] [--nationalities N] [--persons N] [--seed N] [--out DIR]
#include "disclose/attack.hpp"
#include "disclose/cube.hpp"
#include "disclose/hypercube_protector.hpp"
#include "disclose/primary_rule.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace migratlas::disclose;

namespace {

struct Options {
    int level2 = 40;
    int level3 = 10;  ///< per level-2 unit (demo large: 40 x 10 = 400 level-3 units)
    int nationalities = 15;
    std::int64_t persons = 500000;
    unsigned seed = 1;
    std::string out;
};

Options parse(int argc, char** argv)
{
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--level2") {
            options.level2 = std::stoi(value);
        } else if (flag == "--level3") {
            options.level3 = std::stoi(value);
        } else if (flag == "--nationalities") {
            options.nationalities = std::stoi(value);
        } else if (flag == "--persons") {
            options.persons = std::stoll(value);
        } else if (flag == "--seed") {
            options.seed = static_cast<unsigned>(std::stoul(value));
        } else if (flag == "--out") {
            options.out = value;
        } else {
            std::fprintf(stderr, "bench_disclose: unknown option %s\n", flag.c_str());
            std::exit(2);
        }
    }
    return options;
}

const char* const sexes[] = {"F", "M"};
const char* const ages[] = {"0-17", "18-29", "30-44", "45-64", "65+", "unknown"};
constexpr double age_share[] = {0.22, 0.27, 0.26, 0.17, 0.06, 0.02};

std::string unit_code(int l2, int l3)
{
    char text[32];
    if (l3 < 0) {
        std::snprintf(text, sizeof text, "XNA-%02d", l2 + 1);
    } else {
        std::snprintf(text, sizeof text, "XNA-%02d%03d", l2 + 1, l3 + 1);
    }
    return text;
}

std::string nationality(int n)
{
    return std::string("N") + static_cast<char>('A' + n / 26) + static_cast<char>('A' + n % 26);
}

/// Persons per cell: unit sizes log-normal, nationalities Zipf-like, Poisson draws (most cells small).
Cube generate(const Options& options)
{
    Dimension units("unit_code");
    units.add("XNA");
    for (int l2 = 0; l2 < options.level2; ++l2) {
        units.add(unit_code(l2, -1), "XNA");
        for (int l3 = 0; l3 < options.level3; ++l3) {
            units.add(unit_code(l2, l3), unit_code(l2, -1));
        }
    }
    Dimension sex("sex");
    for (const char* code : sexes) {
        sex.add(code);
    }
    Dimension age("age_group");
    for (const char* code : ages) {
        age.add(code);
    }
    Dimension nat("nationality");
    std::vector<double> nat_share;
    double nat_total = 0.0;
    for (int n = 0; n < options.nationalities; ++n) {
        nat.add(nationality(n));
        nat_share.push_back(1.0 / std::pow(n + 1.0, 1.3));
        nat_total += nat_share.back();
    }
    std::mt19937_64 random(options.seed);
    std::lognormal_distribution<double> size(0.0, 1.1);
    const int leaves = options.level2 * options.level3;
    std::vector<double> unit_share(static_cast<std::size_t>(leaves));
    double unit_total = 0.0;
    for (double& share : unit_share) {
        share = size(random);
        unit_total += share;
    }
    Cube cube({units, sex, age, nat}, {"persons"});
    std::vector<NodeId> coords(4);
    for (int u = 0; u < leaves; ++u) {
        coords[0] = *cube.dimension(0).find(unit_code(u / options.level3, u % options.level3));
        for (int s = 0; s < 2; ++s) {
            coords[1] = static_cast<NodeId>(s + 1);
            for (int a = 0; a < 6; ++a) {
                coords[2] = static_cast<NodeId>(a + 1);
                for (int n = 0; n < options.nationalities; ++n) {
                    coords[3] = static_cast<NodeId>(n + 1);
                    const double mean = static_cast<double>(options.persons) * unit_share[static_cast<std::size_t>(u)] /
                        unit_total * 0.5 * age_share[a] * nat_share[static_cast<std::size_t>(n)] / nat_total;
                    std::poisson_distribution<std::int64_t> draw(mean);
                    const std::int64_t value = draw(random);
                    if (value > 0) {
                        cube.add_leaf(coords, std::span<const std::int64_t>(&value, 1));
                    }
                }
            }
        }
    }
    cube.aggregate();
    return cube;
}

/// The protected table as an export folder the audit reads (the same descriptor an export writes).
void write_export(const Cube& cube, const std::filesystem::path& folder, std::int64_t threshold)
{
    std::filesystem::create_directories(folder);
    std::ofstream csv(folder / "bench_flows.csv", std::ios::binary);
    csv << "unit_code,sex,age_group,nationality,persons,persons_status\r\n";
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        const CellKey key = cube.key(cell);
        for (std::size_t d = 0; d < cube.rank(); ++d) {
            csv << cube.dimension(d).code(cube.coord(key, d)) << ',';
        }
        if (cube.hidden(cell)) {
            csv << ',' << to_string(cube.status(cell)) << "\r\n";
        } else {
            csv << cube.value(cell, 0) << ",published\r\n";
        }
    }
    using Json = nlohmann::json;
    Json codes = Json::array();
    const Dimension& units = cube.dimension(0);
    for (NodeId node = 1; node < units.size(); ++node) {
        codes.push_back(Json::array({units.code(node), units.code(units.parent(node)), ""}));
    }
    Json fields = Json::array();
    for (const char* key : {"unit_code", "sex", "age_group", "nationality"}) {
        fields.push_back(Json{{"name", key}, {"type", "string"}, {"role", "key"}});
    }
    fields.push_back(Json{{"name", "persons"}, {"type", "integer"}, {"role", "count"}});
    fields.push_back(Json{{"name", "persons_status"}, {"type", "string"}, {"role", "status"}});
    Json structure{{"family", "bench_flows"}, {"family_keys", {"unit_code", "sex", "age_group", "nationality"}},
        {"separate", Json::array()}, {"total_codes", {"_T", "_T", "_T", "_T"}}, {"complete", true},
        {"counts", Json::array({Json{{"column", "persons"}, {"status_column", "persons_status"}, {"family_count", "persons"},
                       {"coordinates", {{"unit_code", "unit_code"}, {"sex", "sex"}, {"age_group", "age_group"},
                                           {"nationality", "nationality"}}}}})},
        {"hierarchies", Json::array({Json{{"key", "unit_code"}, {"codes", codes}}})}};
    Json resource{{"name", "bench_flows"}, {"path", "bench_flows.csv"}, {"format", "csv"}, {"schema", {{"fields", fields}}},
        {"migratlas", {{"disclosure", {{"threshold", threshold}, {"protection_level", threshold}}}, {"structure", structure}}}};
    std::ofstream(folder / "datapackage.json") << Json{{"profile", "tabular-data-package"}, {"resources", {resource}}}.dump(1);
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv)
{
    const Options options = parse(argc, argv);
    auto start = std::chrono::steady_clock::now();
    Cube cube = generate(options);
    const double generate_s = seconds_since(start);
    ProtectionRule rule;
    std::int64_t leaves = 0;
    std::int64_t persons = 0;
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        if (cube.is_leaf(cube.key(cell))) {
            ++leaves;
            persons += cube.value(cell, 0);
        }
    }
    start = std::chrono::steady_clock::now();
    (void)apply_primary(cube, rule.primary);
    const ProtectionReport report = protect(cube, rule);
    const double protect_s = seconds_since(start);
    std::fprintf(stderr, "protected in %.2f s; attacking ...\n", protect_s);
    std::int64_t leaf_persons_hidden = 0;
    std::int64_t hidden_leaves = 0;
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        if (cube.hidden(cell) && cube.is_leaf(cube.key(cell))) {
            leaf_persons_hidden += cube.value(cell, 0);
            ++hidden_leaves;
        }
    }
    std::vector<bool> primary(cube.size(), false);
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        primary[cell] = cube.status(cell) == CellStatus::primary;
    }
    AttackSettings settings;
    settings.protection_level = rule.protection_level;
    start = std::chrono::steady_clock::now();
    const AttackResult attacked = attack(cube, 0, primary, settings);
    const double attack_s = seconds_since(start);
    std::printf("table: %d level-3 units x 2 sexes x 6 age groups x %d nationalities, every margin\n",
        options.level2 * options.level3, options.nationalities);
    std::printf("cells %lld (non-zero leaves %lld, persons %lld)  generated in %.2f s\n",
        static_cast<long long>(report.cells), static_cast<long long>(leaves), static_cast<long long>(persons), generate_s);
    std::printf("protect: primary %lld, secondary %lld (hidden leaves %lld, zeros included; %lld non-zero leaves), persons in hidden leaves %lld (%.1f%%; "
                "in all hidden cells, margins included, %lld), local moves %lld, fallbacks %lld: %.2f s\n",
        static_cast<long long>(report.primary), static_cast<long long>(report.secondary),
        static_cast<long long>(hidden_leaves), static_cast<long long>(leaves), static_cast<long long>(leaf_persons_hidden),
        100.0 * static_cast<double>(leaf_persons_hidden) / static_cast<double>(persons), static_cast<long long>(report.persons_hidden),
        static_cast<long long>(report.local_moves), static_cast<long long>(report.fallbacks), protect_s);
    std::printf("attack (the audit's LP): %zu hidden, %zu components (largest %zu), %zu LP solves, %zu exposed: %.2f s\n",
        attacked.hidden, attacked.components, attacked.largest_component, attacked.lp_solves, attacked.exposed.size(), attack_s);
    std::printf("RESULT cells=%lld primary=%lld secondary=%lld leaf_persons_hidden=%lld protect_s=%.3f attack_s=%.3f exposed=%zu\n",
        static_cast<long long>(report.cells), static_cast<long long>(report.primary), static_cast<long long>(report.secondary),
        static_cast<long long>(leaf_persons_hidden), protect_s, attack_s, attacked.exposed.size());
    if (!options.out.empty()) {
        write_export(cube, options.out, rule.primary.threshold);
    }
    return attacked.exposed.empty() ? 0 : 1;
}
