#include "disclose/product_layout.hpp"

#include <stdexcept>

namespace migratlas::disclose {

namespace {

std::vector<std::string> split(std::string_view text, char separator)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(separator, start), text.size());
        std::string part(text.substr(start, end - start));
        while (!part.empty() && part.front() == ' ') {
            part.erase(part.begin());
        }
        while (!part.empty() && part.back() == ' ') {
            part.pop_back();
        }
        if (!part.empty()) {
            parts.push_back(part);
        }
        start = end + 1;
    }
    return parts;
}

std::logic_error bad_declaration(const ProductSpec& spec, const ColumnSpec& column, const std::string& what)
{
    return std::logic_error("product '" + std::string(spec.name) + "', column '" + std::string(column.name) + "': " + what);
}

/// "{code:alt+alt code:alt}" -> code -> the linked product's codes it sums (entries are
/// separated by spaces: ',' and ';' already separate the cell's assignments).
std::map<std::string, std::vector<std::string>> parse_expansions(const ProductSpec& spec, const ColumnSpec& column,
    const std::string& text)
{
    if (text.size() < 2 || text.back() != '}') {
        throw bad_declaration(spec, column, "code expansion '" + text + "' is not {code:code+code ...}");
    }
    std::map<std::string, std::vector<std::string>> expansions;
    for (const std::string& entry : split(text.substr(1, text.size() - 2), ' ')) {
        const std::size_t colon = entry.find(':');
        if (colon == std::string::npos || colon == 0) {
            throw bad_declaration(spec, column, "code expansion '" + entry + "' is not code:code+code");
        }
        std::vector<std::string> codes = split(entry.substr(colon + 1), '+');
        if (codes.empty()) {
            throw bad_declaration(spec, column, "code expansion '" + entry + "' names no code");
        }
        expansions[entry.substr(0, colon)] = std::move(codes);
    }
    return expansions;
}

CellLink parse_link(const ProductSpec& spec, const ColumnSpec& column)
{
    CellLink link;
    const std::string text(column.cell.empty() ? column.name : column.cell);
    const std::vector<std::string> parts = split(text, ';');
    if (parts.empty()) {
        throw bad_declaration(spec, column, "empty cell");
    }
    link.count = parts[0];
    for (std::size_t i = 1; i < parts.size(); ++i) {
        for (const std::string& assignment : split(parts[i], ',')) {
            const std::size_t equals = assignment.find('=');
            if (equals == std::string::npos) {
                throw bad_declaration(spec, column, "cell assignment '" + assignment + "' is not dimension=column");
            }
            const std::string dimension = assignment.substr(0, equals);
            std::string value = assignment.substr(equals + 1);
            if (const std::size_t brace = value.find('{'); brace != std::string::npos) {
                link.expansions[dimension] = parse_expansions(spec, column, value.substr(brace));
                value.erase(brace);
            }
            if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
                link.codes[dimension] = value.substr(1, value.size() - 2);
            } else if (spec.has_column(value) && spec.columns[spec.column_index(value)].role == ColumnRole::key) {
                link.columns[dimension] = value;
            } else {
                throw bad_declaration(spec, column, "cell assignment '" + assignment + "' names no key column");
            }
        }
    }
    return link;
}

} // namespace

ProductLayout layout_of(const ProductSpec& spec)
{
    ProductLayout layout;
    layout.spec = &spec;
    std::vector<std::size_t> all_counts;
    for (std::size_t i = 0; i < spec.columns.size(); ++i) {
        if (spec.columns[i].role == ColumnRole::count) {
            all_counts.push_back(i);
        }
    }
    for (std::size_t i = 0; i < spec.columns.size(); ++i) {
        const ColumnSpec& column = spec.columns[i];
        switch (column.role) {
        case ColumnRole::key:
            layout.keys.push_back(KeyLayout{i, column.margin,
                column.total_code.empty() ? std::string("_T") : std::string(column.total_code)});
            break;
        case ColumnRole::count:
            if (column.type != ColumnType::integer) {
                throw bad_declaration(spec, column, "a count must be an integer column");
            }
            layout.counts.push_back(i);
            if (!spec.linked_to.empty()) {
                layout.links.push_back(parse_link(spec, column));
            }
            break;
        case ColumnRole::measure:
        case ColumnRole::attribute: {
            if (column.role == ColumnRole::attribute && column.derived_from.empty()) {
                break;
            }
            DerivedLayout derived{i, column.derived_from == "*", {}};
            if (!derived.whole_table) {
                if (column.derived_from.empty()) {
                    derived.sources = all_counts;
                }
                for (const std::string& source : split(column.derived_from, ',')) {
                    if (!spec.has_column(source) || spec.columns[spec.column_index(source)].role != ColumnRole::count) {
                        throw bad_declaration(spec, column, "derived_from '" + source + "' is not a count column");
                    }
                    derived.sources.push_back(spec.column_index(source));
                }
            }
            layout.derived.push_back(std::move(derived));
            break;
        }
        }
    }
    if (!spec.cv_column.empty()) {
        layout.cv_column = spec.column_index(spec.cv_column);
    }
    return layout;
}

} // namespace migratlas::disclose
