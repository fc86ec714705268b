#include "disclose/family_table.hpp"

#include "common/error.hpp"
#include "disclose/primary_rule.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace migratlas::disclose {

namespace {

/// A separate (never summed) key may hold the text `_T` as an ordinary code ("not a breakdown");
/// inside the cube it must not be mistaken for the dimension's total.
constexpr std::string_view separate_total_alias = "_T.";
constexpr std::string_view unallocated_suffix = "_X";

std::string code_text(const TableValue& value)
{
    if (const auto* text = std::get_if<std::string>(&value)) {
        return text->empty() ? std::string(unknown_code) : *text;
    }
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        return std::to_string(*integer);
    }
    if (const auto* real = std::get_if<double>(&value)) {
        return std::to_string(*real);
    }
    return std::string(unknown_code);
}

std::string product_name(const ProductLayout& layout)
{
    return std::string(layout.spec->name);
}

const std::string& column_name(const ProductLayout& layout, std::size_t column)
{
    static thread_local std::string name;
    name = std::string(layout.spec->columns[column].name);
    return name;
}

Dimension key_dimension(const ProductLayout& layout, const KeyLayout& key, const Table& rows, const UnitHierarchy& units)
{
    Dimension dimension{std::string(layout.spec->columns[key.column].name)};
    std::set<std::string> codes;
    for (const auto& row : rows.rows) {
        codes.insert(code_text(row[key.column]));
    }
    if (key.margin == Margin::none) {
        for (const std::string& code : codes) {
            dimension.add(code == "_T" ? std::string(separate_total_alias) : code);
        }
        return dimension;
    }
    codes.erase(key.total_code);
    if (key.margin != Margin::units) {
        for (const std::string& code : codes) {
            dimension.add(code);
        }
        return dimension;
    }
    for (const std::string& code : codes) {
        // The unit's chain up to its country, added top-down so that every parent exists first.
        std::vector<std::string> chain{code};
        for (auto it = units.units.find(code); it != units.units.end() && !it->second.parent.empty();
             it = units.units.find(it->second.parent)) {
            chain.push_back(it->second.parent);
        }
        std::string parent(total_code);
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            const auto unit = units.units.find(*it);
            dimension.add(*it, parent, unit == units.units.end() ? std::string() : unit->second.name);
            parent = *it;
        }
    }
    // A row at a unit that also has rows below it (a residence declared at level 2 beside others at
    // level 3) becomes the leaf "<code>_X": the part of the unit not allocated to a lower level.
    for (const std::string& code : codes) {
        const NodeId node = *dimension.find(code);
        if (!dimension.is_leaf(node) && !dimension.find(code + std::string(unallocated_suffix))) {
            dimension.add(code + std::string(unallocated_suffix), code, dimension.label(node) + " (not allocated below)");
        }
    }
    return dimension;
}

std::vector<Dimension> dimensions_of(const ProductLayout& layout, const Table& rows, const UnitHierarchy& units)
{
    std::vector<Dimension> dimensions;
    for (const KeyLayout& key : layout.keys) {
        dimensions.push_back(key_dimension(layout, key, rows, units));
    }
    return dimensions;
}

std::vector<std::string> count_names(const ProductLayout& layout)
{
    std::vector<std::string> names;
    for (const std::size_t column : layout.counts) {
        names.emplace_back(layout.spec->columns[column].name);
    }
    if (names.empty()) {
        throw std::logic_error("product '" + product_name(layout) + "' has no count column to protect");
    }
    return names;
}

std::uint32_t separate_mask(const ProductLayout& layout)
{
    std::uint32_t mask = 0;
    for (std::size_t d = 0; d < layout.keys.size(); ++d) {
        if (layout.keys[d].margin == Margin::none) {
            mask |= 1U << d;
        }
    }
    return mask;
}

/// The node of `code` in key dimension `d` for a data row: totals at the root, a code with rows
/// below it at its unallocated leaf.
std::optional<NodeId> data_node(const Dimension& dimension, const KeyLayout& key, const std::string& code)
{
    if (key.margin == Margin::none) {
        return dimension.find(code == "_T" ? std::string(separate_total_alias) : code);
    }
    if (code == key.total_code) {
        return Dimension::root();
    }
    const std::optional<NodeId> node = dimension.find(code);
    if (node && !dimension.is_leaf(*node)) {
        if (const auto unallocated = dimension.find(code + std::string(unallocated_suffix))) {
            return unallocated;
        }
    }
    return node;
}

