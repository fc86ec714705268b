#include "records/crossing_linker.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/civil_date.hpp"
#include "records/crossing_time.hpp"
#include "records/partition_store.hpp"
#include "common/output_file.hpp"
#include "common/stopwatch.hpp"
#include "records/record_pipeline.hpp"
#include "records/scratch_directory.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>

#include <malloc.h>
#include <unistd.h>

namespace migratlas::records {

namespace {

constexpr std::string_view invalid_utf8_label = "<invalid-utf8>";

/// Interns tabulation labels; a value that is not UTF-8 is replaced once by a marker (RULES.md lists
/// the only reasons to reject a row, and encoding is not one of them).
class LabelInterner {
public:
    LabelInterner(StringPool& pool, Diagnostics& diagnostics) : m_pool(pool), m_diagnostics(diagnostics)
    {
        m_invalid = m_pool.intern(invalid_utf8_label);
        m_remap.push_back(m_invalid);
    }
    /// `where()` gives the SourcePos, built only for a warning (it allocates).
    template <typename Where>
    std::uint32_t intern(std::string_view text, const Where& where, std::string_view column)
    {
        const std::uint32_t id = m_pool.intern(text);
        if (id == m_remap.size()) {
            const bool valid = is_valid_utf8(text);
            m_remap.push_back(valid ? id : m_invalid);
            if (!valid) {
                m_diagnostics.warn("non_utf8_value", where(),
                    std::string(column) + " is not valid UTF-8; tabulated as '<invalid-utf8>'");
            }
        }
        const std::uint32_t mapped = m_remap[id];
        if (mapped == m_invalid) {
            ++m_invalid_rows;
        }
        return mapped;
    }
    [[nodiscard]] std::uint64_t invalid_rows() const { return m_invalid_rows; }

private:
    StringPool& m_pool;
    Diagnostics& m_diagnostics;
    std::uint32_t m_invalid = 0;
    std::vector<std::uint32_t> m_remap;
    std::uint64_t m_invalid_rows = 0;
};

struct DuplicateRecord {
    std::uint64_t line = 0;
    PersonKey key{};
    DuplicateReason reason = DuplicateReason::exact_duplicate;
};

struct EventRef {
    std::uint32_t row = 0;
    std::int32_t days_in_window = 0;
    EventType type = EventType::unresolved;
};

struct PersonEvents {
    PersonKey key{};
    std::uint32_t partition = 0;
    std::uint32_t first_event = 0;
    std::uint32_t event_count = 0;
};

struct PartitionResult {
    Partition partition;
    std::vector<EventRef> events;
    std::vector<PersonEvents> persons;
};

/// Per-thread classification state: scratch buffers, its own HMAC context and tabulations.
struct Worker {
    Worker(const RuleParameters& rule, const HmacKey& key) : classifier(rule), hasher(std::make_unique<PersonKeyHasher>(key)) {}
    PersonClassifier classifier;
    std::unique_ptr<PersonKeyHasher> hasher;
    MonthlyCounts monthly;
    std::vector<PersonCrossing> crossings;
    std::vector<ClassifiedEvent> classified;
    std::vector<DuplicateCrossing> dropped;
    std::vector<EventCell> cells;
    std::vector<DuplicateRecord> duplicates;
    std::array<std::uint64_t, event_type_count> events_by_type{};
    std::uint64_t persons = 0;
};

struct SharedTables {
    const StringPool& labels;
    const StringPool& birth_texts;
    const std::vector<std::int32_t>& birth_days;
    bool tabulate;
};

void classify_partition(PartitionResult& result, std::uint32_t partition_index, Worker& worker, const SharedTables& tables)
{
    Partition& partition = result.partition;
    group_by_person(partition);
    const auto& rows = partition.rows;
    result.events.reserve(rows.size());
    std::size_t begin = 0;
    while (begin < rows.size()) {
        std::size_t end = begin + 1;
        const std::string_view person = partition.person(rows[begin]);
        while (end < rows.size() && rows[end].person_hash == rows[begin].person_hash &&
            partition.person(rows[end]) == person) {
            ++end;
        }
        PersonEvents entry;
        entry.partition = partition_index;
        if (partition.keyed) {
            std::memcpy(entry.key.data(), person.data(), entry.key.size());
        } else {
            entry.key = worker.hasher->digest(person);
        }
        worker.crossings.clear();
        for (std::size_t r = begin; r < end; ++r) {
            const StoredRow& row = rows[r];
            worker.crossings.push_back(PersonCrossing{row.instant, row.line, row.date, tables.birth_days[row.birth_date],
                row.direction, static_cast<std::uint32_t>(r), tables.labels.value(row.crossing_point),
                tables.labels.value(row.nationality), tables.labels.value(row.sex),
                tables.birth_texts.value(row.birth_date)});
        }
        worker.classified.clear();
        worker.dropped.clear();
        worker.classifier.classify(worker.crossings, worker.classified, worker.dropped);
        entry.first_event = static_cast<std::uint32_t>(result.events.size());
        entry.event_count = static_cast<std::uint32_t>(worker.classified.size());
        worker.cells.clear();
        for (const ClassifiedEvent& event : worker.classified) {
            result.events.push_back(EventRef{event.source, event.days_in_window, event.type});
            ++worker.events_by_type[static_cast<std::size_t>(event.type)];
            if (tables.tabulate) {
                const StoredRow& row = rows[event.source];
                const std::int32_t month = month_index(row.date);
                worker.cells.push_back(EventCell{month, row.sex, row.nationality, row.crossing_point, row.residence,
                    event.type, age_group(tables.birth_days[row.birth_date], row.date)});
                worker.monthly.add_crossing(CrossingCell{month, row.crossing_point, row.nationality, row.direction});
            }
        }
        if (tables.tabulate) {
            worker.monthly.add_person(worker.cells);
        }
        for (const DuplicateCrossing& dropped : worker.dropped) {
            worker.duplicates.push_back(DuplicateRecord{rows[dropped.source].line, entry.key, dropped.reason});
        }
        result.persons.push_back(entry);
        ++worker.persons;
        begin = end;
    }
}

void append_escaped(std::string& out, std::string_view field)
{
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(field);
    } else {
        out += csv_escape(field);
    }
}

void append_event_line(std::string& out, const PersonEvents& person, const EventRef& event, const Partition& partition,
    const StringPool& labels, std::int32_t offset_seconds)
{
    static constexpr char hex_digits[] = "0123456789abcdef";
    const std::size_t at = out.size();
    out.resize(at + 65);
    for (std::size_t i = 0; i < person.key.size(); ++i) {
        out[at + 2 * i] = hex_digits[person.key[i] >> 4];
        out[at + 2 * i + 1] = hex_digits[person.key[i] & 0x0F];
    }
    out[at + 64] = ',';
    const StoredRow& row = partition.rows[event.row];
    const std::size_t time_at = out.size();
    out.resize(time_at + event_time_length);
    format_event_time(row.instant, offset_seconds, out.data() + time_at);
    out += ',';
    out.append(to_string(event.type));
    out += ',';
    char digits[16];
    const auto result = std::to_chars(digits, digits + sizeof digits, event.days_in_window);
    out.append(digits, result.ptr);
    out += ',';
    append_escaped(out, labels.value(row.crossing_point));
    out += '\n';
}

/// Merges per-partition run files (each sorted by person_key; a person never spans two files) into
/// the events CSV. Lines start with the 64-character key, so comparing that prefix is enough.
void merge_runs(const std::vector<std::filesystem::path>& runs, OutputFile& out)
{
    struct Source {
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{nullptr, &std::fclose};
        char* line = nullptr;
        std::size_t capacity = 0;
        ssize_t length = 0;
        ~Source() { std::free(line); }
    };
    std::vector<std::unique_ptr<Source>> sources;
    for (const auto& path : runs) {
        auto source = std::make_unique<Source>();
        source->file.reset(std::fopen(path.c_str(), "rb"));
        if (!source->file) {
            throw Error(path.string() + ": cannot read run file: " + std::strerror(errno));
        }
        source->length = ::getline(&source->line, &source->capacity, source->file.get());
        if (source->length > 0) {
            sources.push_back(std::move(source));
        }
    }
    const auto later = [&sources](std::size_t a, std::size_t b) {
        return std::strncmp(sources[a]->line, sources[b]->line, 64) > 0;
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
    for (std::size_t i = 0; i < sources.size(); ++i) {
        heap.push(i);
    }
    while (!heap.empty()) {
        const std::size_t i = heap.top();
        heap.pop();
        Source& source = *sources[i];
        // Emit the whole run of this person (consecutive lines with the same key) in one go.
        char key[64];
        std::memcpy(key, source.line, 64);
        do {
            out.write(std::string_view(source.line, static_cast<std::size_t>(source.length)));
            source.length = ::getline(&source.line, &source.capacity, source.file.get());
        } while (source.length > 0 && std::memcmp(source.line, key, 64) == 0);
        if (source.length > 0) {
            heap.push(i);
        }
    }
}

std::unique_ptr<OutputFile> write_line_reason_csv(const std::filesystem::path& path,
    const std::vector<DuplicateRecord>& records)
{
    auto out = std::make_unique<OutputFile>(path);
    out->write("line_no,person_key,reason\n");
    for (const auto& record : records) {
        out->write_number(static_cast<std::int64_t>(record.line));
        out->write(",");
        out->write(PersonKeyHasher::to_hex(record.key));
        out->write(",");
        out->write(to_string(record.reason));
        out->write("\n");
    }
    return out;
}

} // namespace

void LinkResult::commit_files()
{
    for (const auto& file : files) {
        file->commit();
    }
    files.clear();
}

std::uint64_t LinkCounts::rejected_total() const
{
    std::uint64_t total = 0;
    for (const auto& [reason, n] : rejected) {
        total += n;
    }
    return total;
}

std::uint64_t LinkCounts::duplicates_total() const
{
    std::uint64_t total = 0;
    for (const auto& [reason, n] : duplicates) {
        total += n;
    }
    return total;
}

namespace {

/// Positions of the crossings file's columns (RULES.md §1); a missing required column throws.
struct CrossingColumns {
    explicit CrossingColumns(const CsvReader& reader)
        : person(reader.require_column("person_id")), time(reader.require_column("crossing_time")),
          direction(reader.require_column("direction")), point(reader.require_column("crossing_point")),
          nationality(reader.require_column("nationality")), sex(reader.require_column("sex")),
          birth(reader.require_column("birth_date")), residence(reader.column("residence_code")),
          field_count(reader.header().size())
    {
    }
    std::size_t person;
    std::size_t time;
    std::size_t direction;
    std::size_t point;
    std::size_t nationality;
    std::size_t sex;
    std::size_t birth;
    std::optional<std::size_t> residence;
    std::size_t field_count;
};

/// Partitions small enough that two of them (one per core) fit well inside the budget once spilled.
std::size_t partition_count_for(const CsvReader& reader, std::uint64_t memory_budget, Diagnostics& diagnostics)
{
    const std::uint64_t estimated_bytes = reader.file_size() * 3 / 2 + 1;
    const std::uint64_t per_partition = std::max<std::uint64_t>(memory_budget / 6, 1);
    constexpr std::size_t max_partitions = 512;  // one spill file each: stays under the usual 1024 open files
    if (estimated_bytes / max_partitions > per_partition) {
        diagnostics.warn("memory_budget", SourcePos{reader.path().filename().string(), 0, 0},
            "the input is about " + std::to_string(estimated_bytes / (1U << 20)) + " MB in memory, more than " +
            std::to_string(max_partitions) + " partitions of a sixth of memory_budget can hold; peak memory "
            "will exceed the budget (raise memory_budget to at least " +
            std::to_string(estimated_bytes * 6 / max_partitions / (1U << 20) + 1) + "M)");
    }
    return std::clamp<std::size_t>(std::bit_ceil(estimated_bytes / per_partition + 1), 64, max_partitions);
}

/// Distinct birth_date texts and their day numbers (unknown_date when unreadable).
struct BirthDates {
    StringPool texts;
    std::vector<std::int32_t> days;
};

/// A rejected row: counted by reason, reported with its position (never quoting field values: a
/// shifted column could put an identifier anywhere) and listed in rejects.csv under its person_key.
class RejectSink {
public:
    RejectSink(const LinkOptions& options, const HmacKey& key, LinkCounts& counts, Diagnostics& diagnostics)
        : m_hasher(key), m_counts(counts), m_diagnostics(diagnostics)
    {
        if (options.rejects_csv) {
            m_out = std::make_unique<OutputFile>(*options.rejects_csv);
            m_out->write("line_no,person_key,reason\n");
        }
    }

