#include "workspace/table_scan.hpp"

#include "common/error.hpp"

#include <sqlite3.h>

#include <memory>

namespace migratlas::workspace {

namespace {

struct CloseDatabase {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

std::string quoted(std::string_view name)
{
    std::string text = "\"";
    for (const char c : name) {
        text += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return text + "\"";
}

std::unique_ptr<sqlite3, CloseDatabase> open_readonly_db(const std::filesystem::path& path)
{
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, CloseDatabase> db(raw);
    if (opened != SQLITE_OK) {
        throw InputError(path.string() + ": cannot open the workspace: " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
    }
    return db;
}

std::unique_ptr<sqlite3_stmt, FinalizeStatement> prepare(sqlite3* db, const std::string& sql, const ProductSpec& product)
{
    sqlite3_stmt* prepared = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &prepared, nullptr) != SQLITE_OK) {
        throw std::logic_error("cannot read '" + std::string(product.name) + "': " + sql + ": " + sqlite3_errmsg(db));
    }
    return std::unique_ptr<sqlite3_stmt, FinalizeStatement>(prepared);
}

} // namespace

std::vector<std::int64_t> sum_table(const std::filesystem::path& path, const ProductSpec& product, const std::string& where)
{
    const auto db = open_readonly_db(path);
    std::string sql = "SELECT COUNT(*)";
    for (const ColumnSpec& column : product.columns) {
        if (column.role == ColumnRole::count) {
            sql += ", COALESCE(SUM(" + quoted(column.name) + "), 0)";
        }
    }
    sql += " FROM " + quoted(product.name) + (where.empty() ? std::string() : " WHERE " + where);
    const auto statement = prepare(db.get(), sql, product);
    std::vector<std::int64_t> sums;
    if (sqlite3_step(statement.get()) != SQLITE_ROW) {
        throw InputError(path.string() + ": totalling '" + std::string(product.name) + "' failed: " + sqlite3_errmsg(db.get()));
    }
    for (int i = 0; i < sqlite3_column_count(statement.get()); ++i) {
        sums.push_back(static_cast<std::int64_t>(sqlite3_column_int64(statement.get(), i)));
    }
    return sums;
}

void scan_table(const std::filesystem::path& path, const ProductSpec& product, const std::string& where,
    const std::function<void(const std::vector<TableValue>& row)>& row)
{
    const auto db = open_readonly_db(path);
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < product.columns.size(); ++i) {
        sql += (i ? ", " : "") + quoted(product.columns[i].name);
    }
    sql += " FROM " + quoted(product.name) + (where.empty() ? std::string() : " WHERE " + where);
    const auto statement = prepare(db.get(), sql, product);
    std::vector<TableValue> values(product.columns.size());
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(statement.get())) == SQLITE_ROW) {
        for (std::size_t i = 0; i < product.columns.size(); ++i) {
            const int column = static_cast<int>(i);
            if (sqlite3_column_type(statement.get(), column) == SQLITE_NULL) {
                values[i] = std::monostate{};
                continue;
            }
            switch (product.columns[i].type) {
            case ColumnType::integer:
                values[i] = static_cast<std::int64_t>(sqlite3_column_int64(statement.get(), column));
                break;
            case ColumnType::real:
                values[i] = sqlite3_column_double(statement.get(), column);
                break;
            case ColumnType::text: {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), column));
                const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement.get(), column));
                // The same column holds a string in every row: reuse its storage.
                if (auto* s = std::get_if<std::string>(&values[i])) {
                    s->assign(text, size);
                } else {
                    values[i] = std::string(text, size);
                }
                break;
            }
            }
        }
        row(values);
    }
    if (step != SQLITE_DONE) {
        throw InputError(path.string() + ": reading '" + std::string(product.name) + "' failed: " + sqlite3_errmsg(db.get()));
    }
}

} // namespace migratlas::workspace