std::string output_code(const Dimension& dimension, const KeyLayout& key, NodeId node)
{
    if (node == Dimension::root()) {
        return key.total_code;
    }
    const std::string& code = dimension.code(node);
    return key.margin == Margin::none && code == separate_total_alias ? std::string(total_code) : code;
}

/// The layout the cube is built on: a summed key whose rows all hold its total code ("_T when not a
/// breakdown": flows by sex only has nationality `_T` throughout) has nothing to sum. It is a
/// dimension of one code, never summed, like a key declared `none`; a summed dimension with only
/// its root would give the hypercube moves no partner.
ProductLayout effective_layout(const ProductLayout& base, const Table& rows)
{
    ProductLayout layout = base;
    for (KeyLayout& key : layout.keys) {
        if (key.margin == Margin::none) {
            continue;
        }
        const bool only_total = std::all_of(rows.rows.begin(), rows.rows.end(),
            [&](const std::vector<TableValue>& row) { return code_text(row[key.column]) == key.total_code; });
        if (only_total) {
            key.margin = Margin::none;
        }
    }
    return layout;
}

} // namespace

FamilyTable::FamilyTable(const ProductLayout& base, Table rows, const UnitHierarchy& units)
    : m_base(effective_layout(base, rows)), m_cube(dimensions_of(m_base, rows, units), count_names(m_base)),
      m_rows(std::move(rows))
{
    if (base.keys.size() > 30) {
        throw std::logic_error("product '" + product_name(base) + "' has more than 30 keys");
    }
    m_cube.set_separate(separate_mask(m_base));
    add_rows();
    m_cube.aggregate();
    check_stated_totals();
}

void FamilyTable::add_rows()
{
    std::vector<NodeId> coords(m_base.keys.size());
    std::vector<std::int64_t> values(m_base.counts.size());
    for (std::size_t r = 0; r < m_rows.rows.size(); ++r) {
        const auto& row = m_rows.rows[r];
        bool leaf = true;
        for (std::size_t d = 0; d < m_base.keys.size(); ++d) {
            coords[d] = *data_node(m_cube.dimension(d), m_base.keys[d], code_text(row[m_base.keys[d].column]));
            leaf = leaf && m_cube.dimension(d).is_leaf(coords[d]);
        }
        for (std::size_t m = 0; m < m_base.counts.size(); ++m) {
            const TableValue& value = row[m_base.counts[m]];
            values[m] = std::holds_alternative<std::int64_t>(value) ? std::get<std::int64_t>(value) : 0;
            if (values[m] < 0) {
                throw DataError(product_name(m_base) + ": row " + std::to_string(r + 1) + " has a negative " +
                    column_name(m_base, m_base.counts[m]) + " (" + std::to_string(values[m]) + "); counts cannot be protected");
            }
        }
        const CellKey key = m_cube.key_of(coords);
        if (!m_row_of_cell.emplace(key, r).second) {
            throw DataError(product_name(m_base) + ": rows " + std::to_string(m_row_of_cell[key] + 1) + " and " +
                std::to_string(r + 1) + " have the same keys (" + m_cube.describe(key) + ")");
        }
        if (leaf) {
            m_cube.add_leaf(coords, values);
        } else {
            m_stated_totals.emplace_back(key, r);
        }
    }
}

void FamilyTable::check_stated_totals() const
{
    // A row the product states as a total must be the sum of its parts, or the published margins
    // would contradict each other (and the attacker's equations would not be the table's).
    for (const auto& [key, r] : m_stated_totals) {
        const CellId* cell = m_cube.find(key);
        for (std::size_t m = 0; m < m_base.counts.size(); ++m) {
            const TableValue& stated = m_rows.rows[r][m_base.counts[m]];
            const std::int64_t value = std::holds_alternative<std::int64_t>(stated) ? std::get<std::int64_t>(stated) : 0;
            const std::int64_t sum = cell == nullptr ? 0 : m_cube.value(*cell, m);
            if (value != sum) {
                throw DataError(product_name(m_base) + ": row " + std::to_string(r + 1) + " (" + m_cube.describe(key) +
                    ") states " + column_name(m_base, m_base.counts[m]) + " = " + std::to_string(value) +
                    " but its parts sum to " + std::to_string(sum) + "; a table whose totals do not add up cannot be protected");
            }
        }
    }
}

