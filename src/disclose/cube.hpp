// The disclosure model of one protected table family: a sparse cube of count cells over
// hierarchical dimensions, holding every margin the published tables imply, with one status per
// cell. The gate fills it from workspace products; the audit fills it from published files.
#pragma once

#include "disclose/dimension.hpp"
#include "disclose/published_layer.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace migratlas::disclose {

using CellId = std::uint32_t;
/// A cell's coordinates packed in mixed radix (one digit per dimension, the node id).
using CellKey = std::uint64_t;

/// Open-addressing map CellKey -> CellId (the cube's hot path: millions of lookups per table).
class CellIndex {
public:
    [[nodiscard]] const CellId* find(CellKey key) const;
    /// Inserts (key, id) when key is absent; returns the id stored for key.
    CellId insert(CellKey key, CellId id);
    [[nodiscard]] std::size_t size() const { return m_size; }
    void reserve(std::size_t entries);

private:
    static constexpr CellKey empty_key = ~CellKey{0};
    void grow();
    std::vector<CellKey> m_keys;
    std::vector<CellId> m_ids;
    std::size_t m_size = 0;
};

class Cube {
public:
    /// `measures` are the count columns protected together (a cell hidden in one is hidden in all,
    /// so that persons <= events cannot narrow a hidden persons value through a published one).
    Cube(std::vector<Dimension> dimensions, std::vector<std::string> measures);

    [[nodiscard]] const std::vector<Dimension>& dimensions() const { return m_dimensions; }
    [[nodiscard]] const Dimension& dimension(std::size_t d) const { return m_dimensions[d]; }
    [[nodiscard]] std::size_t rank() const { return m_dimensions.size(); }
    [[nodiscard]] const std::vector<std::string>& measures() const { return m_measures; }
    [[nodiscard]] std::size_t size() const { return m_keys.size(); }

    [[nodiscard]] CellKey key_of(std::span<const NodeId> coords) const;
    [[nodiscard]] NodeId coord(CellKey key, std::size_t d) const
    {
        return static_cast<NodeId>((key / m_strides[d]) % m_radix[d]);
    }
    [[nodiscard]] CellKey stride(std::size_t d) const { return m_strides[d]; }
    /// The key of `key` with its coordinate in dimension `d` replaced by `node`.
    [[nodiscard]] CellKey with_coord(CellKey key, std::size_t d, NodeId node) const
    {
        return key - static_cast<CellKey>(coord(key, d)) * m_strides[d] + static_cast<CellKey>(node) * m_strides[d];
    }
    [[nodiscard]] const CellId* find(CellKey key) const { return m_index.find(key); }

    /// The published tables of the family, each as the set of dimensions it breaks down by (bit d
    /// set = dimension d varies; the others are `_T`). A cell is published when some view holds it.
    /// No views = one view over every dimension: the full table with every margin.
    void set_views(std::vector<std::uint32_t> views);
    [[nodiscard]] const std::vector<std::uint32_t>& views() const { return m_views; }
    /// Dimensions never summed (bit d set): each of their codes is a table of its own, and a cell
    /// at `_T` in one of them is not published.
    void set_separate(std::uint32_t dimensions) { m_separate = dimensions; }
    [[nodiscard]] std::uint32_t separate() const { return m_separate; }
    [[nodiscard]] bool published(CellKey key) const { return published_breakdown(breakdown(key)); }
    /// published() of a cell given its breakdown (bit d set: not `_T` in dimension d), for callers
    /// that walk many cells and know it without decoding the key.
    [[nodiscard]] bool published_breakdown(std::uint32_t bits) const
    {
        return (bits & m_separate) == m_separate && in_view(bits);
    }
    /// True when the published tables state that the cell at `key` is the sum of its children in
    /// dimension `d` (the cell and its children are all published).
    [[nodiscard]] bool sums_over(CellKey key, std::size_t d) const;
    /// The cell at `key`, added as a zero (published) cell when absent.
    CellId find_or_add(CellKey key);

    /// Adds `values` to the leaf cell at `coords` (every coordinate a leaf; std::invalid_argument
    /// otherwise). Call aggregate() once all leaves are in.
    void add_leaf(std::span<const NodeId> coords, std::span<const std::int64_t> values);
    /// Creates every margin cell (each ancestor combination) with the sum of the leaves below it.
    void aggregate();
    /// Adds one cell as published (any level; the audit's way in). Returns its id.
    CellId add_cell(std::span<const NodeId> coords, std::span<const std::int64_t> values, CellStatus status);

    [[nodiscard]] CellKey key(CellId cell) const { return m_keys[cell]; }
    [[nodiscard]] std::int64_t value(CellId cell, std::size_t measure) const
    {
        return m_values[static_cast<std::size_t>(cell) * m_measures.size() + measure];
    }
    void set_value(CellId cell, std::size_t measure, std::int64_t value)
    {
        m_values[static_cast<std::size_t>(cell) * m_measures.size() + measure] = value;
    }
    [[nodiscard]] CellStatus status(CellId cell) const { return m_status[cell]; }
    void set_status(CellId cell, CellStatus status) { m_status[cell] = status; }
    [[nodiscard]] bool hidden(CellId cell) const { return m_status[cell] != CellStatus::published; }
    /// True when every coordinate of the cell is a leaf.
    [[nodiscard]] bool is_leaf(CellKey key) const;
    /// The cell's codes, "_T" for totals, joined with '|' (messages and tests).
    [[nodiscard]] std::string describe(CellKey key) const;

private:
    [[nodiscard]] std::uint32_t breakdown(CellKey key) const;
    [[nodiscard]] bool in_view(std::uint32_t breakdown) const;

    std::vector<Dimension> m_dimensions;
    std::vector<std::uint32_t> m_views;
    std::uint32_t m_separate = 0;
    std::vector<std::string> m_measures;
    std::vector<CellKey> m_radix;
    std::vector<CellKey> m_strides;
    CellIndex m_index;
    std::vector<CellKey> m_keys;
    std::vector<std::int64_t> m_values;
    std::vector<CellStatus> m_status;
};

} // namespace migratlas::disclose
