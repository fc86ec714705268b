#include "workspace/spatial_index.hpp"

#include "common/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

namespace migratlas::workspace {

namespace {

struct Box {
    float min_x = 0, max_x = 0, min_y = 0, max_y = 0;
};

struct Cell {
    std::int64_t id = 0;  ///< an entry's id at the leaves; the index of a child node in the level below
    Box box;
};

/// A node under construction: its cells, and the box that holds them.
struct Node {
    std::vector<Cell> cells;
    Box box;
};

constexpr std::size_t cell_bytes = 8 + 4 * 4;

float down(double value)
{
    float f = static_cast<float>(value);
    if (static_cast<double>(f) > value) {
        f = std::nextafter(f, -std::numeric_limits<float>::infinity());
    }
    return f;
}

float up(double value)
{
    float f = static_cast<float>(value);
    if (static_cast<double>(f) < value) {
        f = std::nextafter(f, std::numeric_limits<float>::infinity());
    }
    return f;
}

Box bounds(const std::vector<Cell>& cells)
{
    Box b = cells.front().box;
    for (const Cell& c : cells) {
        b.min_x = std::min(b.min_x, c.box.min_x);
        b.max_x = std::max(b.max_x, c.box.max_x);
        b.min_y = std::min(b.min_y, c.box.min_y);
        b.max_y = std::max(b.max_y, c.box.max_y);
    }
    return b;
}

/// Sort-tile-recursive packing of one level: vertical slices of whole nodes by x, then nodes by y.
std::vector<Node> pack_level(std::vector<Cell> cells, std::size_t capacity)
{
    const std::size_t node_count = (cells.size() + capacity - 1) / capacity;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(node_count))));
    const std::size_t per_slice = slices * capacity;
    const auto centre_x = [](const Cell& a, const Cell& b) {
        return a.box.min_x + a.box.max_x < b.box.min_x + b.box.max_x;
    };
    const auto centre_y = [](const Cell& a, const Cell& b) {
        return a.box.min_y + a.box.max_y < b.box.min_y + b.box.max_y;
    };
    std::stable_sort(cells.begin(), cells.end(), centre_x);
    std::vector<Node> nodes;
    for (std::size_t start = 0; start < cells.size(); start += per_slice) {
        const auto first = cells.begin() + static_cast<std::ptrdiff_t>(start);
        const auto last = cells.begin() + static_cast<std::ptrdiff_t>(std::min(cells.size(), start + per_slice));
        std::stable_sort(first, last, centre_y);
        for (auto it = first; it < last;) {
            const auto take = std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(capacity), last - it);
            Node node;
            node.cells.assign(it, it + take);
            node.box = bounds(node.cells);
            nodes.push_back(std::move(node));
            it += take;
        }
    }
    return nodes;
}

void put_u16(std::string& data, std::size_t at, unsigned value)
{
    data[at] = static_cast<char>((value >> 8) & 0xff);
    data[at + 1] = static_cast<char>(value & 0xff);
}

void put_u64(std::string& data, std::size_t at, std::uint64_t value)
{
    for (int i = 0; i < 8; ++i) {
        data[at + static_cast<std::size_t>(i)] = static_cast<char>((value >> (56 - 8 * i)) & 0xff);
    }
}

void put_float(std::string& data, std::size_t at, float value)
{
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    for (int i = 0; i < 4; ++i) {
        data[at + static_cast<std::size_t>(i)] = static_cast<char>((bits >> (24 - 8 * i)) & 0xff);
    }
}

std::string node_blob(const std::vector<Cell>& cells, const std::vector<std::int64_t>& ids, std::size_t node_bytes,
    unsigned depth)
{
    std::string data(node_bytes, '\0');
    put_u16(data, 0, depth);
    put_u16(data, 2, static_cast<unsigned>(cells.size()));
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::size_t at = 4 + i * cell_bytes;
        put_u64(data, at, static_cast<std::uint64_t>(ids[i]));
        put_float(data, at + 8, cells[i].box.min_x);
        put_float(data, at + 12, cells[i].box.max_x);
        put_float(data, at + 16, cells[i].box.min_y);
        put_float(data, at + 20, cells[i].box.max_y);
    }
    return data;
}