ProtectionReport FamilyTable::protect(const ProtectionRule& rule, std::vector<CellCertificate>* certificates)
{
    m_rule = rule;
    (void)apply_primary(m_cube, rule.primary);
    return disclose::protect(m_cube, rule, certificates);
}

bool FamilyTable::restore(const ProtectionRule& rule, const StoredPattern& pattern)
{
    // The primaries are marked as protect() marks them, so that apply_pattern can check the stored
    // pattern against them; if it does not fit, protect() marks them again (the same cells).
    (void)apply_primary(m_cube, rule.primary);
    if (!apply_pattern(pattern, m_cube)) {
        return false;
    }
    m_rule = rule;
    return true;
}

std::optional<CellKey> FamilyTable::key_of(const std::vector<std::string>& codes) const
{
    std::vector<NodeId> coords(m_base.keys.size());
    for (std::size_t d = 0; d < m_base.keys.size(); ++d) {
        const std::optional<NodeId> node = data_node(m_cube.dimension(d), m_base.keys[d], codes[d]);
        if (!node) {
            return std::nullopt;
        }
        coords[d] = *node;
    }
    return m_cube.key_of(coords);
}

std::vector<PublishedColumn> FamilyTable::columns_with_status(const ProductLayout& layout) const
{
    std::set<std::size_t> statused(layout.counts.begin(), layout.counts.end());
    for (const DerivedLayout& derived : layout.derived) {
        statused.insert(derived.column);
    }
    std::vector<PublishedColumn> columns;
    for (std::size_t i = 0; i < layout.spec->columns.size(); ++i) {
        const ColumnSpec& column = layout.spec->columns[i];
        const ColumnType type = column.role == ColumnRole::key && column.margin != Margin::none ? ColumnType::text : column.type;
        columns.push_back(PublishedColumn{std::string(column.name), type, column.role, std::string(column.unit),
            std::string(column.description), std::string()});
        if (statused.count(i) > 0) {
            columns.push_back(PublishedColumn{std::string(column.name) + "_status", ColumnType::text,
                ColumnRole::attribute, "", "disclosure status of " + std::string(column.name) +
                    ": published, primary, secondary, withheld_quality or derived_hidden",
                std::string(column.name)});
        }
    }
    return columns;
}

std::vector<PublishedDimension> FamilyTable::published_dimensions() const
{
    std::vector<PublishedDimension> dimensions;
    for (std::size_t d = 0; d < m_base.keys.size(); ++d) {
        const KeyLayout& key = m_base.keys[d];
        if (key.margin == Margin::none) {
            continue;
        }
        const Dimension& dimension = m_cube.dimension(d);
        PublishedDimension published{std::string(m_base.spec->columns[key.column].name), {}};
        for (NodeId node = 1; node < dimension.size(); ++node) {
            published.codes.push_back(DimensionCode{dimension.code(node),
                output_code(dimension, key, dimension.parent(node)), dimension.label(node)});
        }
        dimensions.push_back(std::move(published));
    }
    return dimensions;
}

PublishedStructure FamilyTable::structure_of(const ProductLayout& layout) const
{
    PublishedStructure structure;
    structure.family = product_name(m_base);
    for (const KeyLayout& key : m_base.keys) {
        const std::string name(m_base.spec->columns[key.column].name);
        structure.family_keys.push_back(name);
        structure.total_codes.push_back(key.total_code);
        if (key.margin == Margin::none) {
            structure.separate.push_back(name);
        }
    }
    const bool is_base = layout.spec == m_base.spec;
    structure.complete = is_base && m_base.spec->geometry == GeometryKind::none;
    for (std::size_t c = 0; c < layout.counts.size(); ++c) {
        PublishedStructure::Count count;
        count.column = std::string(layout.spec->columns[layout.counts[c]].name);
        count.status_column = count.column + "_status";
        if (is_base) {
            count.family_count = count.column;
            for (const std::string& key : structure.family_keys) {
                count.coordinates.emplace_back(key, key);
            }
        } else {
            const CellLink& link = layout.links[c];
            count.family_count = link.count;
            count.expansions = link.expansions;
            for (const std::string& key : structure.family_keys) {
                if (const auto column = link.columns.find(key); column != link.columns.end()) {
                    count.coordinates.emplace_back(key, column->second);
                } else if (const auto code = link.codes.find(key); code != link.codes.end()) {
                    count.coordinates.emplace_back(key, "'" + code->second + "'");
                } else if (layout.spec->has_column(key) &&
                           layout.spec->columns[layout.spec->column_index(key)].role == ColumnRole::key) {
                    count.coordinates.emplace_back(key, key);
                }
            }
        }
        structure.counts.push_back(std::move(count));
    }
    return structure;
}

