#include "disclose/dimension.hpp"

#include <stdexcept>

namespace migratlas::disclose {

Dimension::Dimension(std::string name) : m_name(std::move(name))
{
    m_codes.emplace_back(total_code);
    m_labels.emplace_back("total");
    m_parents.push_back(root());
    m_children.emplace_back();
    m_depths.push_back(0);
    m_index.emplace(std::string(total_code), root());
}

NodeId Dimension::add(const std::string& code, std::string_view parent, std::string label)
{
    const std::optional<NodeId> parent_node = find(parent);
    if (!parent_node) {
        throw std::invalid_argument("dimension " + m_name + ": parent '" + std::string(parent) + "' of '" + code +
            "' is not a code of the dimension");
    }
    if (const std::optional<NodeId> existing = find(code)) {
        if (*existing == root() || m_parents[*existing] != *parent_node) {
            throw std::invalid_argument("dimension " + m_name + ": code '" + code + "' appears under two parents");
        }
        return *existing;
    }
    const auto node = static_cast<NodeId>(m_codes.size());
    m_codes.push_back(code);
    m_labels.push_back(std::move(label));
    m_parents.push_back(*parent_node);
    m_children.emplace_back();
    m_children[*parent_node].push_back(node);
    m_depths.push_back(m_depths[*parent_node] + 1);
    m_index.emplace(code, node);
    return node;
}

std::optional<NodeId> Dimension::find(std::string_view code) const
{
    const auto it = m_index.find(std::string(code));
    if (it == m_index.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool Dimension::within(NodeId node, NodeId ancestor) const
{
    while (true) {
        if (node == ancestor) {
            return true;
        }
        if (node == root()) {
            return false;
        }
        node = m_parents[node];
    }
}

} // namespace migratlas::disclose
