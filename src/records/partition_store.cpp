#include "records/partition_store.hpp"

#include "common/error.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

namespace migratlas::records {

namespace {

using FilePtr = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

FilePtr open_private(const std::filesystem::path& path, bool append)
{
    if (append) {
        // Created with owner-only permissions: spill files hold crossing times of real persons.
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, S_IRUSR | S_IWUSR);
        if (fd < 0) {
            throw Error(path.string() + ": cannot write spill file: " + std::strerror(errno));
        }
        return FilePtr(::fdopen(fd, "ab"), &std::fclose);
    }
    FilePtr file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) {
        throw Error(path.string() + ": cannot read spill file: " + std::strerror(errno));
    }
    return file;
}

void write_all(std::FILE* file, const void* data, std::size_t bytes, const std::filesystem::path& path)
{
    if (bytes > 0 && std::fwrite(data, 1, bytes, file) != bytes) {
        throw Error(path.string() + ": cannot write spill file (disk full?): " + std::strerror(errno));
    }
}

void read_all(std::FILE* file, void* data, std::size_t bytes, const std::filesystem::path& path)
{
    if (bytes > 0 && std::fread(data, 1, bytes, file) != bytes) {
        throw Error(path.string() + ": spill file is truncated");
    }
}

} // namespace

void group_by_person(Partition& partition)
{
    std::sort(partition.rows.begin(), partition.rows.end(), [&partition](const StoredRow& a, const StoredRow& b) {
        if (a.person_hash != b.person_hash) {
            return a.person_hash < b.person_hash;
        }
        return partition.person(a) < partition.person(b);
    });
}

PartitionStore::PartitionStore(std::size_t partition_count, std::uint64_t memory_budget,
    std::filesystem::path spill_directory, const HmacKey& key)
    : m_partitions(std::bit_ceil(std::max<std::size_t>(partition_count, 1))),
      m_memory_budget(memory_budget),
      m_spill_directory(std::move(spill_directory)),
      m_key(key)
{
    m_shift = 64 - std::countr_zero(m_partitions.size());
}

void PartitionStore::reserve_for(Partition& partition, std::size_t text_bytes)
{
    // Growth is done here, by doubling, so that the reserved bytes are known exactly.
    if (partition.rows.size() == partition.rows.capacity()) {
        const std::size_t old_capacity = partition.rows.capacity();
        const std::size_t new_capacity = std::max<std::size_t>(256, old_capacity * 2);
        partition.rows.reserve(new_capacity);
        m_bytes_reserved += (new_capacity - old_capacity) * sizeof(StoredRow);
    }
    if (partition.arena.size() + text_bytes > partition.arena.capacity()) {
        const std::size_t old_capacity = partition.arena.capacity();
        const std::size_t new_capacity = std::max<std::size_t>({8192, old_capacity * 2, partition.arena.size() + text_bytes});
        partition.arena.reserve(new_capacity);
        m_bytes_reserved += new_capacity - old_capacity;
    }
}

void PartitionStore::add(StoredRow row, std::string_view person_id)
{
    const std::size_t index = m_shift >= 64 ? 0 : static_cast<std::size_t>(row.person_hash >> m_shift);
    Partition& partition = m_partitions[index];
    reserve_for(partition, person_id.size());
    row.text_offset = partition.arena.size();
    row.person_length = static_cast<std::uint32_t>(person_id.size());
    partition.arena.insert(partition.arena.end(), person_id.begin(), person_id.end());
    partition.rows.push_back(row);
    // Ingest may use up to 70% of the budget; the rest is for classification and output.
    if (m_bytes_reserved > m_memory_budget / 10 * 7) {
        spill_all();
    }
}

void PartitionStore::expect_rows(std::uint64_t rows, std::uint64_t text_bytes_per_row)
{
    const std::uint64_t per_row = sizeof(StoredRow) + text_bytes_per_row;
    // Leave a quarter of the ingest share for the imbalance between partitions and for growth.
    const std::uint64_t affordable = m_memory_budget / 10 * 7 / 4 * 3 / per_row;
    m_planned_rows = std::min(rows, affordable) / m_partitions.size() * 21 / 20 + 256;
    m_planned_text_bytes = m_planned_rows * text_bytes_per_row;
    reserve_planned();
}