void FamilyTable::fill_derived(const ProductLayout& layout, const std::vector<TableValue>& data,
    const std::vector<CellStatus>& count_status, bool table_hidden, const QualityRule& quality,
    std::vector<TableValue>& out, std::int64_t& withheld) const
{
    // out holds the row in published column order; derived columns and their status follow the
    // declared column, so find them by declared index.
    std::map<std::size_t, std::size_t> position;
    for (std::size_t i = 0, p = 0; i < layout.spec->columns.size(); ++i, ++p) {
        position[i] = p;
        const bool statused = std::find(layout.counts.begin(), layout.counts.end(), i) != layout.counts.end() ||
            std::any_of(layout.derived.begin(), layout.derived.end(), [i](const DerivedLayout& d) { return d.column == i; });
        p += statused ? 1 : 0;
    }
    bool low_quality = false;
    if (layout.cv_column && !data.empty()) {
        const TableValue& cv = data[*layout.cv_column];
        low_quality = std::holds_alternative<double>(cv) && std::get<double>(cv) > quality.cv_limit_pct;
    }
    bool counted = false;
    for (const DerivedLayout& derived : layout.derived) {
        const std::size_t at = position[derived.column];
        if (data.empty()) {
            out[at] = TableValue{};
            out[at + 1] = TableValue{};
            continue;
        }
        bool hidden = derived.whole_table && table_hidden;
        for (const std::size_t source : derived.sources) {
            const auto index = static_cast<std::size_t>(
                std::find(layout.counts.begin(), layout.counts.end(), source) - layout.counts.begin());
            hidden = hidden || count_status[index] != CellStatus::published;
        }
        CellStatus status = hidden ? CellStatus::derived_hidden : CellStatus::published;
        if (!hidden && low_quality && quality.withhold && derived.column != *layout.cv_column) {
            status = CellStatus::withheld_quality;
            if (!counted) {
                ++withheld;
                counted = true;
            }
        }
        out[at] = status == CellStatus::published ? data[derived.column] : TableValue{};
        out[at + 1] = std::string(to_string(status));
    }
}

CellStatus FamilyTable::count_status(const CellId* cell, std::size_t measure) const
{
    if (cell == nullptr || !m_cube.hidden(*cell)) {
        return CellStatus::published;
    }
    const CellStatus status = m_cube.status(*cell);
    if ((status == CellStatus::primary && is_primary(m_cube.value(*cell, measure), m_rule.primary)) ||
        status == CellStatus::primary_dominance) {
        return status;
    }
    // Hidden with the other counts of its cell, or as a complement: either way not primary here.
    return CellStatus::secondary;
}

std::vector<TableValue> FamilyTable::cell_row(const ProductLayout& layout, const std::vector<TableValue>* data,
    const std::vector<std::string>& key_codes, const std::vector<std::int64_t>& counts,
    const std::vector<CellStatus>& status, bool table_hidden, const QualityRule& quality, std::int64_t& withheld) const
{
    std::vector<TableValue> out;
    std::size_t key = 0;
    std::size_t count = 0;
    for (std::size_t i = 0; i < layout.spec->columns.size(); ++i) {
        const ColumnSpec& column = layout.spec->columns[i];
        const bool derived = std::any_of(layout.derived.begin(), layout.derived.end(),
            [i](const DerivedLayout& d) { return d.column == i; });
        if (column.role == ColumnRole::key) {
            // The row's own value where the cell is the row (NULL stays NULL), else the cell's code;
            // keys with margins are published as text codes (a total is `_T`, even for a number).
            const bool own = data != nullptr && code_text((*data)[i]) == key_codes[key];
            const bool summed = layout.keys[key].margin != Margin::none;
            if (own && std::holds_alternative<std::monostate>((*data)[i])) {
                out.emplace_back();
            } else if (own && !summed) {
                out.push_back((*data)[i]);
            } else {
                out.emplace_back(key_codes[key]);
            }
            ++key;
        } else if (column.role == ColumnRole::count) {
            out.push_back(status[count] == CellStatus::published ? TableValue{counts[count]} : TableValue{});
            out.emplace_back(std::string(to_string(status[count])));
            ++count;
        } else if (derived) {
            out.emplace_back();
            out.emplace_back();
        } else {
            out.push_back(data == nullptr ? TableValue{} : (*data)[i]);
        }
    }
    static const std::vector<TableValue> no_data;
    fill_derived(layout, data == nullptr ? no_data : *data, status, table_hidden, quality, out, withheld);
    return out;
}

