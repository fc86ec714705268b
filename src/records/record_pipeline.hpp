// Reads CSV records on a background thread and hands them over in batches, so that splitting the
// file into fields (one core) overlaps with validating and storing rows (the other core).
#pragma once

#include "common/csv_reader.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace migratlas::records {

/// Work done on the reading thread for each record, to balance the two cores: the instant of the
/// crossing_time field and the hash of the person_id field (when the record has those fields).
struct PreparedFields {
    std::optional<std::int64_t> instant;
    std::uint64_t person_hash = 0;
};

class RecordPipeline {
public:
    /// With `background` false the records are read inline (for --threads 1).
    RecordPipeline(CsvReader& reader, bool background, std::size_t time_column, std::size_t person_column);
    ~RecordPipeline();
    RecordPipeline(const RecordPipeline&) = delete;
    RecordPipeline& operator=(const RecordPipeline&) = delete;

    /// Next record (fields valid until the next call); false at the end. Rethrows a read error.
    bool next(CsvRecord& record, PreparedFields& prepared);
    /// Bytes of the file consumed by the records handed out so far (for progress).
    [[nodiscard]] std::uint64_t bytes_read() const { return m_bytes_read; }

private:
    struct Batch {
        std::string bytes;
        std::vector<std::uint32_t> field_ends;  ///< end offset of each field in `bytes`
        struct Entry {
            std::uint64_t record_no = 0;
            std::uint64_t line_no = 0;
            std::uint32_t first_field = 0;
            std::uint32_t field_count = 0;
            std::string malformed;
            PreparedFields prepared;
        };
        std::vector<Entry> records;
        std::uint64_t bytes_read = 0;
    };
    void produce();
    void prepare(const CsvRecord& record, PreparedFields& prepared) const;
    std::unique_ptr<Batch> take_batch();

    CsvReader& m_reader;
    bool m_background;
    std::size_t m_time_column;
    std::size_t m_person_column;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::unique_ptr<Batch>> m_full;
    std::vector<std::unique_ptr<Batch>> m_free;
    bool m_done = false;
    bool m_stop = false;
    std::exception_ptr m_error;
    std::unique_ptr<Batch> m_current;
    std::size_t m_position = 0;
    std::uint64_t m_bytes_read = 0;
    std::thread m_thread;  ///< last member: started after everything else is initialised
};

} // namespace migratlas::records
