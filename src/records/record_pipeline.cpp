#include "records/record_pipeline.hpp"

#include "records/crossing_time.hpp"

#include <algorithm>
#include <functional>

namespace migratlas::records {

namespace {
constexpr std::size_t records_per_batch = 16384;
constexpr std::size_t max_full_batches = 8;
} // namespace

RecordPipeline::RecordPipeline(CsvReader& reader, bool background, std::size_t time_column, std::size_t person_column)
    : m_reader(reader), m_background(background), m_time_column(time_column), m_person_column(person_column)
{
    if (m_background) {
        m_thread = std::thread([this] { produce(); });
    }
}

RecordPipeline::~RecordPipeline()
{
    if (m_thread.joinable()) {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
}

void RecordPipeline::prepare(const CsvRecord& record, PreparedFields& prepared) const
{
    prepared.instant.reset();
    prepared.person_hash = 0;
    if (record.malformed.empty() && record.fields.size() > std::max(m_time_column, m_person_column)) {
        prepared.instant = parse_crossing_time(record.fields[m_time_column]);
        prepared.person_hash = std::hash<std::string_view>{}(record.fields[m_person_column]);
    }
}

void RecordPipeline::produce()
{
    try {
        CsvRecord record;
        bool more = true;
        while (more) {
            std::unique_ptr<Batch> batch;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return m_stop || m_full.size() < max_full_batches; });
                if (m_stop) {
                    return;
                }
                if (!m_free.empty()) {
                    batch = std::move(m_free.back());
                    m_free.pop_back();
                }
            }
            if (!batch) {
                batch = std::make_unique<Batch>();
            }
            batch->bytes.clear();
            batch->field_ends.clear();
            batch->records.clear();
            while (batch->records.size() < records_per_batch && (more = m_reader.next(record))) {
                Batch::Entry entry;
                entry.record_no = record.record_no;
                entry.line_no = record.line_no;
                entry.first_field = static_cast<std::uint32_t>(batch->field_ends.size());
                entry.field_count = static_cast<std::uint32_t>(record.fields.size());
                prepare(record, entry.prepared);
                entry.malformed = std::move(record.malformed);
                for (const auto field : record.fields) {
                    batch->bytes.append(field);
                    batch->field_ends.push_back(static_cast<std::uint32_t>(batch->bytes.size()));
                }
                batch->records.push_back(std::move(entry));
            }
            batch->bytes_read = m_reader.bytes_read();
            {
                const std::lock_guard lock(m_mutex);
                m_full.push_back(std::move(batch));
                if (!more) {
                    m_done = true;
                }
            }
            m_changed.notify_all();
        }
    } catch (...) {
        const std::lock_guard lock(m_mutex);
        m_error = std::current_exception();
        m_done = true;
        m_changed.notify_all();
    }
}

std::unique_ptr<RecordPipeline::Batch> RecordPipeline::take_batch()
{
    std::unique_lock lock(m_mutex);
    if (m_current) {
        m_free.push_back(std::move(m_current));
    }
    m_changed.wait(lock, [this] { return !m_full.empty() || m_done; });
    if (m_full.empty()) {
        if (m_error) {
            std::rethrow_exception(m_error);
        }
        return nullptr;
    }
    auto batch = std::move(m_full.front());
    m_full.pop_front();
    lock.unlock();
    m_changed.notify_all();
    return batch;
}

bool RecordPipeline::next(CsvRecord& record, PreparedFields& prepared)
{
    if (!m_background) {
        const bool more = m_reader.next(record);
        m_bytes_read = m_reader.bytes_read();
        if (more) {
            prepare(record, prepared);
        }
        return more;
    }
    while (!m_current || m_position >= m_current->records.size()) {
        m_current = take_batch();
        m_position = 0;
        if (!m_current) {
            return false;
        }
        m_bytes_read = m_current->bytes_read;
    }
    const Batch& batch = *m_current;
    const Batch::Entry& entry = batch.records[m_position++];
    record.record_no = entry.record_no;
    record.line_no = entry.line_no;
    record.malformed = entry.malformed;
    prepared = entry.prepared;
    record.fields.clear();
    std::uint32_t start = entry.first_field == 0 ? 0 : batch.field_ends[entry.first_field - 1];
    for (std::uint32_t f = entry.first_field; f < entry.first_field + entry.field_count; ++f) {
        record.fields.emplace_back(batch.bytes.data() + start, batch.field_ends[f] - start);
        start = batch.field_ends[f];
    }
    return true;
}

} // namespace migratlas::records
