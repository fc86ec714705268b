#include "disclose/pattern_cache.hpp"

#include "common/error.hpp"
#include "common/output_file.hpp"
#include "common/sha256.hpp"
#include "common/version.hpp"
#include "disclose/primary_rule.hpp"
#include "disclose/protector_digest.hpp"

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <type_traits>
#include <unordered_set>

namespace migratlas::disclose {

namespace {

/// First bytes of an entry; the digit is the file format (not the protector's version, which is in the key).
constexpr std::string_view entry_magic = "migratlas-pattern 1\n";
constexpr std::size_t key_chars = 64;
constexpr std::size_t digest_bytes = 32;

template <typename T>
void add_value(Sha256& hash, T value)
{
    static_assert(std::is_trivially_copyable_v<T>);
    hash.add(&value, sizeof value);
}

void add_text(Sha256& hash, std::string_view text)
{
    add_value(hash, static_cast<std::uint64_t>(text.size()));
    hash.add(text);
}

template <typename T>
void append(std::string& bytes, T value)
{
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* raw = reinterpret_cast<const char*>(&value);
    bytes.append(raw, sizeof value);
}

/// Reads an entry's fields in order; any read past the end makes it fail (and stay failed).
class EntryReader {
public:
    explicit EntryReader(std::string_view bytes) : m_bytes(bytes) {}

    template <typename T>
    T next()
    {
        T value{};
        if (m_ok && m_bytes.size() - m_at >= sizeof value) {
            std::memcpy(&value, m_bytes.data() + m_at, sizeof value);
            m_at += sizeof value;
        } else {
            m_ok = false;
        }
        return value;
    }
    std::string_view text(std::size_t size)
    {
        if (!m_ok || m_bytes.size() - m_at < size) {
            m_ok = false;
            return {};
        }
        const std::string_view part = m_bytes.substr(m_at, size);
        m_at += size;
        return part;
    }
    [[nodiscard]] bool ok() const { return m_ok; }
    [[nodiscard]] bool at_end() const { return m_at == m_bytes.size(); }

private:
    std::string_view m_bytes;
    std::size_t m_at = 0;
    bool m_ok = true;
};

bool valid_status(std::uint8_t value)
{
    return value <= static_cast<std::uint8_t>(CellStatus::derived_hidden);
}

bool is_primary_status(CellStatus status)
{
    return status == CellStatus::primary || status == CellStatus::primary_dominance;
}

std::string checksum(std::string_view bytes)
{
    Sha256 hash;
    hash.add(bytes);
    const auto digest = hash.finish();
    return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

std::string encode(const std::string& key, const StoredPattern& pattern)
{
    std::string bytes(entry_magic);
    bytes += key;
    append(bytes, static_cast<std::uint64_t>(pattern.status.size()));
    append(bytes, static_cast<std::uint64_t>(pattern.added.size()));
    for (const std::int64_t count : {pattern.report.cells, pattern.report.primary, pattern.report.secondary,
             pattern.report.persons_hidden, pattern.report.local_moves, pattern.report.fallbacks}) {
        append(bytes, count);
    }
    append(bytes, pattern.seconds);
    for (const CellStatus status : pattern.status) {
        append(bytes, static_cast<std::uint8_t>(status));
    }
    for (const CellKey added : pattern.added) {
        append(bytes, added);
    }
    bytes += checksum(bytes);
    return bytes;
}

/// The pattern in `bytes`, or why it cannot be used.
std::optional<StoredPattern> decode(std::string_view bytes, const std::string& key, std::string& problem)
{
    if (bytes.size() < entry_magic.size() + key_chars + digest_bytes) {
        problem = "shorter than any entry";
        return std::nullopt;
    }
    const std::string_view body = bytes.substr(0, bytes.size() - digest_bytes);
    if (checksum(body) != bytes.substr(body.size())) {
        problem = "checksum mismatch (damaged or cut short)";
        return std::nullopt;
    }
    EntryReader reader(body);
    if (reader.text(entry_magic.size()) != entry_magic) {
        problem = "not an entry of this format";
        return std::nullopt;
    }
    if (reader.text(key_chars) != key) {
        problem = "stored under another key";
        return std::nullopt;
    }
    StoredPattern pattern;
    const auto cells = reader.next<std::uint64_t>();
    const auto added = reader.next<std::uint64_t>();
    for (std::int64_t* count : {&pattern.report.cells, &pattern.report.primary, &pattern.report.secondary,
             &pattern.report.persons_hidden, &pattern.report.local_moves, &pattern.report.fallbacks}) {
        *count = reader.next<std::int64_t>();
    }
    pattern.seconds = reader.next<double>();
    // Sizes from the file bound no allocation until the body is known to hold them.
    if (!reader.ok() || added > cells || cells > body.size() || added > (body.size() - cells) / sizeof(CellKey)) {
        problem = "cell counts do not fit the entry";
        return std::nullopt;
    }
    pattern.status.reserve(cells);
    for (std::uint64_t i = 0; i < cells; ++i) {
        const auto status = reader.next<std::uint8_t>();
        if (!valid_status(status)) {
            problem = "unknown cell status " + std::to_string(status);
            return std::nullopt;
        }
        pattern.status.push_back(static_cast<CellStatus>(status));
    }
    pattern.added.reserve(added);
    for (std::uint64_t i = 0; i < added; ++i) {
        pattern.added.push_back(reader.next<CellKey>());
    }
    if (!reader.ok() || !reader.at_end()) {
        problem = "cell counts do not fit the entry";
        return std::nullopt;
    }
    return pattern;
}

} // namespace

std::string current_protector()
{
    return "protector " + std::to_string(protector_version) + ", migratlas " + version_string + ", sources " +
        protector_source_digest;
}

// Every field of the rules but the thread count shapes a pattern and is in the key: a field added
// to them must be added below too (these sizes are the x86-64 layout of today's fields).
static_assert(sizeof(PrimaryRule) == 16, "a new PrimaryRule field: add it to pattern_key");
static_assert(sizeof(ProtectionRule) == 32, "a new ProtectionRule field: add it to pattern_key");

std::string pattern_key(const Cube& cube, const ProtectionRule& rule, std::string_view protector)
{
    Sha256 hash;
    add_text(hash, "migratlas protected pattern");
    add_text(hash, protector);
    add_value(hash, rule.primary.threshold);
    add_value(hash, rule.primary.suppress_zeros);
    add_value(hash, rule.protection_level);
    add_value(hash, static_cast<int>(rule.cost));
    add_value(hash, static_cast<std::uint64_t>(cube.rank()));
    for (const Dimension& dimension : cube.dimensions()) {
        add_text(hash, dimension.name());
        add_value(hash, static_cast<std::uint64_t>(dimension.size()));
        for (NodeId node = 0; node < dimension.size(); ++node) {
            add_text(hash, dimension.code(node));
            add_value(hash, dimension.parent(node));
        }
    }
    add_value(hash, static_cast<std::uint64_t>(cube.measures().size()));
    for (const std::string& measure : cube.measures()) {
        add_text(hash, measure);
    }
    add_value(hash, static_cast<std::uint64_t>(cube.views().size()));
    for (const std::uint32_t view : cube.views()) {
        add_value(hash, view);
    }
    add_value(hash, cube.separate());
    add_value(hash, static_cast<std::uint64_t>(cube.size()));
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        add_value(hash, cube.key(cell));
        add_value(hash, static_cast<std::uint8_t>(cube.status(cell)));
        for (std::size_t m = 0; m < cube.measures().size(); ++m) {
            add_value(hash, cube.value(cell, m));
        }
    }
    return hash.finish_hex();
}

StoredPattern pattern_of(const Cube& cube, std::size_t cells_before, const ProtectionReport& report, double seconds)
{
    StoredPattern pattern;
    pattern.report = report;
    pattern.seconds = seconds;
    pattern.status.reserve(cube.size());
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        pattern.status.push_back(cube.status(cell));
        if (cell >= cells_before) {
            pattern.added.push_back(cube.key(cell));
        }
    }
    return pattern;
}

