// Benchmark driver of the disclosure gate (tools/bench_disclose.sh runs it): a flows table, level-3
// unit (under level 2 and the country) x sex x age group x nationality with every margin, protected
// by the gate's complementary suppression and then attacked by the audit's LP. The table is either
// generated (Poisson counts, most cells small) or read from a real flows table (--flows-csv: the
// `flows` product of `migratlas flows --level 3 --by sex,age_group,nationality` dumped as CSV, summed
// over origin and crossing point: arrivals by destination unit, one table per flow type, with the
// unit hierarchy of --units-csv). It also writes the protected table as an export folder (CSV +
// datapackage.json) so the script can time `migratlas audit` end to end on the same cells.
//
// Usage: bench_disclose [--level2 N] [--level3 N] [--nationalities N] [--persons N] [--seed N]
//                       [--flows-csv F --units-csv U] [--threads N] [--protect-only] [--out DIR]
#include "disclose/attack.hpp"
#include "disclose/cube.hpp"
#include "disclose/hypercube_protector.hpp"
#include "disclose/primary_rule.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <ctime>
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
    unsigned threads = 2;
    bool protect_only = false;
    std::string flows_csv;
    std::string units_csv;
    std::string out;
};

Options parse(int argc, char** argv)
{
    Options options;
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--protect-only") {  // quick runs: no attack
            options.protect_only = true;
            --i;
            continue;
        }
        if (i + 1 == argc) {
            std::fprintf(stderr, "bench_disclose: %s needs a value\n", flag.c_str());
            std::exit(2);
        }
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
        } else if (flag == "--threads") {
            options.threads = static_cast<unsigned>(std::stoul(value));
        } else if (flag == "--flows-csv") {
            options.flows_csv = value;
        } else if (flag == "--units-csv") {
            options.units_csv = value;
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

/// A CSV file (no quoted separators: codes and counts only) as rows of fields by header name.
class CsvRows {
public:
    explicit CsvRows(const std::string& path) : m_in(path)
    {
        if (!m_in) {
            std::fprintf(stderr, "bench_disclose: cannot read %s\n", path.c_str());
            std::exit(1);
        }
        std::string header;
        std::getline(m_in, header);
        m_header = split(header);
    }
    [[nodiscard]] std::size_t column(const std::string& name) const
    {
        for (std::size_t i = 0; i < m_header.size(); ++i) {
            if (m_header[i] == name) {
                return i;
            }
        }
        std::fprintf(stderr, "bench_disclose: no column %s\n", name.c_str());
        std::exit(1);
    }
    bool next(std::vector<std::string>& fields)
    {
        std::string line;
        if (!std::getline(m_in, line)) {
            return false;
        }
        fields = split(line);
        fields.resize(m_header.size());
        return true;
    }

private:
    static std::vector<std::string> split(std::string line)
    {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        std::vector<std::string> fields;
        std::size_t start = 0;
        while (true) {
            const std::size_t end = line.find(',', start);
            std::string field = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
                field = field.substr(1, field.size() - 2);
            }
            fields.push_back(field);
            if (end == std::string::npos) {
                return fields;
            }
            start = end + 1;
        }
    }
    std::ifstream m_in;
    std::vector<std::string> m_header;
};