LayerRows FamilyTable::base_rows(const QualityRule& quality) const
{
    LayerRows layer;
    layer.columns = columns_with_status(m_base);
    for (const PublishedColumn& column : layer.columns) {
        layer.table.columns.push_back(TableColumn{column.name, column.type});
    }
    layer.dimensions = published_dimensions();
    layer.structure = structure_of(m_base);
    const bool with_geometry = m_base.spec->geometry != GeometryKind::none;
    // A layer with a geometry publishes its own features; the sums over them are published by
    // the layer's table form (export of the same product without geometry formats) and protected
    // here all the same.
    std::vector<CellId> cells;
    for (CellId cell = 0; cell < m_cube.size(); ++cell) {
        const CellKey key = m_cube.key(cell);
        if (m_cube.published(key) && (!with_geometry || m_row_of_cell.count(key) > 0)) {
            cells.push_back(cell);
        }
    }
    const std::size_t rank = m_cube.rank();
    std::vector<NodeId> coords(cells.size() * rank);
    for (std::size_t i = 0; i < cells.size(); ++i) {
        for (std::size_t d = 0; d < rank; ++d) {
            coords[i * rank + d] = m_cube.coord(m_cube.key(cells[i]), d);
        }
    }
    std::vector<std::size_t> order(cells.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::lexicographical_compare(coords.begin() + static_cast<std::ptrdiff_t>(a * rank),
            coords.begin() + static_cast<std::ptrdiff_t>((a + 1) * rank), coords.begin() + static_cast<std::ptrdiff_t>(b * rank),
            coords.begin() + static_cast<std::ptrdiff_t>((b + 1) * rank));
    });
    bool table_hidden = false;
    for (const CellId cell : cells) {
        table_hidden = table_hidden || m_cube.hidden(cell);
    }
    std::vector<std::string> codes(rank);
    std::vector<std::int64_t> counts(m_base.counts.size());
    std::vector<CellStatus> status(m_base.counts.size());
    for (const std::size_t i : order) {
        const CellId cell = cells[i];
        const CellKey key = m_cube.key(cell);
        for (std::size_t d = 0; d < rank; ++d) {
            codes[d] = output_code(m_cube.dimension(d), m_base.keys[d], coords[i * rank + d]);
        }
        for (std::size_t m = 0; m < counts.size(); ++m) {
            counts[m] = m_cube.value(cell, m);
            status[m] = count_status(&cell, m);
        }
        const auto row = m_row_of_cell.find(key);
        const std::vector<TableValue>* data = row == m_row_of_cell.end() ? nullptr : &m_rows.rows[row->second];
        layer.table.rows.push_back(cell_row(m_base, data, codes, counts, status, table_hidden, quality, layer.withheld_quality));
        if (with_geometry) {
            layer.table.geometry_wkb.push_back(m_rows.geometry_wkb[row->second]);
        }
    }
    return layer;
}

std::vector<std::vector<std::string>> FamilyTable::linked_codes(const ProductLayout& member, const CellLink& link,
    const std::vector<TableValue>& row) const
{
    std::vector<std::vector<std::string>> cells{{}};
    for (const KeyLayout& key : m_base.keys) {
        const std::string dimension(m_base.spec->columns[key.column].name);
        std::vector<std::string> options;
        if (const auto column = link.columns.find(dimension); column != link.columns.end()) {
            options.push_back(code_text(row[member.spec->column_index(column->second)]));
        } else if (const auto code = link.codes.find(dimension); code != link.codes.end()) {
            options.push_back(code->second);
        } else if (member.spec->has_column(dimension) &&
                   member.spec->columns[member.spec->column_index(dimension)].role == ColumnRole::key) {
            options.push_back(code_text(row[member.spec->column_index(dimension)]));
        } else {
            options.push_back(key.total_code);
        }
        if (const auto expansion = link.expansions.find(dimension); expansion != link.expansions.end()) {
            if (const auto codes = expansion->second.find(options.front()); codes != expansion->second.end()) {
                options = codes->second;
            }
        }
        std::vector<std::vector<std::string>> grown;
        for (const std::vector<std::string>& partial : cells) {
            for (const std::string& option : options) {
                grown.push_back(partial);
                grown.back().push_back(option);
            }
        }
        cells = std::move(grown);
    }
    return cells;
}