bool apply_pattern(const StoredPattern& pattern, Cube& cube)
{
    if (pattern.status.size() != cube.size() + pattern.added.size()) {
        return false;
    }
    std::unordered_set<CellKey> added;
    for (const CellKey key : pattern.added) {
        if (cube.find(key) != nullptr || !added.insert(key).second) {
            return false;
        }
    }
    // The primaries follow from the values and the threshold, which the key holds; a pattern that
    // disagrees with them is not the one stored for this table, whatever its key says.
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        if (is_primary_status(cube.status(cell)) != is_primary_status(pattern.status[cell])) {
            return false;
        }
    }
    for (const CellKey key : pattern.added) {
        (void)cube.find_or_add(key);
    }
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        cube.set_status(cell, pattern.status[cell]);
    }
    return true;
}

std::filesystem::path PatternCache::beside(const std::filesystem::path& workspace)
{
    std::filesystem::path directory = workspace;
    directory += ".disclosure-cache";
    return directory;
}

std::filesystem::path PatternCache::entry_path(const std::string& key) const
{
    return m_directory / (key + ".pattern");
}

std::optional<StoredPattern> PatternCache::load(const std::string& key, Diagnostics& diagnostics) const
{
    const std::filesystem::path path = entry_path(key);
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return std::nullopt;  // no entry yet (or an unreadable location): compute
    }
    const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (file.bad()) {
        diagnostics.warn("pattern_cache_ignored", {}, path.string() + ": read error; the pattern is computed again");
        return std::nullopt;
    }
    std::string problem;
    std::optional<StoredPattern> pattern = decode(bytes, key, problem);
    if (!pattern) {
        diagnostics.warn("pattern_cache_ignored", {}, path.string() + ": " + problem + "; the pattern is computed again");
    }
    return pattern;
}

void PatternCache::store(const std::string& key, const StoredPattern& pattern, Diagnostics& diagnostics) const
{
    // The cache only saves time: a location we cannot write (read-only media, no permission, disk
    // full) costs the next process the protection again, so it is reported and the run goes on.
    try {
        std::filesystem::create_directories(m_directory);
        write_file_atomically(entry_path(key), encode(key, pattern));
    } catch (const std::filesystem::filesystem_error& e) {
        diagnostics.warn("pattern_cache_unwritable", {}, m_directory.string() + ": cannot store the protected pattern (" +
            e.code().message() + "); later runs protect again");
    } catch (const Error& e) {
        diagnostics.warn("pattern_cache_unwritable", {}, std::string(e.what()) + "; later runs protect again");
    }
}

} // namespace migratlas::disclose