    void reject(const CsvReader& reader, const CsvRecord& record, std::string_view person, const char* reason,
        std::string message, std::size_t column)
    {
        ++m_counts.rejected[reason];
        m_diagnostics.reject(reason, reader.pos(record, column), std::move(message));
        if (m_out) {
            m_out->write_number(static_cast<std::int64_t>(record.record_no));
            m_out->write(",");
            if (!person.empty()) {
                m_out->write(PersonKeyHasher::to_hex(m_hasher.digest(person)));
            }
            m_out->write(",");
            m_out->write(reason);
            m_out->write("\n");
        }
    }

    /// The rejects file, complete but not committed (nullptr without one).
    std::unique_ptr<OutputFile> release() { return std::move(m_out); }

private:
    PersonKeyHasher m_hasher;
    LinkCounts& m_counts;
    Diagnostics& m_diagnostics;
    std::unique_ptr<OutputFile> m_out;
};

/// Why a row is rejected (RULES.md §2), or what an accepted row's checks produced.
struct RowCheck {
    const char* reason = nullptr;  ///< nullptr = accepted
    std::string message;
    std::size_t column = SIZE_MAX;
    Direction direction = Direction::in;
    std::int32_t date = 0;
};

RowCheck check_row(const CsvRecord& record, const PreparedFields& prepared, const CrossingColumns& columns,
    const RuleParameters& rule)
{
    if (!record.malformed.empty()) {
        return {"malformed_record", "malformed CSV record: " + record.malformed};
    }
    if (record.fields.size() != columns.field_count) {
        return {"malformed_record", "record has " + std::to_string(record.fields.size()) + " fields, the header has " +
            std::to_string(columns.field_count)};
    }
    if (record.fields[columns.person].empty()) {
        return {"empty_person_id", "person_id is empty", columns.person};
    }
    RowCheck check;
    const std::string_view direction = record.fields[columns.direction];
    if (direction == "OUT") {
        check.direction = Direction::out;
    } else if (direction != "IN") {
        return {"bad_direction", "direction is not exactly IN or OUT", columns.direction};
    }
    if (!prepared.instant) {  // parse_crossing_time, done on the reading thread
        return {"bad_timestamp", "crossing_time is not YYYY-MM-DDThh:mm:ss[.fraction] with Z or a ±hh:mm offset",
            columns.time};
    }
    check.date = reference_date(*prepared.instant, rule.reference_offset_seconds);
    if (check.date < rule.observation_start) {
        return {"before_observation_start", "reference date " + format_iso_date(check.date) +
            " is before observation_start", columns.time};
    }
    if (check.date > rule.observation_end) {
        return {"after_observation_end", "reference date " + format_iso_date(check.date) +
            " is after observation_end", columns.time};
    }
    return check;
}

/// Phase 1: reads every row once. A bad row becomes a reject; an accepted row goes, pseudonymised
/// later by the store, into its person's partition.
class Ingest {
public:
    Ingest(CsvReader& reader, const LinkOptions& options, PartitionStore& store, LabelInterner& labels,
        BirthDates& births)
        : m_reader(reader), m_rule(options.rule), m_columns(reader), m_store(store), m_labels(labels), m_births(births),
          m_no_residence(labels.intern("", [] { return SourcePos{}; }, "residence_code"))
    {
    }