/// The real flows: arrivals by destination (level-3 unit, level-2 unit, country; foreign
/// countries at the top) x sex x age group x nationality, one table per flow type (never summed).
Cube load_flows(const Options& options)
{
    Dimension flow_type("flow_type");
    Dimension units("unit_code");
    {
        CsvRows rows(options.units_csv);
        const std::size_t code = rows.column("code");
        const std::size_t parent = rows.column("parent_code");
        std::vector<std::pair<std::string, std::string>> pending;
        std::vector<std::string> fields;
        while (rows.next(fields)) {
            pending.emplace_back(fields[code], fields[parent]);
        }
        // Parents before children, whatever the file's order.
        for (bool added = true; added && !pending.empty();) {
            added = false;
            for (auto it = pending.begin(); it != pending.end();) {
                if (it->second.empty() || units.find(it->second)) {
                    units.add(it->first, it->second.empty() ? std::string_view("_T") : std::string_view(it->second));
                    it = pending.erase(it);
                    added = true;
                } else {
                    ++it;
                }
            }
        }
    }
    Dimension sex("sex");
    Dimension age("age_group");
    Dimension nat("nationality");
    struct Row {
        std::string type, destination, sex, age, nat;
        std::int64_t persons = 0;
    };
    std::vector<Row> data;
    {
        CsvRows rows(options.flows_csv);
        const std::size_t c_type = rows.column("flow_type");
        const std::size_t c_destination = rows.column("destination");
        const std::size_t c_sex = rows.column("sex");
        const std::size_t c_age = rows.column("age_group");
        const std::size_t c_nat = rows.column("nationality");
        const std::size_t c_persons = rows.column("persons");
        std::vector<std::string> fields;
        while (rows.next(fields)) {
            Row row{fields[c_type], fields[c_destination], fields[c_sex], fields[c_age], fields[c_nat],
                fields[c_persons].empty() ? 0 : std::stoll(fields[c_persons])};
            if (row.persons == 0) {
                continue;
            }
            flow_type.add(row.type);
            if (!units.find(row.destination)) {
                units.add(row.destination);  // a foreign country or `unknown`: a top-level code
            }
            sex.add(row.sex);
            age.add(row.age);
            nat.add(row.nat);
            data.push_back(std::move(row));
        }
    }
    Cube cube({flow_type, units, sex, age, nat}, {"persons"});
    cube.set_separate(1U);
    std::vector<NodeId> coords(5);
    for (const Row& row : data) {
        coords[0] = *cube.dimension(0).find(row.type);
        coords[1] = *cube.dimension(1).find(row.destination);
        coords[2] = *cube.dimension(2).find(row.sex);
        coords[3] = *cube.dimension(3).find(row.age);
        coords[4] = *cube.dimension(4).find(row.nat);
        if (!cube.dimension(1).is_leaf(coords[1])) {
            continue;  // a flow to a coarser unit is not in the level-3 table
        }
        cube.add_leaf(coords, std::span<const std::int64_t>(&row.persons, 1));
    }
    cube.aggregate();
    return cube;
}

/// The protected table as an export folder the audit reads (the same descriptor an export writes).
void write_export(const Cube& cube, const std::filesystem::path& folder, std::int64_t threshold)
{
    using Json = nlohmann::json;
    std::filesystem::create_directories(folder);
    std::ofstream csv(folder / "bench_flows.csv", std::ios::binary);
    Json keys = Json::array();
    Json separate = Json::array();
    Json totals = Json::array();
    Json coordinates = Json::object();
    Json fields = Json::array();
    Json hierarchies = Json::array();
    for (std::size_t d = 0; d < cube.rank(); ++d) {
        const Dimension& dimension = cube.dimension(d);
        csv << dimension.name() << ',';
        keys.push_back(dimension.name());
        totals.push_back("_T");
        coordinates[dimension.name()] = dimension.name();
        fields.push_back(Json{{"name", dimension.name()}, {"type", "string"}, {"role", "key"}});
        if ((cube.separate() >> d) & 1U) {
            separate.push_back(dimension.name());
        } else if (dimension.name() == "unit_code") {
            Json codes = Json::array();
            for (NodeId node = 1; node < dimension.size(); ++node) {
                codes.push_back(Json::array({dimension.code(node), dimension.code(dimension.parent(node)), ""}));
            }
            hierarchies.push_back(Json{{"key", dimension.name()}, {"codes", codes}});
        }
    }
    csv << "persons,persons_status\r\n";
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        const CellKey key = cube.key(cell);
        if (!cube.published(key)) {
            continue;
        }
        for (std::size_t d = 0; d < cube.rank(); ++d) {
            csv << cube.dimension(d).code(cube.coord(key, d)) << ',';
        }
        if (cube.hidden(cell)) {
            csv << ',' << to_string(cube.status(cell)) << "\r\n";
        } else {
            csv << cube.value(cell, 0) << ",published\r\n";
        }
    }
    fields.push_back(Json{{"name", "persons"}, {"type", "integer"}, {"role", "count"}});
    fields.push_back(Json{{"name", "persons_status"}, {"type", "string"}, {"role", "status"}});
    Json structure{{"family", "bench_flows"}, {"family_keys", keys}, {"separate", separate}, {"total_codes", totals},
        {"complete", true},
        {"counts", Json::array({Json{{"column", "persons"}, {"status_column", "persons_status"}, {"family_count", "persons"},
                       {"coordinates", coordinates}}})},
        {"hierarchies", hierarchies}};
    Json resource{{"name", "bench_flows"}, {"path", "bench_flows.csv"}, {"format", "csv"}, {"schema", {{"fields", fields}}},
        {"migratlas", {{"disclosure", {{"threshold", threshold}, {"protection_level", threshold}}}, {"structure", structure}}}};
    std::ofstream(folder / "datapackage.json") << Json{{"profile", "tabular-data-package"}, {"resources", {resource}}}.dump(1);
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// CPU time of the process (every thread) since `start`.
double cpu_seconds_since(std::clock_t start)
{
    return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

} // namespace

