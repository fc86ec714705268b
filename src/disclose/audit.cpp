#include "disclose/audit.hpp"

#include "common/error.hpp"
#include "common/parse.hpp"
#include "disclose/attack.hpp"
#include "disclose/byte_scan.hpp"
#include "disclose/cube.hpp"
#include "disclose/published_files.hpp"

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace migratlas::disclose {

namespace {

using Json = nlohmann::json;

constexpr std::size_t messages_per_kind = 200;
constexpr std::string_view separate_total_alias = "_T.";

/// Every finding is an error in the run's diagnostics (listed by the CLI even with --quiet) and,
/// up to a cap per kind, an entry of the outcome.
class Findings {
public:
    Findings(AuditOutcome& outcome, Diagnostics& diagnostics) : m_outcome(outcome), m_diagnostics(diagnostics) {}
    void add(const std::string& kind, const std::string& where, const std::string& message)
    {
        ++m_outcome.findings_total;
        m_diagnostics.error(kind, SourcePos{where, 0, 0}, message);
        if (m_per_kind[kind]++ < messages_per_kind) {
            m_outcome.findings.push_back(AuditFinding{kind, where, message});
        }
    }

private:
    AuditOutcome& m_outcome;
    Diagnostics& m_diagnostics;
    std::map<std::string, std::size_t> m_per_kind;
};

std::int64_t declared_threshold(const PublishedTable& table)
{
    const Json& block = table.resource.value("migratlas", Json::object());
    const Json disclosure = block.value("disclosure", Json::object());
    return disclosure.value("threshold", std::int64_t{0});
}

std::int64_t declared_protection(const PublishedTable& table)
{
    const Json& block = table.resource.value("migratlas", Json::object());
    const Json disclosure = block.value("disclosure", Json::object());
    return disclosure.value("protection_level", std::int64_t{0});
}

/// Columns of `table` (as read, SDMX-CSV already unpivoted) with a Table Schema role; for SDMX-CSV,
/// whose schema describes the observation columns, the mapping and the structure say the same.
std::vector<std::size_t> columns_with_role(const PublishedTable& table, const std::string& role)
{
    std::set<std::string> names;
    const Json schema = table.resource.value("schema", Json::object());
    for (const Json& field : schema.value("fields", Json::array())) {
        if (field.value("role", "") == role) {
            names.insert(field.value("name", ""));
        }
    }
    const Json block = table.resource.value("migratlas", Json::object());
    if (role == "key" && block.contains("sdmx")) {
        for (const Json& dimension : block["sdmx"]["dimensions"]) {
            names.insert(dimension["column"].get<std::string>());
        }
    }
    if (role == "count" && block.contains("structure")) {
        for (const Json& count : block["structure"]["counts"]) {
            names.insert(count["column"].get<std::string>());
        }
    }
    std::vector<std::size_t> columns;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        if (names.count(table.columns[i]) > 0) {
            columns.push_back(i);
        }
    }
    return columns;
}

/// Every published value of a count column must be 0 or at least the threshold.
void check_threshold(const PublishedTable& table, const AuditRequest& request, Findings& findings, AuditOutcome& outcome)
{
    const std::int64_t declared = declared_threshold(table);
    const std::int64_t threshold = request.threshold ? *request.threshold : (declared > 0 ? declared : 10);
    const std::vector<std::size_t> keys = columns_with_role(table, "key");
    for (const std::size_t count_column : columns_with_role(table, "count")) {
        if (table.counts_checked) {  // checked where they were read (each tile), the finding names the tile
            for (const auto& row : table.rows) {
                outcome.published_counts += row[count_column] ? 1 : 0;
            }
            continue;
        }
        const std::optional<std::size_t> column = count_column;
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            const auto& value = table.rows[r][*column];
            if (!value) {
                continue;
            }
            ++outcome.published_counts;
            const auto count = parse_int(*value);
            if (count && *count > 0 && *count < threshold) {
                std::string cell;
                for (const std::size_t i : keys) {
                    cell += (cell.empty() ? "" : ", ") + table.columns[i] + "=" + table.rows[r][i].value_or("");
                }
                findings.add("below_threshold", table.where,
                    "row " + std::to_string(r + 1) + " (" + cell + "): " + table.columns[*column] + " = " + *value +
                        " is published but below the threshold " + std::to_string(threshold));
            }
        }
    }
}