    void run(RejectSink& rejects, LinkCounts& counts, Progress& progress)
    {
        progress.start("reading crossings");
        CsvRecord record;
        RecordPipeline records(m_reader, counts.threads > 1, m_columns.time, m_columns.person);
        PreparedFields prepared;
        while (records.next(record, prepared)) {
            ++counts.rows_read;
            if ((counts.rows_read & 0xFFFF) == 0 && m_reader.file_size() > 0) {
                progress.update(static_cast<double>(records.bytes_read()) / static_cast<double>(m_reader.file_size()));
            }
            RowCheck check = check_row(record, prepared, m_columns, m_rule);
            const std::string_view person =
                record.fields.size() == m_columns.field_count ? record.fields[m_columns.person] : std::string_view{};
            if (check.reason != nullptr) {
                rejects.reject(m_reader, record, check.reason == std::string_view("malformed_record") ? "" : person,
                    check.reason, std::move(check.message), check.column);
                continue;
            }
            accept(record, prepared, check, person, counts, records.bytes_read());
        }
        m_store.finish_ingest();
        if (m_store.spilled()) {
            // The freed row buffers stay in glibc's heap otherwise and count against the budget while
            // the partitions are read back (measured: peak RSS 1.32 GB instead of ~1 GB at --memory-budget 1G).
            ::malloc_trim(0);
        }
        progress.finish();
        counts.non_utf8_values = m_labels.invalid_rows();
        counts.spills = m_store.spill_count();
        counts.spilled_bytes = m_store.spilled_bytes();
    }

private:
    std::uint32_t label(const CsvRecord& record, std::size_t column, std::string_view name)
    {
        return m_labels.intern(record.fields[column], [&] { return m_reader.pos(record, column); }, name);
    }

