#include "disclose/cube.hpp"

#include "common/error.hpp"

#include <limits>
#include <stdexcept>

namespace migratlas::disclose {

namespace {

std::size_t slot_of(CellKey key, std::size_t mask)
{
    // splitmix64 finaliser: mixed-radix keys are far from uniform in their low bits.
    key ^= key >> 30;
    key *= 0xbf58476d1ce4e5b9ULL;
    key ^= key >> 27;
    key *= 0x94d049bb133111ebULL;
    key ^= key >> 31;
    return static_cast<std::size_t>(key) & mask;
}

} // namespace

const CellId* CellIndex::find(CellKey key) const
{
    if (m_keys.empty()) {
        return nullptr;
    }
    const std::size_t mask = m_keys.size() - 1;
    for (std::size_t slot = slot_of(key, mask);; slot = (slot + 1) & mask) {
        if (m_keys[slot] == key) {
            return &m_ids[slot];
        }
        if (m_keys[slot] == empty_key) {
            return nullptr;
        }
    }
}

CellId CellIndex::insert(CellKey key, CellId id)
{
    if ((m_size + 1) * 2 > m_keys.size()) {
        grow();
    }
    const std::size_t mask = m_keys.size() - 1;
    for (std::size_t slot = slot_of(key, mask);; slot = (slot + 1) & mask) {
        if (m_keys[slot] == key) {
            return m_ids[slot];
        }
        if (m_keys[slot] == empty_key) {
            m_keys[slot] = key;
            m_ids[slot] = id;
            ++m_size;
            return id;
        }
    }
}

void CellIndex::reserve(std::size_t entries)
{
    while (m_keys.size() < entries * 2) {
        grow();
    }
}

void CellIndex::grow()
{
    std::vector<CellKey> keys = std::move(m_keys);
    std::vector<CellId> ids = std::move(m_ids);
    const std::size_t capacity = keys.empty() ? 1024 : keys.size() * 2;
    m_keys.assign(capacity, empty_key);
    m_ids.assign(capacity, 0);
    m_size = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] != empty_key) {
            insert(keys[i], ids[i]);
        }
    }
}

Cube::Cube(std::vector<Dimension> dimensions, std::vector<std::string> measures)
    : m_dimensions(std::move(dimensions)), m_measures(std::move(measures))
{
    if (m_measures.empty()) {
        throw std::invalid_argument("a cube needs at least one measure");
    }
    if (m_dimensions.size() > 30) {
        throw std::invalid_argument("a cube has at most 30 dimensions");
    }
    CellKey stride = 1;
    for (const Dimension& dimension : m_dimensions) {
        const auto radix = static_cast<CellKey>(dimension.size());
        m_radix.push_back(radix);
        m_strides.push_back(stride);
        if (stride > std::numeric_limits<CellKey>::max() / 2 / radix) {
            throw DataError("the table over " + std::to_string(m_dimensions.size()) +
                " dimensions has too many code combinations to protect as one cube; publish fewer breakdowns");
        }
        stride *= radix;
    }
}

void Cube::set_views(std::vector<std::uint32_t> views)
{
    m_views = std::move(views);
}

std::uint32_t Cube::breakdown(CellKey key) const
{
    std::uint32_t bits = 0;
    for (std::size_t d = 0; d < m_dimensions.size(); ++d) {
        if (coord(key, d) != Dimension::root()) {
            bits |= 1U << d;
        }
    }
    return bits;
}

bool Cube::in_view(std::uint32_t breakdown) const
{
    if (m_views.empty()) {
        return true;
    }
    for (const std::uint32_t view : m_views) {
        if ((breakdown & ~view) == 0) {
            return true;
        }
    }
    return false;
}

bool Cube::sums_over(CellKey key, std::size_t d) const
{
    if (m_dimensions[d].is_leaf(coord(key, d))) {
        return false;
    }
    return published(key) && in_view(breakdown(key) | (1U << d));
}

CellKey Cube::key_of(std::span<const NodeId> coords) const
{
    CellKey key = 0;
    for (std::size_t d = 0; d < coords.size(); ++d) {
        key += static_cast<CellKey>(coords[d]) * m_strides[d];
    }
    return key;
}

CellId Cube::find_or_add(CellKey key)
{
    const auto next = static_cast<CellId>(m_keys.size());
    const CellId id = m_index.insert(key, next);
    if (id == next) {
        m_keys.push_back(key);
        m_values.resize(m_values.size() + m_measures.size(), 0);
        m_status.push_back(CellStatus::published);
    }
    return id;
}

void Cube::add_leaf(std::span<const NodeId> coords, std::span<const std::int64_t> values)
{
    for (std::size_t d = 0; d < coords.size(); ++d) {
        if (!m_dimensions[d].is_leaf(coords[d])) {
            throw std::invalid_argument("cube: code '" + m_dimensions[d].code(coords[d]) + "' of " +
                m_dimensions[d].name() + " is a margin, not a leaf");
        }
    }
    const CellId cell = find_or_add(key_of(coords));
    for (std::size_t m = 0; m < m_measures.size(); ++m) {
        m_values[static_cast<std::size_t>(cell) * m_measures.size() + m] += values[m];
    }
}

void Cube::aggregate()
{
    // One dimension at a time: before dimension d is summed, every cell has a leaf in d, so adding
    // each cell to its ancestors in d counts every leaf once in every margin.
    const std::size_t measures = m_measures.size();
    std::vector<std::int64_t> carried(measures);
    for (std::size_t d = 0; d < m_dimensions.size(); ++d) {
        const Dimension& dimension = m_dimensions[d];
        const std::size_t existing = m_keys.size();
        for (std::size_t c = 0; c < existing; ++c) {
            const CellKey key = m_keys[c];
            for (std::size_t m = 0; m < measures; ++m) {
                carried[m] = m_values[c * measures + m];
            }
            NodeId node = coord(key, d);
            while (node != Dimension::root()) {
                node = dimension.parent(node);
                const CellId target = find_or_add(with_coord(key, d, node));
                for (std::size_t m = 0; m < measures; ++m) {
                    m_values[static_cast<std::size_t>(target) * measures + m] += carried[m];
                }
            }
        }
    }
}

CellId Cube::add_cell(std::span<const NodeId> coords, std::span<const std::int64_t> values, CellStatus status)
{
    const CellId cell = find_or_add(key_of(coords));
    for (std::size_t m = 0; m < m_measures.size(); ++m) {
        m_values[static_cast<std::size_t>(cell) * m_measures.size() + m] = values[m];
    }
    m_status[cell] = status;
    return cell;
}

bool Cube::is_leaf(CellKey key) const
{
    for (std::size_t d = 0; d < m_dimensions.size(); ++d) {
        if (!m_dimensions[d].is_leaf(coord(key, d))) {
            return false;
        }
    }
    return true;
}

std::string Cube::describe(CellKey key) const
{
    std::string text;
    for (std::size_t d = 0; d < m_dimensions.size(); ++d) {
        text += (d == 0 ? "" : "|") + m_dimensions[d].code(coord(key, d));
    }
    return text;
}

} // namespace migratlas::disclose
