#include "tiles/mbtiles_writer.hpp"

#include "common/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <string>

namespace migratlas::tiles {

namespace {

struct DatabaseCloser {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

/// The new database; the caller writes it under a temporary name and renames it when the run succeeds.
class NewDatabase {
public:
    explicit NewDatabase(const std::filesystem::path& target) : m_target(target), m_path(target)
    {
        std::error_code ec;
        std::filesystem::remove(m_path, ec);
        sqlite3* db = nullptr;
        const int status = sqlite3_open_v2(m_path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        m_db.reset(db);
        if (status != SQLITE_OK) {
            throw InputError(target.string() + ": cannot create the MBTiles file: " +
                (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(status)));
        }
    }
    ~NewDatabase() = default;
    NewDatabase(const NewDatabase&) = delete;
    NewDatabase& operator=(const NewDatabase&) = delete;

    void execute(const std::string& sql)
    {
        char* message = nullptr;
        if (sqlite3_exec(m_db.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string text = message != nullptr ? message : "unknown error";
            sqlite3_free(message);
            throw Error(m_target.string() + ": SQLite failed (" + text + ") on: " + sql.substr(0, 80));
        }
    }
    Statement prepare(const char* sql)
    {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(m_db.get(), sql, -1, &statement, nullptr) != SQLITE_OK) {
            throw Error(m_target.string() + ": SQLite cannot prepare a statement: " + sqlite3_errmsg(m_db.get()));
        }
        return Statement(statement);
    }
    void step(sqlite3_stmt* statement)
    {
        if (sqlite3_step(statement) != SQLITE_DONE) {
            throw Error(m_target.string() + ": SQLite write failed (disk full?): " + sqlite3_errmsg(m_db.get()));
        }
        sqlite3_reset(statement);
    }
    std::uint64_t close()
    {
        if (sqlite3_close(m_db.release()) != SQLITE_OK) {
            throw Error(m_target.string() + ": SQLite could not close the new file");
        }
        std::error_code ec;
        return std::filesystem::file_size(m_path, ec);
    }

private:
    std::filesystem::path m_target;
    std::filesystem::path m_path;
    Database m_db;
};

void insert_metadata(NewDatabase& db, const TilesetMetadata& metadata)
{
    Statement statement = db.prepare("INSERT INTO metadata (name, value) VALUES (?, ?)");
    nlohmann::ordered_json json;
    json["vector_layers"] = vector_layers_json(metadata);
    json["tilestats"] = tilestats_json(metadata);
    if (auto disclosure = migratlas_json(metadata); !disclosure.is_null()) {
        json["migratlas"] = std::move(disclosure);
    }
    const std::pair<std::string, std::string> rows[] = {
        {"name", metadata.name},
        {"format", "pbf"},
        {"type", "overlay"},
        {"version", metadata.version},
        {"description", metadata.description},
        {"attribution", metadata.attribution},
        {"bounds", bounds_text(metadata)},
        {"center", center_text(metadata)},
        {"minzoom", std::to_string(metadata.minzoom)},
        {"maxzoom", std::to_string(metadata.maxzoom)},
        {"generator", metadata.generator},
        {"json", json.dump()},
    };
    for (const auto& [name, value] : rows) {
        if (value.empty() && (name == "description" || name == "attribution")) {
            continue;
        }
        sqlite3_bind_text(statement.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(statement.get(), 2, value.c_str(), -1, SQLITE_TRANSIENT);
        db.step(statement.get());
    }
}

} // namespace

std::uint64_t write_mbtiles(const std::filesystem::path& path, const TileStore& store, const TilesetMetadata& metadata)
{
    NewDatabase db(path);
    // The file is private until renamed, so durability comes from the rename, not the journal.
    db.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;");
    db.execute("BEGIN");
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)");
    db.execute("CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT)");
    db.execute("CREATE TABLE images (tile_data BLOB, tile_id TEXT)");
    db.execute("CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, "
               "map.tile_row AS tile_row, images.tile_data AS tile_data FROM map JOIN images ON images.tile_id = map.tile_id");
    insert_metadata(db, metadata);
    std::vector<TileStore::Entry> entries;
    std::vector<std::uint32_t> blob_of_number;
    store.canonical_blobs(entries, blob_of_number);
    {
        Statement image = db.prepare("INSERT INTO images (tile_data, tile_id) VALUES (?, ?)");
        for (std::uint32_t number = 0; number < blob_of_number.size(); ++number) {
            const std::string data = store.read_blob(blob_of_number[number]);
            const std::string id = std::to_string(number);
            sqlite3_bind_blob(image.get(), 1, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
            sqlite3_bind_text(image.get(), 2, id.c_str(), -1, SQLITE_TRANSIENT);
            db.step(image.get());
        }
    }
    {
        Statement map = db.prepare("INSERT INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES (?, ?, ?, ?)");
        for (const TileStore::Entry& entry : entries) {
            // MBTiles rows count from the south (TMS); tiles are addressed from the north (XYZ).
            const std::int64_t row = (std::int64_t{1} << entry.zoom) - 1 - entry.y;
            const std::string id = std::to_string(entry.blob);
            sqlite3_bind_int(map.get(), 1, entry.zoom);
            sqlite3_bind_int64(map.get(), 2, entry.x);
            sqlite3_bind_int64(map.get(), 3, row);
            sqlite3_bind_text(map.get(), 4, id.c_str(), -1, SQLITE_TRANSIENT);
            db.step(map.get());
        }
    }
    db.execute("CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row)");
    db.execute("CREATE UNIQUE INDEX images_id ON images (tile_id)");
    db.execute("CREATE UNIQUE INDEX name ON metadata (name)");
    db.execute("COMMIT");
    return db.close();
}

} // namespace migratlas::tiles
