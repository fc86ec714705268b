#include "survey/survey_data.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/parse.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

namespace migratlas::survey {

namespace {

std::size_t hash_text(std::string_view text) noexcept
{
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (const char c : text) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return static_cast<std::size_t>(h ^ (h >> 29));
}

/// Encodes one categorical column while reading. The last code is cached because survey files
/// are sorted by household, so consecutive rows mostly repeat a value. Otherwise an open-addressing
/// table of codes (levels are few and short) replaces a node-based map, whose string hashing and
/// pointer chasing cost more than the rest of the row.
class LevelEncoder {
public:
    explicit LevelEncoder(CategoricalColumn& column) : m_column(column), m_slots(16, empty_slot) {}

    std::uint32_t encode(std::string_view value, std::uint64_t line)
    {
        if (m_last != empty_slot && m_column.levels[m_last] == value) {
            return m_last;
        }
        const std::size_t mask = m_slots.size() - 1;
        std::size_t slot = hash_text(value) & mask;
        while (m_slots[slot] != empty_slot) {
            if (m_column.levels[m_slots[slot]] == value) {
                m_last = m_slots[slot];
                return m_last;
            }
            slot = (slot + 1) & mask;
        }
        const auto code = static_cast<std::uint32_t>(m_column.levels.size());
        m_column.levels.emplace_back(value);
        m_column.level_first_line.push_back(line);
        m_slots[slot] = code;
        if (m_column.levels.size() * 2 > m_slots.size()) {
            rehash(m_slots.size() * 4);
        }
        m_last = code;
        return m_last;
    }

private:
    static constexpr std::uint32_t empty_slot = UINT32_MAX;

    void rehash(std::size_t slot_count)
    {
        m_slots.assign(slot_count, empty_slot);
        const std::size_t mask = slot_count - 1;
        for (std::uint32_t code = 0; code < m_column.levels.size(); ++code) {
            std::size_t slot = hash_text(m_column.levels[code]) & mask;
            while (m_slots[slot] != empty_slot) {
                slot = (slot + 1) & mask;
            }
            m_slots[slot] = code;
        }
    }

    CategoricalColumn& m_column;
    std::vector<std::uint32_t> m_slots;  ///< code per slot, empty_slot when free; size a power of two
    std::uint32_t m_last = empty_slot;
};

/// The accepted row of every person id read so far, so that a repeated id is rejected with the
/// line of its first occurrence. While ids arrive in increasing order (shorter first, then byte
/// order: 1, 2, ..., 10 as well as P0001, P0002), none can repeat an earlier one and nothing is
/// hashed: survey files are usually written that way, and hashing 1 M ids into a table that does
/// not fit in cache cost a quarter of the read. The first id out of order builds the table from
/// the ids so far. Slots hold (hash, row) pairs; the ids stay in the IdColumn.
class IdIndex {
public:
    explicit IdIndex(const IdColumn& ids) : m_ids(ids) {}

    /// Sizes the table for `ids` ids, so that a large file is not rehashed on the way.
    void reserve(std::size_t ids)
    {
        m_expected = ids;
        if (!m_slots.empty()) {
            grow_to(2 * ids);
        }
    }

    /// The row of an earlier `id`, or nullopt after recording `row` (the next accepted row) for it.
    std::optional<std::size_t> find_or_add(std::string_view id, std::size_t row)
    {
        if (m_slots.empty() && (row == 0 || follows(m_ids[row - 1], id))) {
            return std::nullopt;
        }
        if (row >= empty_row) {
            throw DataError("more than " + std::to_string(empty_row) + " survey rows");
        }
        if (m_slots.empty()) {
            start_hashing(row);
        }
        const auto hash = static_cast<std::uint32_t>(hash_text(id));
        std::size_t slot = hash & (m_slots.size() - 1);
        while (m_slots[slot].row != empty_row) {
            if (m_slots[slot].hash == hash && m_ids[m_slots[slot].row] == id) {
                return m_slots[slot].row;
            }
            slot = (slot + 1) & (m_slots.size() - 1);
        }
        m_slots[slot] = Slot{hash, static_cast<std::uint32_t>(row)};
        if (++m_count * 2 > m_slots.size()) {
            grow_to(m_slots.size() * 2);
        }
        return std::nullopt;
    }

private:
    static constexpr std::uint32_t empty_row = UINT32_MAX;
    struct Slot {
        std::uint32_t hash = 0;
        std::uint32_t row = empty_row;
    };

