// Holds the accepted crossing rows of the records stage, partitioned by a hash of person_id so that
// every person's rows sit in one partition; spills to temporary files beyond the memory budget.
#pragma once

#include "common/huge_page_allocator.hpp"
#include "records/person_classifier.hpp"
#include "records/person_key_hasher.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace migratlas::records {

/// One accepted row in 64 bytes: the person's bytes live in the partition's arena, short fields are
/// pool ids. The crossing_time text is not kept: event_time is written from the instant (RULES.md §7).
struct StoredRow {
    std::int64_t instant = 0;
    std::uint64_t line = 0;
    std::uint64_t person_hash = 0;
    std::uint64_t text_offset = 0;  ///< person bytes in the arena
    std::uint32_t person_length = 0;
    std::int32_t date = 0;
    std::uint32_t crossing_point = 0;
    std::uint32_t nationality = 0;
    std::uint32_t sex = 0;
    std::uint32_t birth_date = 0;
    std::uint32_t residence = 0;
    Direction direction = Direction::in;
};

struct Partition {
    std::vector<StoredRow, HugePageAllocator<StoredRow>> rows;
    std::vector<char, HugePageAllocator<char>> arena;
    /// True when the person bytes are already the 32-byte HMAC digest (rows that went through a
    /// spill file: raw identifiers are never written to disk).
    bool keyed = false;

    [[nodiscard]] std::string_view person(const StoredRow& row) const
    {
        return {arena.data() + row.text_offset, row.person_length};
    }
};

/// Sorts rows so that each person's rows are contiguous: by person hash, then person bytes.
void group_by_person(Partition& partition);

class PartitionStore {
public:
    /// `spill_directory` must exist; spill files are created inside it with owner-only permissions.
    PartitionStore(std::size_t partition_count, std::uint64_t memory_budget, std::filesystem::path spill_directory,
        const HmacKey& key);

    /// Adds one accepted row; `row.person_hash` must be std::hash of `person_id`; the text offset
    /// and lengths are filled in here.
    void add(StoredRow row, std::string_view person_id);

    /// Reserves room for about `rows` rows with `text_bytes_per_row` each, spread over the partitions,
    /// so that they are not copied while growing; capped by the memory budget.
    void expect_rows(std::uint64_t rows, std::uint64_t text_bytes_per_row);

    /// Ends ingest: when anything was spilled, the rest is spilled too so that every partition is
    /// later read back the same way, one at a time.
    void finish_ingest();

    [[nodiscard]] bool spilled() const { return m_spill_count > 0; }
    [[nodiscard]] std::uint64_t spill_count() const { return m_spill_count; }
    [[nodiscard]] std::uint64_t spilled_bytes() const { return m_spilled_bytes; }
    [[nodiscard]] std::size_t partition_count() const { return m_partitions.size(); }

    /// Moves partition `index` out of the store (reading its spill file when spilled). Thread-safe
    /// for distinct indexes.
    [[nodiscard]] Partition take(std::size_t index);

private:
    void reserve_for(Partition& partition, std::size_t text_bytes);
    void spill_all();
    void reserve_planned();
    std::uint64_t spill(std::size_t index, PersonKeyHasher& hasher);  ///< bytes written
    [[nodiscard]] std::filesystem::path spill_path(std::size_t index) const;

    std::vector<Partition> m_partitions;
    std::uint64_t m_memory_budget;
    std::uint64_t m_bytes_reserved = 0;
    std::filesystem::path m_spill_directory;
    const HmacKey& m_key;
    std::uint64_t m_spill_count = 0;
    std::uint64_t m_spilled_bytes = 0;
    int m_shift = 64;
    std::uint64_t m_planned_rows = 0;        ///< per partition, from expect_rows()
    std::uint64_t m_planned_text_bytes = 0;
};

} // namespace migratlas::records