void PartitionStore::reserve_planned()
{
    for (Partition& partition : m_partitions) {
        if (partition.rows.capacity() < m_planned_rows) {
            const std::size_t old_rows = partition.rows.capacity();
            const std::size_t old_arena = partition.arena.capacity();
            partition.rows.reserve(m_planned_rows);
            partition.arena.reserve(std::max<std::size_t>(m_planned_text_bytes, partition.arena.capacity()));
            m_bytes_reserved += (partition.rows.capacity() - old_rows) * sizeof(StoredRow) +
                (partition.arena.capacity() - old_arena);
        }
    }
}

void PartitionStore::finish_ingest()
{
    if (m_spill_count > 0) {
        spill_all();
    }
}

std::filesystem::path PartitionStore::spill_path(std::size_t index) const
{
    return m_spill_directory / ("partition-" + std::to_string(index) + ".bin");
}

void PartitionStore::spill_all()
{
    // Partitions are independent: spill them in parallel, each task with its own HMAC context.
    std::atomic<std::uint64_t> bytes{0};
    tbb::parallel_for(std::size_t{0}, m_partitions.size(), [&](std::size_t i) {
        if (!m_partitions[i].rows.empty()) {
            PersonKeyHasher hasher(m_key);
            bytes += spill(i, hasher);
        }
    });
    m_spilled_bytes += bytes;
    ++m_spill_count;
    m_bytes_reserved = 0;
    // Hand the freed buffers back to the system and size the next round at once: growing by
    // doubling again would leave the heap fragmented (measured: 1.32 GB peak at a 1 GB budget).
    ::malloc_trim(0);
    reserve_planned();
}

std::uint64_t PartitionStore::spill(std::size_t index, PersonKeyHasher& hasher)
{
    Partition& partition = m_partitions[index];
    group_by_person(partition);
    // Replace each raw identifier by its 32-byte digest, hashing each distinct person of this batch once.
    std::vector<char> arena;
    arena.reserve(partition.arena.size() + partition.rows.size() * 32);
    auto& rows = partition.rows;
    PersonKey key{};
    std::uint64_t previous_hash = 0;
    std::string_view previous_person;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::string_view person = partition.person(rows[r]);  // still in the old arena
        if (r == 0 || rows[r].person_hash != previous_hash || person != previous_person) {
            key = hasher.digest(person);
        }
        previous_hash = rows[r].person_hash;
        previous_person = person;
        rows[r].text_offset = arena.size();
        rows[r].person_length = static_cast<std::uint32_t>(key.size());
        arena.insert(arena.end(), key.begin(), key.end());
    }
    const std::filesystem::path path = spill_path(index);
    FilePtr file = open_private(path, true);
    const std::uint64_t header[2] = {rows.size(), arena.size()};
    write_all(file.get(), header, sizeof header, path);
    write_all(file.get(), rows.data(), rows.size() * sizeof(StoredRow), path);
    write_all(file.get(), arena.data(), arena.size(), path);
    if (std::fflush(file.get()) != 0) {
        throw Error(path.string() + ": cannot write spill file (disk full?): " + std::strerror(errno));
    }
    const std::uint64_t written = sizeof header + rows.size() * sizeof(StoredRow) + arena.size();
    partition = Partition{};
    return written;
}

Partition PartitionStore::take(std::size_t index)
{
    if (m_spill_count == 0) {
        return std::move(m_partitions[index]);
    }
    Partition partition;
    partition.keyed = true;
    const std::filesystem::path path = spill_path(index);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return partition;  // no row of this partition was ever added
    }
    FilePtr file = open_private(path, false);
    std::uint64_t header[2] = {0, 0};
    while (std::fread(header, 1, sizeof header, file.get()) == sizeof header) {
        const std::size_t first_row = partition.rows.size();
        const std::size_t base = partition.arena.size();
        partition.rows.resize(first_row + header[0]);
        partition.arena.resize(base + header[1]);
        read_all(file.get(), partition.rows.data() + first_row, header[0] * sizeof(StoredRow), path);
        read_all(file.get(), partition.arena.data() + base, header[1], path);
        for (std::size_t r = first_row; r < partition.rows.size(); ++r) {
            partition.rows[r].text_offset += base;
        }
    }
    file.reset();
    std::filesystem::remove(path, ec);
    return partition;
}

} // namespace migratlas::records
