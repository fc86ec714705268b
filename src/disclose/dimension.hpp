// One dimension of a protected table: its codes, with the hierarchy an attacker can sum along
// (unit -> parent -> country -> _T, month -> _T, sex -> _T). Part of the disclosure model (cube.hpp).
#pragma once

#include "disclose/published_layer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace migratlas::disclose {

using NodeId = std::uint32_t;


/// A tree of codes under the total `_T` (node 0). Every published margin is a node with children:
/// its value is the sum of its children's values. Data sit on leaves.
class Dimension {
public:
    explicit Dimension(std::string name);

    /// Adds `code` under `parent` (an existing code, or `_T`); returns the new node. Adding a code
    /// twice with the same parent returns the existing node; with another parent it throws
    /// std::invalid_argument.
    NodeId add(const std::string& code, std::string_view parent = total_code, std::string label = {});

    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] static constexpr NodeId root() { return 0; }
    [[nodiscard]] std::size_t size() const { return m_codes.size(); }
    [[nodiscard]] std::optional<NodeId> find(std::string_view code) const;
    [[nodiscard]] const std::string& code(NodeId node) const { return m_codes[node]; }
    [[nodiscard]] const std::string& label(NodeId node) const { return m_labels[node]; }
    [[nodiscard]] NodeId parent(NodeId node) const { return m_parents[node]; }
    [[nodiscard]] const std::vector<NodeId>& children(NodeId node) const { return m_children[node]; }
    [[nodiscard]] bool is_leaf(NodeId node) const { return m_children[node].empty(); }
    /// 0 for `_T`, 1 for its children, ...
    [[nodiscard]] int depth(NodeId node) const { return m_depths[node]; }
    /// True when `node` is `ancestor` or lies below it.
    [[nodiscard]] bool within(NodeId node, NodeId ancestor) const;

private:
    std::string m_name;
    std::vector<std::string> m_codes;
    std::vector<std::string> m_labels;
    std::vector<NodeId> m_parents;
    std::vector<std::vector<NodeId>> m_children;
    std::vector<int> m_depths;
    std::unordered_map<std::string, NodeId> m_index;
};

} // namespace migratlas::disclose