/// One protected family as the published files describe it.
struct FamilyInput {
    std::vector<std::string> keys;
    std::vector<std::string> totals;
    std::set<std::string> separate;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> hierarchies;  ///< key -> (code, parent)
    bool complete = false;
    std::int64_t protection = 0;
    struct Use {
        const PublishedTable* table;
        Json count;
    };
    std::map<std::string, std::vector<Use>> uses;  ///< family count -> tables holding its cells
};

std::map<std::string, FamilyInput> families_of(const PublishedSet& set, const AuditRequest& request)
{
    std::map<std::string, FamilyInput> families;
    for (const PublishedTable& table : set.tables) {
        const Json block = table.resource.value("migratlas", Json::object());
        if (!block.contains("structure")) {
            continue;
        }
        const Json& structure = block["structure"];
        FamilyInput& family = families[structure["family"].get<std::string>()];
        family.keys = structure["family_keys"].get<std::vector<std::string>>();
        family.totals = structure["total_codes"].get<std::vector<std::string>>();
        for (const Json& key : structure["separate"]) {
            family.separate.insert(key.get<std::string>());
        }
        for (const Json& hierarchy : structure.value("hierarchies", Json::array())) {
            auto& codes = family.hierarchies[hierarchy["key"].get<std::string>()];
            if (codes.empty()) {
                for (const Json& code : hierarchy["codes"]) {
                    codes.emplace_back(code[0].get<std::string>(), code[1].get<std::string>());
                }
            }
        }
        family.complete = family.complete || structure.value("complete", false);
        const std::int64_t protection = request.threshold ? *request.threshold : declared_protection(table);
        family.protection = std::max(family.protection, protection);
        for (const Json& count : structure["counts"]) {
            family.uses[count["family_count"].get<std::string>()].push_back(FamilyInput::Use{&table, count});
        }
    }
    return families;
}

/// The family code of key `k` in `row` of a table, through the count's coordinates.
std::string coordinate(const FamilyInput& family, std::size_t k, const FamilyInput::Use& use,
    const std::vector<std::optional<std::string>>& row)
{
    const Json& coordinates = use.count["coordinates"];
    const std::string& key = family.keys[k];
    if (!coordinates.contains(key)) {
        return family.totals[k];
    }
    const std::string source = coordinates[key].get<std::string>();
    if (source.size() >= 2 && source.front() == '\'' && source.back() == '\'') {
        return source.substr(1, source.size() - 2);
    }
    const auto column = use.table->column(source);
    if (!column) {
        throw InputError(use.table->where + ": no column '" + source + "' although its datapackage.json maps " + key + " to it");
    }
    return row[*column].value_or(std::string(unknown_code));
}

/// The family codes of key `k` a row's count sums: its code, or the codes an expansion gives it.
std::vector<std::string> coordinate_options(const FamilyInput& family, std::size_t k, const FamilyInput::Use& use,
    const std::vector<std::optional<std::string>>& row)
{
    std::string code = coordinate(family, k, use, row);
    if (const auto expansions = use.count.find("expansions"); expansions != use.count.end()) {
        if (const auto key = expansions->find(family.keys[k]); key != expansions->end()) {
            if (const auto codes = key->find(code); codes != key->end()) {
                return codes->get<std::vector<std::string>>();
            }
        }
    }
    return {std::move(code)};
}

bool has_expansions(const FamilyInput::Use& use)
{
    const auto expansions = use.count.find("expansions");
    return expansions != use.count.end() && !expansions->empty();
}

std::vector<Dimension> family_dimensions(const FamilyInput& family, const std::string& count)
{
    std::vector<Dimension> dimensions;
    for (std::size_t k = 0; k < family.keys.size(); ++k) {
        const std::string& key = family.keys[k];
        Dimension dimension(key);
        const bool separate = family.separate.count(key) > 0;
        if (const auto it = family.hierarchies.find(key); it != family.hierarchies.end() && !separate) {
            for (const auto& [code, parent] : it->second) {
                dimension.add(code, parent == family.totals[k] ? std::string(total_code) : parent);
            }
        }
        std::set<std::string> codes;
        for (const FamilyInput::Use& use : family.uses.at(count)) {
            for (const auto& row : use.table->rows) {
                for (std::string& code : coordinate_options(family, k, use, row)) {
                    codes.insert(std::move(code));
                }
            }
        }
        for (const std::string& code : codes) {
            if (separate) {
                dimension.add(code == total_code ? std::string(separate_total_alias) : code);
            } else if (code != family.totals[k] && !dimension.find(code)) {
                dimension.add(code);
            }
        }
        dimensions.push_back(std::move(dimension));
    }
    return dimensions;
}