    void accept(const CsvRecord& record, const PreparedFields& prepared, const RowCheck& check,
        std::string_view person, const LinkCounts& counts, std::uint64_t bytes_read)
    {
        StoredRow row;
        row.instant = *prepared.instant;
        row.person_hash = prepared.person_hash;
        row.line = record.record_no;
        row.date = check.date;
        row.direction = check.direction;
        row.crossing_point = label(record, m_columns.point, "crossing_point");
        row.nationality = label(record, m_columns.nationality, "nationality");
        row.sex = label(record, m_columns.sex, "sex");
        row.residence = m_columns.residence ? label(record, *m_columns.residence, "residence_code") : m_no_residence;
        const std::string_view birth_text = record.fields[m_columns.birth];
        row.birth_date = m_births.texts.intern(birth_text);
        if (row.birth_date == m_births.days.size()) {
            // An unreadable birth_date is unknown, never a reason to reject (RULES.md §2).
            m_births.days.push_back(parse_iso_date(birth_text).value_or(unknown_date));
        }
        m_store.add(row, person);
        ++m_accepted;
        if (m_accepted == 8192 && bytes_read > 0) {
            // Size the partitions once from the first rows instead of growing them by copying.
            const double rows_per_byte = static_cast<double>(counts.rows_read) / static_cast<double>(bytes_read);
            m_store.expect_rows(static_cast<std::uint64_t>(rows_per_byte * static_cast<double>(m_reader.file_size())),
                m_person_bytes / m_accepted + 1);
        }
        m_person_bytes += person.size();
    }