struct FinalizeStatement {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

std::string quoted(const std::string& name)
{
    std::string text = "\"";
    for (const char c : name) {
        text += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return text + "\"";
}

std::string literal(const std::string& text)
{
    std::string out = "'";
    for (const char c : text) {
        out += c == '\'' ? std::string("''") : std::string(1, c);
    }
    return out + "'";
}

[[noreturn]] void fail(sqlite3* db, const std::string& table, const std::string& what)
{
    throw Error("cannot build the spatial index of '" + table + "': " + what + ": " + sqlite3_errmsg(db));
}

void execute(sqlite3* db, const std::string& table, const std::string& sql)
{
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
        fail(db, table, sql);
    }
}

Statement prepare(sqlite3* db, const std::string& table, const std::string& sql)
{
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
        fail(db, table, sql);
    }
    return Statement(raw);
}

void step(sqlite3* db, const std::string& table, sqlite3_stmt* statement)
{
    if (sqlite3_step(statement) != SQLITE_DONE) {
        fail(db, table, sqlite3_sql(statement));
    }
    sqlite3_reset(statement);
}

/// The triggers of GeoPackage 1.2 annex F.3 (extension gpkg_rtree_index), which keep the index in step
/// with later edits of the table (QGIS, ogr2ogr or a later run).
std::vector<std::string> rtree_triggers(const std::string& t, const std::string& c, const std::string& i)
{
    const std::string rtree = "rtree_" + t + "_" + c;
    const std::string r = quoted(rtree), tq = quoted(t), cq = quoted(c), iq = quoted(i);
    const std::string values = "VALUES (NEW." + iq + ", ST_MinX(NEW." + cq + "), ST_MaxX(NEW." + cq + "), ST_MinY(NEW." +
        cq + "), ST_MaxY(NEW." + cq + "))";
    const std::string present = "(NEW." + cq + " NOT NULL AND NOT ST_IsEmpty(NEW." + cq + "))";
    const std::string absent = "(NEW." + cq + " ISNULL OR ST_IsEmpty(NEW." + cq + "))";
    return {
        "CREATE TRIGGER " + quoted(rtree + "_insert") + " AFTER INSERT ON " + tq + " WHEN " + present +
            " BEGIN INSERT OR REPLACE INTO " + r + " " + values + "; END",
        "CREATE TRIGGER " + quoted(rtree + "_update1") + " AFTER UPDATE OF " + cq + " ON " + tq + " WHEN OLD." + iq +
            " = NEW." + iq + " AND " + present + " BEGIN INSERT OR REPLACE INTO " + r + " " + values + "; END",
        "CREATE TRIGGER " + quoted(rtree + "_update2") + " AFTER UPDATE OF " + cq + " ON " + tq + " WHEN OLD." + iq +
            " = NEW." + iq + " AND " + absent + " BEGIN DELETE FROM " + r + " WHERE id = OLD." + iq + "; END",
        "CREATE TRIGGER " + quoted(rtree + "_update3") + " AFTER UPDATE ON " + tq + " WHEN OLD." + iq + " != NEW." + iq +
            " AND " + present + " BEGIN DELETE FROM " + r + " WHERE id = OLD." + iq + "; INSERT OR REPLACE INTO " + r +
            " " + values + "; END",
        "CREATE TRIGGER " + quoted(rtree + "_update4") + " AFTER UPDATE ON " + tq + " WHEN OLD." + iq + " != NEW." + iq +
            " AND " + absent + " BEGIN DELETE FROM " + r + " WHERE id IN (OLD." + iq + ", NEW." + iq + "); END",
        "CREATE TRIGGER " + quoted(rtree + "_delete") + " AFTER DELETE ON " + tq + " WHEN OLD." + cq +
            " NOT NULL BEGIN DELETE FROM " + r + " WHERE id = OLD." + iq + "; END",
    };
}

} // namespace