struct FamilyCube {
    Cube cube;
    std::vector<bool> primary;
};

std::string cell_text(const Cube& cube, const FamilyInput& family, CellKey key)
{
    std::string text;
    for (std::size_t k = 0; k < family.keys.size(); ++k) {
        const NodeId node = cube.coord(key, k);
        std::string code = node == Dimension::root() ? family.totals[k] : cube.dimension(k).code(node);
        if (code == separate_total_alias) {
            code = std::string(total_code);
        }
        text += (k == 0 ? "" : ", ") + family.keys[k] + "=" + code;
    }
    return text;
}

/// The node of a family code in dimension k of the audit's cube.
NodeId node_of(const Cube& cube, const FamilyInput& family, std::size_t k, const std::string& code)
{
    if (family.separate.count(family.keys[k]) > 0) {
        return *cube.dimension(k).find(code == total_code ? std::string(separate_total_alias) : code);
    }
    return code == family.totals[k] ? Dimension::root() : *cube.dimension(k).find(code);
}

/// One published value of a family count: where it was read, its status and value.
struct PublishedValue {
    const FamilyInput::Use* use;
    std::size_t row;
    CellStatus status;
    std::int64_t value;
};

PublishedValue read_value(const FamilyInput::Use& use, std::size_t r)
{
    const auto value_column = use.table->column(use.count["column"].get<std::string>());
    const auto status_column = use.table->column(use.count["status_column"].get<std::string>());
    if (!value_column) {
        throw InputError(use.table->where + ": no column '" + use.count["column"].get<std::string>() + "'");
    }
    const auto& row = use.table->rows[r];
    PublishedValue read{&use, r, CellStatus::published, 0};
    if (status_column && row[*status_column] && !parse_cell_status(*row[*status_column], read.status)) {
        throw InputError(use.table->where + ": row " + std::to_string(r + 1) + " has the unknown status '" +
            *row[*status_column] + "'");
    }
    if (read.status == CellStatus::published && row[*value_column]) {
        const auto parsed = parse_int(*row[*value_column]);
        if (!parsed) {
            throw InputError(use.table->where + ": row " + std::to_string(r + 1) + ": count '" + *row[*value_column] +
                "' is not an integer");
        }
        read.value = *parsed;
    }
    return read;
}

class CubeBuilder {
public:
    CubeBuilder(const FamilyInput& family, const std::string& count, const std::string& family_name, Findings& findings)
        : m_family(family), m_count(count), m_name(family_name), m_findings(findings),
          m_result{Cube(family_dimensions(family, count), {count}), {}}
    {
        std::uint32_t separate = 0;
        for (std::size_t k = 0; k < family.keys.size(); ++k) {
            if (family.separate.count(family.keys[k]) > 0) {
                separate |= 1U << k;
            }
        }
        m_result.cube.set_separate(separate);
    }

    FamilyCube build()
    {
        // Counts that are one cell first: a count that sums several codes is checked against the
        // cells the other tables state.
        for (const bool expanded : {false, true}) {
            for (const FamilyInput::Use& use : m_family.uses.at(m_count)) {
                if (has_expansions(use) != expanded) {
                    continue;
                }
                for (std::size_t r = 0; r < use.table->rows.size(); ++r) {
                    expanded ? place_sum(read_value(use, r)) : place(coords_of(use, r), read_value(use, r));
                }
            }
        }
        m_result.primary.resize(m_result.cube.size(), false);
        return std::move(m_result);
    }

private:
    std::vector<NodeId> coords_of(const FamilyInput::Use& use, std::size_t r) const
    {
        std::vector<NodeId> coords(m_family.keys.size());
        for (std::size_t k = 0; k < coords.size(); ++k) {
            coords[k] = node_of(m_result.cube, m_family, k, coordinate(m_family, k, use, use.table->rows[r]));
        }
        return coords;
    }