    CsvReader& m_reader;
    const RuleParameters& m_rule;
    const CrossingColumns m_columns;
    PartitionStore& m_store;
    LabelInterner& m_labels;
    BirthDates& m_births;
    const std::uint32_t m_no_residence;
    std::uint64_t m_accepted = 0;
    std::uint64_t m_person_bytes = 0;
};

/// What classification leaves for the writers: per-partition events (in memory) or run files (spilled).
struct Classified {
    std::vector<PartitionResult> partitions;
    std::vector<std::filesystem::path> runs;
    std::vector<DuplicateRecord> duplicates;  ///< sorted by input line
};

/// Phase 2: classifies the partitions in parallel, each person entirely inside one partition, and
/// merges the workers' tabulations and counts into `result`.
Classified classify_partitions(PartitionStore& store, const LinkOptions& options, const HmacKey& key,
    const SharedTables& tables, const std::filesystem::path& scratch_path, tbb::task_arena& arena, LinkResult& result,
    Progress& progress)
{
    const RuleParameters& rule = options.rule;
    LinkCounts& counts = result.counts;
    progress.start("classifying persons");
    tbb::enumerable_thread_specific<Worker> workers([&rule, &key] { return Worker(rule, key); });
    const bool in_memory = !store.spilled();
    Classified classified;
    classified.partitions.resize(store.partition_count());
    classified.runs.resize(store.partition_count());
    std::mutex progress_mutex;
    std::size_t partitions_done = 0;
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, store.partition_count(), [&](std::size_t index) {
            Worker& worker = workers.local();
            PartitionResult& part = classified.partitions[index];
            part.partition = store.take(index);
            classify_partition(part, static_cast<std::uint32_t>(index), worker, tables);
            if (!in_memory) {
                // Spilled: write this partition's events sorted by key to a run file, then free it.
                if (options.events_csv) {
                    std::sort(part.persons.begin(), part.persons.end(),
                        [](const PersonEvents& a, const PersonEvents& b) { return a.key < b.key; });
                    classified.runs[index] = scratch_path / ("run-" + std::to_string(index) + ".csv");
                    OutputFile run(classified.runs[index]);
                    std::string lines;
                    for (const PersonEvents& person : part.persons) {
                        for (std::uint32_t e = 0; e < person.event_count; ++e) {
                            append_event_line(lines, person, part.events[person.first_event + e], part.partition,
                                result.labels, rule.reference_offset_seconds);
                        }
                        run.write(lines);
                        lines.clear();
                    }
                    run.commit();
                }
                part = PartitionResult{};
            }
            const std::lock_guard lock(progress_mutex);
            ++partitions_done;
            progress.update(static_cast<double>(partitions_done) / static_cast<double>(store.partition_count()));
        });
    });
    progress.finish();

    std::vector<DuplicateRecord>& duplicates = classified.duplicates;
    for (Worker& worker : workers) {
        result.monthly.merge(worker.monthly);
        duplicates.insert(duplicates.end(), worker.duplicates.begin(), worker.duplicates.end());
        for (std::size_t t = 0; t < event_type_count; ++t) {
            counts.events_by_type[t] += worker.events_by_type[t];
            counts.events += worker.events_by_type[t];
        }
        counts.persons += worker.persons;
    }
    std::sort(duplicates.begin(), duplicates.end(),
        [](const DuplicateRecord& a, const DuplicateRecord& b) { return a.line < b.line; });
    for (const auto& duplicate : duplicates) {
        ++counts.duplicates[std::string(to_string(duplicate.reason))];
    }
    return classified;
}