int main(int argc, char** argv)
{
    const Options options = parse(argc, argv);
    auto start = std::chrono::steady_clock::now();
    Cube cube = options.flows_csv.empty() ? generate(options) : load_flows(options);
    const double generate_s = seconds_since(start);
    ProtectionRule rule;
    rule.threads = options.threads;
    std::int64_t leaves = 0;
    std::int64_t persons = 0;
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        if (cube.is_leaf(cube.key(cell))) {
            ++leaves;
            persons += cube.value(cell, 0);
        }
    }
    start = std::chrono::steady_clock::now();
    std::clock_t cpu = std::clock();
    (void)apply_primary(cube, rule.primary);
    const ProtectionReport report = protect(cube, rule);
    const double protect_s = seconds_since(start);
    const double protect_cpu = cpu_seconds_since(cpu);
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
    cpu = std::clock();
    settings.threads = options.threads;
    const AttackResult attacked = options.protect_only ? AttackResult{} : attack(cube, 0, primary, settings);
    const double attack_s = seconds_since(start);
    const double attack_cpu = cpu_seconds_since(cpu);
    std::printf("table:");
    for (std::size_t d = 0; d < cube.rank(); ++d) {
        std::printf("%s %s (%zu codes)", d == 0 ? "" : " x", cube.dimension(d).name().c_str(), cube.dimension(d).size() - 1);
    }
    std::printf(", every margin%s\n", options.flows_csv.empty() ? " (generated)" : " (real flows)");
    std::printf("cells %lld (non-zero leaves %lld, persons %lld)  built in %.2f s\n",
        static_cast<long long>(report.cells), static_cast<long long>(leaves), static_cast<long long>(persons), generate_s);
    std::printf("protect: primary %lld, secondary %lld (hidden leaves %lld, zeros included; %lld non-zero leaves), persons in hidden leaves %lld (%.1f%%; "
                "in all hidden cells, margins included, %lld), local moves %lld, fallbacks %lld: %.2f s wall, %.2f s CPU\n",
        static_cast<long long>(report.primary), static_cast<long long>(report.secondary),
        static_cast<long long>(hidden_leaves), static_cast<long long>(leaves), static_cast<long long>(leaf_persons_hidden),
        100.0 * static_cast<double>(leaf_persons_hidden) / static_cast<double>(persons), static_cast<long long>(report.persons_hidden),
        static_cast<long long>(report.local_moves), static_cast<long long>(report.fallbacks), protect_s, protect_cpu);
    std::printf("attack (the audit's LP): %zu hidden, %zu components (largest %zu), %zu LP solves, %zu exposed: %.2f s wall, %.2f s CPU\n",
        attacked.hidden, attacked.components, attacked.largest_component, attacked.lp_solves, attacked.exposed.size(), attack_s, attack_cpu);
    std::printf("RESULT cells=%lld primary=%lld secondary=%lld leaf_persons_hidden=%lld protect_s=%.3f protect_cpu=%.3f attack_s=%.3f attack_cpu=%.3f exposed=%zu\n",
        static_cast<long long>(report.cells), static_cast<long long>(report.primary), static_cast<long long>(report.secondary),
        static_cast<long long>(leaf_persons_hidden), protect_s, protect_cpu, attack_s, attack_cpu,
        attacked.exposed.size());
    if (!options.out.empty()) {
        write_export(cube, options.out, rule.primary.threshold);
    }
    return attacked.exposed.empty() ? 0 : 1;
}