    void place(const std::vector<NodeId>& coords, const PublishedValue& read)
    {
        Cube& cube = m_result.cube;
        const CellKey key = cube.key_of(coords);
        const std::string& where = read.use->table->where;
        if (const CellId* existing = cube.find(key)) {
            const bool was_hidden = cube.hidden(*existing);
            const bool hidden = read.status != CellStatus::published;
            if (was_hidden != hidden) {
                m_findings.add("published_elsewhere", where, m_name + " " + m_count + " cell " +
                    cell_text(cube, m_family, key) + " is hidden in one published table and shown in another (here " +
                        (hidden ? "hidden" : "published: " + std::to_string(read.value)) + ")");
                if (!hidden) {
                    const std::int64_t values[] = {read.value};
                    (void)cube.add_cell(coords, values, CellStatus::published);
                }
            } else if (!hidden && cube.value(*existing, 0) != read.value) {
                m_findings.add("inconsistent", where, m_name + " " + m_count + " cell " + cell_text(cube, m_family, key) +
                    " is " + std::to_string(read.value) + " here and " + std::to_string(cube.value(*existing, 0)) + " elsewhere");
            }
            return;
        }
        const std::int64_t values[] = {read.value};
        const CellId cell = cube.add_cell(coords, values, read.status);
        if (m_result.primary.size() <= cell) {
            m_result.primary.resize(cell + 1, false);
        }
        m_result.primary[cell] = read.status == CellStatus::primary || read.status == CellStatus::primary_dominance;
    }

    /// A count that sums the cells of several codes (an expansion): one present cell is that cell;
    /// several are a published sum, which must not be the sum of a hidden cell and others.
    void place_sum(const PublishedValue& read)
    {
        Cube& cube = m_result.cube;
        const std::vector<std::vector<NodeId>> candidates = candidate_coords(*read.use, read.row);
        std::vector<const std::vector<NodeId>*> present;
        for (const std::vector<NodeId>& coords : candidates) {
            if (cube.find(cube.key_of(coords)) != nullptr) {
                present.push_back(&coords);
            }
        }
        if (present.size() <= 1) {
            // Without the family's own table (no cell present) the first code stands for the sum.
            place(present.empty() ? candidates.front() : *present.front(), read);
            return;
        }
        if (read.status != CellStatus::published) {
            return;
        }
        std::int64_t sum = 0;
        std::string hidden;
        for (const std::vector<NodeId>* coords : present) {
            const CellId cell = *cube.find(cube.key_of(*coords));
            sum += cube.hidden(cell) ? 0 : cube.value(cell, 0);
            if (cube.hidden(cell)) {
                hidden += (hidden.empty() ? "" : "; ") + cell_text(cube, m_family, cube.key(cell));
            }
        }
        const std::string where = read.use->table->where + " row " + std::to_string(read.row + 1);
        if (!hidden.empty()) {
            m_findings.add("published_sum", where, m_name + " " + m_count + " = " + std::to_string(read.value) +
                " is published as a sum of cells of which some are hidden (" + hidden + ")");
        } else if (sum != read.value) {
            m_findings.add("inconsistent", where, m_name + " " + m_count + " = " + std::to_string(read.value) +
                " is published as a sum of published cells that add up to " + std::to_string(sum));
        }
    }

    std::vector<std::vector<NodeId>> candidate_coords(const FamilyInput::Use& use, std::size_t r) const
    {
        std::vector<std::vector<NodeId>> cells{{}};
        for (std::size_t k = 0; k < m_family.keys.size(); ++k) {
            std::vector<std::vector<NodeId>> grown;
            for (const std::string& code : coordinate_options(m_family, k, use, use.table->rows[r])) {
                const NodeId node = node_of(m_result.cube, m_family, k, code);
                for (const std::vector<NodeId>& partial : cells) {
                    grown.push_back(partial);
                    grown.back().push_back(node);
                }
            }
            cells = std::move(grown);
        }
        return cells;
    }

    const FamilyInput& m_family;
    const std::string& m_count;
    const std::string& m_name;
    Findings& m_findings;
    FamilyCube m_result;
};

FamilyCube build_cube(const FamilyInput& family, const std::string& count, const std::string& family_name, Findings& findings)
{
    return CubeBuilder(family, count, family_name, findings).build();
}

void attack_family(const std::string& name, const FamilyInput& family, const AuditRequest& request, Findings& findings,
    AuditOutcome& outcome, Progress& progress)
{
    for (const auto& [count, uses] : family.uses) {
        FamilyCube built = build_cube(family, count, name, findings);
        const Cube& cube = built.cube;
        for (CellId cell = 0; cell < cube.size(); ++cell) {
            outcome.hidden_counts += cube.hidden(cell) ? 1 : 0;
        }
        if (!family.complete) {
            continue;  // no published table states the sums: nothing to solve
        }
        progress.start("attacking " + name + " " + count);
        AttackSettings settings;
        settings.protection_level = family.protection > 0 ? family.protection : 10;
        settings.exact = request.exact;
        const AttackResult result = attack(cube, 0, built.primary, settings);
        progress.finish();
        outcome.lp_solves += result.lp_solves;
        for (const std::string& inconsistency : result.inconsistencies) {
            findings.add("inconsistent", name, count + ": " + inconsistency);
        }
        for (const CellInterval& interval : result.intervals) {
            const CellKey key = cube.key(interval.cell);
            outcome.cells.push_back(AuditedCell{name, count, cell_text(cube, family, key),
                std::string(to_string(cube.status(interval.cell))), interval.low, interval.high, interval.exact});
        }
        for (const CellInterval& interval : result.exposed) {
            const CellKey key = cube.key(interval.cell);
            findings.add("narrowed", name,
                count + " at " + cell_text(cube, family, key) + " is hidden (" + std::string(to_string(cube.status(interval.cell))) +
                    ") but the published cells and their sums narrow it to [" + std::to_string(static_cast<long long>(interval.low)) +
                    ", " + std::to_string(static_cast<long long>(interval.high)) + "], narrower than the protection level " +
                    std::to_string(settings.protection_level));
        }
    }
}