/// Phase 3: the events CSV sorted by person_key then instant: in memory, a parallel sort and
/// formatting overlapped with writing; spilled, a merge of the sorted run files.
std::unique_ptr<OutputFile> write_events_csv(const std::filesystem::path& path, Classified& classified,
    bool in_memory, const LinkResult& result, std::int32_t offset_seconds, tbb::task_arena& arena, Progress& progress)
{
    const LinkCounts& counts = result.counts;
    std::vector<PartitionResult>& partitions = classified.partitions;
    progress.start("writing events");
    auto file = std::make_unique<OutputFile>(path);
    OutputFile& out = *file;
    out.write("person_key,event_time,event_type,days_in_window,crossing_point\n");
    if (in_memory) {
        std::vector<PersonEvents> persons;
        persons.reserve(counts.persons);
        for (const auto& part : partitions) {
            persons.insert(persons.end(), part.persons.begin(), part.persons.end());
        }
        arena.execute([&] {
            tbb::parallel_sort(persons.begin(), persons.end(),
                [](const PersonEvents& a, const PersonEvents& b) { return a.key < b.key; });
        });
        // Format chunks of persons in parallel, a wave at a time, and write them in order on a
        // second thread while the next wave is formatted (the disk is as slow as the formatting).
        constexpr std::size_t persons_per_chunk = 4096;
        const std::size_t chunks_per_wave = 8 * counts.threads;
        std::array<std::vector<std::string>, 2> waves{std::vector<std::string>(chunks_per_wave),
            std::vector<std::string>(chunks_per_wave)};
        std::future<void> writing;
        std::size_t current = 0;
        for (std::size_t wave = 0; wave < persons.size(); wave += persons_per_chunk * chunks_per_wave) {
            std::vector<std::string>& chunks = waves[current];
            arena.execute([&] {
                tbb::parallel_for(std::size_t{0}, chunks_per_wave, [&](std::size_t c) {
                    std::string& lines = chunks[c];
                    lines.clear();
                    const std::size_t first = wave + c * persons_per_chunk;
                    const std::size_t last = std::min(persons.size(), first + persons_per_chunk);
                    for (std::size_t p = first; p < last; ++p) {
                        const PersonEvents& person = persons[p];
                        const PartitionResult& part = partitions[person.partition];
                        for (std::uint32_t e = 0; e < person.event_count; ++e) {
                            append_event_line(lines, person, part.events[person.first_event + e], part.partition,
                                result.labels, offset_seconds);
                        }
                    }
                });
            });
            if (writing.valid()) {
                writing.get();  // rethrows a write error
            }
            writing = std::async(std::launch::async, [&out, &chunks] {
                for (const std::string& lines : chunks) {
                    out.write(lines);
                }
            });
            current = 1 - current;
        }
        if (writing.valid()) {
            writing.get();
        }
    } else {
        std::vector<std::filesystem::path> existing;
        for (const auto& run : classified.runs) {
            if (!run.empty()) {
                existing.push_back(run);
            }
        }
        merge_runs(existing, out);
    }
    progress.finish();
    return file;
}

} // namespace