PackedRtree pack_rtree(std::vector<IndexEntry> entries, std::size_t node_bytes)
{
    const std::size_t capacity = std::min<std::size_t>((node_bytes - 4) / cell_bytes, 51);  // SQLite's RTREE_MAXCELLS
    PackedRtree packed;
    if (entries.empty()) {
        packed.nodes.push_back({1, 0, std::string(node_bytes, '\0')});
        return packed;
    }
    std::vector<Cell> cells;
    cells.reserve(entries.size());
    for (const IndexEntry& e : entries) {
        cells.push_back({e.id, {down(e.min_x), up(e.max_x), down(e.min_y), up(e.max_y)}});
    }
    // Levels from the leaves up; a parent's cell names its child by index in the level below.
    std::vector<std::vector<Node>> levels{pack_level(std::move(cells), capacity)};
    while (levels.back().size() > 1) {
        std::vector<Cell> parents;
        for (std::size_t i = 0; i < levels.back().size(); ++i) {
            parents.push_back({static_cast<std::int64_t>(i), levels.back()[i].box});
        }
        levels.push_back(pack_level(std::move(parents), capacity));
    }
    // Node numbers from the root down: 1 for the root, then level after level.
    std::vector<std::vector<std::int64_t>> numbers(levels.size());
    std::int64_t next = 1;
    for (std::size_t l = levels.size(); l-- > 0;) {
        for (std::size_t i = 0; i < levels[l].size(); ++i) {
            numbers[l].push_back(next++);
        }
    }
    std::vector<std::vector<std::int64_t>> parent_of(levels.size());
    for (std::size_t l = 0; l < levels.size(); ++l) {
        parent_of[l].assign(levels[l].size(), 0);
    }
    const auto depth = static_cast<unsigned>(levels.size() - 1);
    for (std::size_t l = levels.size(); l-- > 0;) {
        for (std::size_t i = 0; i < levels[l].size(); ++i) {
            const Node& node = levels[l][i];
            std::vector<std::int64_t> ids;
            for (const Cell& cell : node.cells) {
                if (l == 0) {
                    ids.push_back(cell.id);
                    packed.leaf_of.emplace_back(cell.id, numbers[l][i]);
                } else {
                    const auto child = static_cast<std::size_t>(cell.id);
                    ids.push_back(numbers[l - 1][child]);
                    parent_of[l - 1][child] = numbers[l][i];
                }
            }
            const bool root = l == levels.size() - 1;
            packed.nodes.push_back({numbers[l][i], parent_of[l][i], node_blob(node.cells, ids, node_bytes, root ? depth : 0)});
        }
    }
    return packed;
}

void add_rtree_index(sqlite3* db, const std::string& table, const std::string& geometry_column,
    const std::string& id_column, std::vector<IndexEntry> entries)
{
    const std::string rtree = "rtree_" + table + "_" + geometry_column;
    execute(db, table, "CREATE VIRTUAL TABLE " + quoted(rtree) + " USING rtree(id, minx, maxx, miny, maxy)");
    // SQLite made the empty root; its size is the node size the module reads back.
    const Statement root = prepare(db, table, "SELECT length(data) FROM " + quoted(rtree + "_node") + " WHERE nodeno = 1");
    if (sqlite3_step(root.get()) != SQLITE_ROW) {
        fail(db, table, "the new R-tree has no root node");
    }
    const auto node_bytes = static_cast<std::size_t>(sqlite3_column_int64(root.get(), 0));
    const PackedRtree packed = pack_rtree(std::move(entries), node_bytes);

    const Statement node = prepare(db, table, "INSERT OR REPLACE INTO " + quoted(rtree + "_node") + " (nodeno, data) VALUES (?, ?)");
    const Statement parent = prepare(db, table, "INSERT INTO " + quoted(rtree + "_parent") + " (nodeno, parentnode) VALUES (?, ?)");
    const Statement rowid = prepare(db, table, "INSERT INTO " + quoted(rtree + "_rowid") + " (rowid, nodeno) VALUES (?, ?)");
    for (const RtreeNode& n : packed.nodes) {
        sqlite3_bind_int64(node.get(), 1, n.number);
        sqlite3_bind_blob(node.get(), 2, n.data.data(), static_cast<int>(n.data.size()), SQLITE_STATIC);
        step(db, table, node.get());
        if (n.parent != 0) {
            sqlite3_bind_int64(parent.get(), 1, n.number);
            sqlite3_bind_int64(parent.get(), 2, n.parent);
            step(db, table, parent.get());
        }
    }
    for (const auto& [id, leaf] : packed.leaf_of) {
        sqlite3_bind_int64(rowid.get(), 1, id);
        sqlite3_bind_int64(rowid.get(), 2, leaf);
        step(db, table, rowid.get());
    }
    for (const std::string& trigger : rtree_triggers(table, geometry_column, id_column)) {
        execute(db, table, trigger);
    }
    execute(db, table,
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, "
        "definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))");
    execute(db, table,
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (" +
            literal(table) + ", " + literal(geometry_column) +
            ", 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')");
}

} // namespace migratlas::workspace