/// The raw identifiers and key forms to search for; nullopt when the request names neither.
std::optional<ByteScanner> make_scanner(const AuditRequest& request)
{
    if (request.raw_ids.empty() && request.key_file.empty()) {
        return std::nullopt;
    }
    const std::vector<std::string> ids = request.raw_ids.empty() ? std::vector<std::string>{} : read_raw_ids(request.raw_ids);
    const std::vector<std::string> forms = request.key_file.empty() ? std::vector<std::string>{} : key_forms(request.key_file);
    return ByteScanner(ids, forms);
}

void report_hits(const std::string& where, const std::vector<ByteHit>& hits, Findings& findings)
{
    for (const ByteHit& hit : hits) {
        const bool key = hit.key;
        findings.add(key ? "key" : "raw_id", where,
            (key ? "the pseudonymisation " + hit.what : "raw identifier '" + hit.what + "'") + " at byte " +
                std::to_string(hit.offset));
    }
}

void scan_bytes(const PublishedSet& set, const ByteScanner& scanner, Findings& findings, AuditOutcome& outcome)
{
    std::set<std::filesystem::path> seen;
    for (const auto& file : set.files) {
        if (!seen.insert(std::filesystem::weakly_canonical(file)).second) {
            continue;
        }
        std::ifstream in(file, std::ios::binary);
        const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        report_hits(file.string(), scanner.scan(bytes), findings);
        ++outcome.files;
    }
    for (const std::string& text : set.database_text) {
        report_hits("database", scanner.scan(text), findings);
    }
}

} // namespace

AuditOutcome run_audit(const AuditRequest& request, Diagnostics& diagnostics, Progress& progress)
{
    const auto started = std::chrono::steady_clock::now();
    if (request.paths.empty()) {
        throw SettingError("paths", "name at least one export folder, file or PG: connection to audit");
    }
    if (request.threshold && (*request.threshold < 1 || *request.threshold > 1'000'000)) {
        throw SettingError("threshold", "must be a number of persons between 1 and 1000000, got " +
            std::to_string(*request.threshold));
    }
    AuditOutcome outcome;
    Findings findings(outcome, diagnostics);
    const std::optional<ByteScanner> scanner = make_scanner(request);
    TileChecks checks;
    checks.threshold = request.threshold;
    std::set<std::string> reported_in_tiles;
    if (scanner) {
        // Decoded tile attributes are scanned as they are read: the stored tiles are compressed.
        checks.scan = [&](const std::string& file, const std::string& part, std::string_view text) {
            for (const ByteHit& hit : scanner->scan(text)) {
                if (reported_in_tiles.insert(file + '\n' + hit.what).second) {  // once per tileset: tiles repeat a feature
                    report_hits(file + " " + part, {hit}, findings);
                }
            }
        };
    }
    const PublishedSet set = read_published(request.paths, checks);
    outcome.tables = set.tables.size();
    outcome.tilesets = set.tilesets;
    outcome.tiles = set.tiles;
    outcome.notes = set.notes;
    for (const ReadFinding& finding : set.findings) {
        findings.add(finding.kind, finding.where, finding.message);
    }
    for (const PublishedTable& table : set.tables) {
        check_threshold(table, request, findings, outcome);
    }
    const std::map<std::string, FamilyInput> families = families_of(set, request);
    outcome.families = families.size();
    for (const auto& [name, family] : families) {
        attack_family(name, family, request, findings, outcome, progress);
    }
    if (scanner) {
        scan_bytes(set, *scanner, findings, outcome);
    }
    if (outcome.files == 0) {
        outcome.files = set.files.size();
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return outcome;
}

} // namespace migratlas::disclose