LinkResult link_crossings(const LinkOptions& options, const HmacKey& key, Diagnostics& diagnostics, Progress& progress)
{
    LinkResult result;
    LinkCounts& counts = result.counts;
    counts.threads = options.threads > 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
    // Also bounds the TBB work started outside the arena below (parallel spilling during ingest).
    const tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, counts.threads);
    tbb::task_arena arena(static_cast<int>(counts.threads));

    CsvReader reader(options.crossings);
    result.has_residence = reader.column("residence_code").has_value();
    counts.partitions = partition_count_for(reader, options.memory_budget, diagnostics);
    ScratchDirectory scratch(options.temp_directory);
    PartitionStore store(counts.partitions, options.memory_budget, scratch.path(), key);
    LabelInterner labels(result.labels, diagnostics);
    BirthDates births;

    const Stopwatch ingest_time;
    RejectSink rejects(options, key, counts, diagnostics);
    Ingest(reader, options, store, labels, births).run(rejects, counts, progress);
    if (auto file = rejects.release()) {
        result.files.push_back(std::move(file));
    }
    counts.ingest_seconds = ingest_time.seconds();

    const Stopwatch classify_time;
    const bool in_memory = !store.spilled();
    const SharedTables tables{result.labels, births.texts, births.days, options.tabulate};
    Classified classified = classify_partitions(store, options, key, tables, scratch.path(), arena, result, progress);
    counts.classify_seconds = classify_time.seconds();

    const Stopwatch output_time;
    if (options.events_csv) {
        result.files.push_back(write_events_csv(*options.events_csv, classified, in_memory, result,
            options.rule.reference_offset_seconds, arena, progress));
    }
    if (options.duplicates_csv) {
        result.files.push_back(write_line_reason_csv(*options.duplicates_csv, classified.duplicates));
    }
    counts.output_seconds = output_time.seconds();

    // Reconciliation (RULES.md §3): every data row is exactly one event, reject or duplicate.
    if (counts.rows_read != counts.events + counts.rejected_total() + counts.duplicates_total()) {
        throw DataError(options.crossings.string() + ": row counts do not reconcile: read " +
            std::to_string(counts.rows_read) + ", events " + std::to_string(counts.events) + ", rejected " +
            std::to_string(counts.rejected_total()) + ", duplicates " + std::to_string(counts.duplicates_total()) +
            " (internal error, please report)");
    }
    return result;
}

} // namespace migratlas::records