    static bool follows(std::string_view previous, std::string_view id)
    {
        return id.size() > previous.size() || (id.size() == previous.size() && id > previous);
    }

    /// The ids of rows [0, rows) are distinct: they arrived in increasing order.
    void start_hashing(std::size_t rows)
    {
        grow_to(2 * std::max(rows, m_expected));
        for (std::size_t k = 0; k < rows; ++k) {
            place(Slot{static_cast<std::uint32_t>(hash_text(m_ids[k])), static_cast<std::uint32_t>(k)});
        }
        m_count = rows;
    }

    void place(const Slot& entry)
    {
        std::size_t slot = entry.hash & (m_slots.size() - 1);
        while (m_slots[slot].row != empty_row) {
            slot = (slot + 1) & (m_slots.size() - 1);
        }
        m_slots[slot] = entry;
    }

    void grow_to(std::size_t min_slots)
    {
        std::size_t size = std::max<std::size_t>(m_slots.size(), 1024);
        while (size < min_slots) {
            size *= 2;
        }
        if (size == m_slots.size()) {
            return;
        }
        std::vector<Slot> old(size);
        old.swap(m_slots);
        for (const Slot& entry : old) {
            if (entry.row != empty_row) {
                place(entry);
            }
        }
    }

    const IdColumn& m_ids;
    std::vector<Slot> m_slots;  ///< empty while the ids are in order; else a power of two, at most half full
    std::size_t m_count = 0;
    std::size_t m_expected = 0;
};

} // namespace

const CategoricalColumn& SurveyData::categorical_column(const std::string& name) const
{
    for (const auto& column : categorical) {
        if (column.name == name) {
            return column;
        }
    }
    throw InputError(path.filename().string() + ": column '" + name + "' was not read as a categorical column");
}

const NumericColumn& SurveyData::numeric_column(const std::string& name) const
{
    for (const auto& column : numeric) {
        if (column.name == name) {
            return column;
        }
    }
    throw InputError(path.filename().string() + ": column '" + name + "' was not read as a numeric column");
}

SurveyData read_survey(const std::filesystem::path& path, const SurveyReadSpec& spec, Diagnostics& diagnostics,
    Progress* progress)
{
    CsvReader reader(path);
    SurveyData data;
    data.path = path;
    const std::size_t id_col = reader.require_column(spec.id_column);
    const std::size_t weight_col = reader.require_column(spec.weight_column);
    std::vector<std::size_t> cat_cols;
    for (const auto& name : spec.categorical) {
        if (std::any_of(data.categorical.begin(), data.categorical.end(), [&](const auto& c) { return c.name == name; })) {
            continue;
        }
        cat_cols.push_back(reader.require_column(name));
        data.categorical.push_back(CategoricalColumn{name, {}, {}, {}});
    }
    std::vector<std::size_t> num_cols;
    for (const auto& name : spec.numeric) {
        if (std::any_of(data.numeric.begin(), data.numeric.end(), [&](const auto& c) { return c.name == name; })) {
            continue;
        }
        num_cols.push_back(reader.require_column(name));
        data.numeric.push_back(NumericColumn{name, {}});
    }
    std::vector<LevelEncoder> encoders;
    encoders.reserve(data.categorical.size());
    for (auto& column : data.categorical) {
        encoders.emplace_back(column);
    }
    IdIndex id_index(data.ids);
    // Regrowing the row vectors at 1 M rows costs a copy of each and twice the page faults, so they
    // are reserved once the first rows tell the average record and id length. A generous margin
    // costs only address space: untouched pages are never faulted in.
    constexpr std::uint64_t sample_rows = 1024;
    const std::uint64_t header_bytes = reader.bytes_read();
    const auto reserve_rows = [&] {
        const std::uint64_t sample_bytes = std::max<std::uint64_t>(reader.bytes_read() - header_bytes, 1);
        const std::uint64_t rest_bytes = reader.file_size() > header_bytes ? reader.file_size() - header_bytes : 0;
        const auto expected_rows = static_cast<std::size_t>(rest_bytes * data.rows_read / sample_bytes * 5 / 4 + 16);
        // Ids cannot hold more bytes than the file, and the first ids are often shorter than the
        // last (1, 2, ... 1000000), so the file size is the bound, not the sampled average.
        data.ids.reserve(expected_rows, static_cast<std::size_t>(rest_bytes));
        id_index.reserve(expected_rows);
        data.design_weights.reserve(expected_rows);
        data.lines.reserve(expected_rows);
        for (auto& column : data.categorical) {
            column.codes.reserve(expected_rows);
        }
        for (auto& column : data.numeric) {
            column.values.reserve(expected_rows);
        }
    };
    const std::size_t field_count = reader.header().size();
    std::vector<double> numbers(num_cols.size());
    std::vector<std::uint32_t> codes(cat_cols.size());

    if (progress != nullptr) {
        progress->start("reading " + path.filename().string());
    }
    CsvRecord record;
    while (reader.next(record)) {
        ++data.rows_read;
        if (data.rows_read == sample_rows) {
            reserve_rows();
        }
        if (progress != nullptr && (data.rows_read & 0xFFFF) == 0 && reader.file_size() > 0) {
            progress->update(static_cast<double>(reader.bytes_read()) / static_cast<double>(reader.file_size()));
        }
        if (!record.malformed.empty()) {
            diagnostics.reject("malformed_record", reader.pos(record), "malformed record: " + record.malformed);
            continue;
        }
        if (record.fields.size() != field_count) {
            diagnostics.reject("field_count", reader.pos(record),
                "expected " + std::to_string(field_count) + " fields, found " + std::to_string(record.fields.size()));
            continue;
        }
        const std::string_view id = record.fields[id_col];
        if (id.empty()) {
            diagnostics.reject("missing_id", reader.pos(record, id_col), spec.id_column + " is empty");
            continue;
        }
        const std::string_view weight_text = record.fields[weight_col];
        const auto weight = parse_double(weight_text);
        if (!weight || !std::isfinite(*weight) || *weight <= 0.0) {
            diagnostics.reject("bad_weight", reader.pos(record, weight_col),
                spec.weight_column + " '" + std::string(weight_text) + "' is not a positive number");
            continue;
        }
        bool good = true;
        for (std::size_t i = 0; i < num_cols.size() && good; ++i) {
            const auto value = parse_double(record.fields[num_cols[i]]);
            if (!value || !std::isfinite(*value)) {
                diagnostics.reject("bad_number", reader.pos(record, num_cols[i]),
                    data.numeric[i].name + " '" + std::string(record.fields[num_cols[i]]) + "' is not a number");
                good = false;
                break;
            }
            numbers[i] = *value;
        }
        if (!good) {
            continue;
        }
        // Last of the checks, so that only accepted rows enter the index: a person listed twice
        // would be weighted twice, and calibration would spread the error over everyone else.
        if (const auto first = id_index.find_or_add(id, data.size())) {
            diagnostics.reject("duplicate_id", reader.pos(record, id_col), spec.id_column + " '" + std::string(id) +
                "' is already on line " + std::to_string(data.lines[*first]) + "; each person must appear once");
            continue;
        }
        for (std::size_t i = 0; i < cat_cols.size(); ++i) {
            data.categorical[i].codes.push_back(encoders[i].encode(record.fields[cat_cols[i]], record.record_no));
        }
        for (std::size_t i = 0; i < num_cols.size(); ++i) {
            data.numeric[i].values.push_back(numbers[i]);
        }
        data.ids.push_back(id);
        data.design_weights.push_back(*weight);
        data.lines.push_back(record.record_no);
    }
    if (progress != nullptr) {
        progress->finish();
    }
    if (data.rows_read == 0) {
        throw InputError(path.filename().string() + ": no survey rows after the header");
    }
    return data;
}

void require_no_rejects(const SurveyData& data, const Diagnostics& diagnostics)
{
    if (diagnostics.rejected() == 0) {
        return;
    }
    std::string first;
    for (const auto& entry : diagnostics.entries()) {
        if (diagnostics.reject_counts().count(entry.code) > 0) {
            first = entry.pos.to_string() + ": " + entry.message;
            break;
        }
    }
    std::string reasons;
    for (const auto& [reason, count] : diagnostics.reject_counts()) {
        reasons += (reasons.empty() ? "" : ", ") + reason + " " + std::to_string(count);
    }
    throw DataError(first + " (" + std::to_string(diagnostics.rejected()) + " of " + std::to_string(data.rows_read) +
        " rows of " + data.path.filename().string() + " rejected: " + reasons +
        "; every sampled person needs valid values, so nothing was computed)");
}

} // namespace migratlas::survey