FamilyTable::LinkedCount FamilyTable::linked_count(const ProductLayout& member, const CellLink& link,
    const std::vector<TableValue>& row, std::size_t measure) const
{
    // The count is the sum of the base cells it names; absent cells are zeros of the table. One
    // cell: the count is that cell, protected with the family. Several: the sum is published only
    // when every term is, so it tells nothing the published cells do not.
    LinkedCount linked;
    std::size_t present = 0;
    for (const std::vector<std::string>& codes : linked_codes(member, link, row)) {
        const std::optional<CellKey> key = key_of(codes);
        const CellId* cell = key ? m_cube.find(*key) : nullptr;
        if (key && !m_cube.published(*key)) {
            throw std::logic_error("product '" + product_name(member) + "': its cell " + m_cube.describe(*key) +
                " is not published by '" + product_name(m_base) + "'");
        }
        if (cell == nullptr) {
            continue;
        }
        ++present;
        linked.key = key;
        linked.value += m_cube.value(*cell, measure);
        const CellStatus status = count_status(cell, measure);
        if (present == 1) {
            linked.status = status;
        } else if (status != CellStatus::published || linked.status != CellStatus::published) {
            linked.status = CellStatus::secondary;
        }
    }
    return linked;
}

LayerRows FamilyTable::member_rows(const ProductLayout& member, const Table& rows, const QualityRule& quality) const
{
    LayerRows layer;
    layer.columns = columns_with_status(member);
    layer.structure = structure_of(member);
    layer.dimensions = published_dimensions();
    for (const PublishedColumn& column : layer.columns) {
        layer.table.columns.push_back(TableColumn{column.name, column.type});
    }
    std::vector<std::size_t> base_count(member.counts.size());
    for (std::size_t c = 0; c < member.counts.size(); ++c) {
        const std::string& wanted = member.links[c].count;
        const auto it = std::find_if(m_base.counts.begin(), m_base.counts.end(),
            [&](std::size_t column) { return m_base.spec->columns[column].name == wanted; });
        if (it == m_base.counts.end()) {
            throw std::logic_error("product '" + product_name(member) + "' links to count '" + wanted + "' of '" +
                product_name(m_base) + "', which has no such count");
        }
        base_count[c] = static_cast<std::size_t>(it - m_base.counts.begin());
    }
    std::vector<std::vector<std::int64_t>> counts(rows.rows.size(), std::vector<std::int64_t>(member.counts.size()));
    std::vector<std::vector<CellStatus>> status(rows.rows.size(), std::vector<CellStatus>(member.counts.size()));
    bool table_hidden = false;
    for (std::size_t r = 0; r < rows.rows.size(); ++r) {
        const auto& row = rows.rows[r];
        for (std::size_t c = 0; c < member.counts.size(); ++c) {
            const LinkedCount linked = linked_count(member, member.links[c], row, base_count[c]);
            counts[r][c] = linked.value;
            status[r][c] = linked.status;
            table_hidden = table_hidden || status[r][c] != CellStatus::published;
            const std::optional<CellKey>& key = linked.key;
            const TableValue& own = row[member.counts[c]];
            if (std::holds_alternative<std::int64_t>(own) && std::get<std::int64_t>(own) != counts[r][c]) {
                throw DataError(product_name(member) + ": row " + std::to_string(r + 1) + " has " +
                    column_name(member, member.counts[c]) + " = " + std::to_string(std::get<std::int64_t>(own)) +
                    " but the cell of " + product_name(m_base) + " it is declared as (" +
                    (key ? m_cube.describe(*key) : std::string("absent")) + ") holds " + std::to_string(counts[r][c]) +
                    "; the products are not from the same run");
            }
        }
    }
    for (std::size_t r = 0; r < rows.rows.size(); ++r) {
        std::vector<std::string> codes;
        for (const KeyLayout& key : member.keys) {
            codes.push_back(code_text(rows.rows[r][key.column]));
        }
        layer.table.rows.push_back(
            cell_row(member, &rows.rows[r], codes, counts[r], status[r], table_hidden, quality, layer.withheld_quality));
    }
    layer.table.geometry_wkb = rows.geometry_wkb;
    return layer;
}

} // namespace migratlas::disclose
