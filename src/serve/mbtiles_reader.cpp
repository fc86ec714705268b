#include "serve/mbtiles_reader.hpp"

#include "serve/gzip.hpp"

#include "common/error.hpp"
#include "common/parse.hpp"

#include <sqlite3.h>

#include <cmath>
#include <sstream>

namespace migratlas::serve {

namespace {

struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

struct DatabaseDeleter {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

std::string column_text(sqlite3_stmt* statement, int column)
{
    const auto* text = sqlite3_column_text(statement, column);
    return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text),
                                                 static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

/// "a,b,c,d" as numbers; nullopt unless there are exactly `N` finite numbers.
template <std::size_t N>
std::optional<std::array<double, N>> parse_numbers(const std::string& text)
{
    std::array<double, N> values{};
    std::size_t count = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string_view field(text.data() + start, end - start);
        while (!field.empty() && field.front() == ' ') {
            field.remove_prefix(1);
        }
        while (!field.empty() && field.back() == ' ') {
            field.remove_suffix(1);
        }
        const auto value = parse_double(field);
        if (!value || !std::isfinite(*value) || count == N) {
            return std::nullopt;
        }
        values[count++] = *value;
        start = end + 1;
    }
    return count == N ? std::optional(values) : std::nullopt;
}

TileFormat format_from_metadata(const std::string& format)
{
    if (format == "pbf" || format == "mvt") {
        return TileFormat::mvt;
    }
    if (format == "png") {
        return TileFormat::png;
    }
    if (format == "jpg" || format == "jpeg") {
        return TileFormat::jpeg;
    }
    if (format == "webp") {
        return TileFormat::webp;
    }
    return TileFormat::unknown;
}

} // namespace

class MbtilesReader::Connection {
public:
    explicit Connection(const std::filesystem::path& path)
    {
        sqlite3* raw = nullptr;
        const int status = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
        m_db.reset(raw);
        if (status != SQLITE_OK) {
            throw InputError(path.string() + ": cannot open as SQLite (" + sqlite3_errstr(status) + ")");
        }
        m_tile = prepare(path, "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3");
    }

    Statement prepare(const std::filesystem::path& path, const char* sql)
    {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(m_db.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
            throw InputError(path.string() + ": not an MBTiles file (" + sqlite3_errmsg(m_db.get()) + ")");
        }
        return Statement(raw);
    }

    std::optional<std::string> tile(const TileAddress& address, const std::filesystem::path& path)
    {
        sqlite3_stmt* statement = m_tile.get();
        sqlite3_reset(statement);
        sqlite3_bind_int(statement, 1, address.z);
        sqlite3_bind_int64(statement, 2, address.x);
        sqlite3_bind_int64(statement, 3, tms_row(address));
        const int status = sqlite3_step(statement);
        if (status == SQLITE_DONE) {
            return std::nullopt;
        }
        if (status != SQLITE_ROW) {
            throw DataError(path.string() + ": cannot read tile " + std::to_string(address.z) + "/" +
                std::to_string(address.x) + "/" + std::to_string(address.y) + " (" + sqlite3_errmsg(m_db.get()) + ")");
        }
        const auto* data = static_cast<const char*>(sqlite3_column_blob(statement, 0));
        std::string bytes(data == nullptr ? "" : std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(statement, 0))));
        sqlite3_reset(statement);
        return bytes;
    }

    sqlite3* db() { return m_db.get(); }

private:
    std::unique_ptr<sqlite3, DatabaseDeleter> m_db;
    Statement m_tile;
};

MbtilesReader::MbtilesReader(const std::filesystem::path& path)
{
    m_info.path = path;
    m_info.container = "mbtiles";
    auto connection = std::make_unique<Connection>(path);
    read_metadata(*connection);
    release(std::move(connection));
}

MbtilesReader::~MbtilesReader() = default;

void MbtilesReader::read_metadata(Connection& connection)
{
    auto rows = connection.prepare(m_info.path, "SELECT name, value FROM metadata");
    auto& metadata = m_info.metadata;
    std::string format;
    std::optional<int> minzoom;
    std::optional<int> maxzoom;
    while (sqlite3_step(rows.get()) == SQLITE_ROW) {
        const std::string name = column_text(rows.get(), 0);
        const std::string value = column_text(rows.get(), 1);
        if (name == "json") {
            // MBTiles 1.3: vector_layers (and tilestats) as a JSON object in one row.
            auto parsed = nlohmann::json::parse(value, nullptr, false);
            if (!parsed.is_object()) {
                throw InputError(m_info.path.string() + ": metadata row 'json' is not a JSON object");
            }
            for (auto& [key, item] : parsed.items()) {
                metadata[key] = item;
            }
        } else if (name == "bounds") {
            m_info.bounds = parse_numbers<4>(value);
        } else if (name == "center") {
            m_info.center = parse_numbers<3>(value);
        } else if (name == "minzoom" || name == "maxzoom") {
            const auto zoom = parse_int(value);
            if (zoom && *zoom >= 0 && *zoom <= max_tile_zoom) {
                (name == "minzoom" ? minzoom : maxzoom) = static_cast<int>(*zoom);
            }
        } else {
            if (name == "format") {
                format = value;
            }
            metadata[name] = value;
        }
    }
    // Zooms from the tiles when the metadata does not say (older MBTiles writers).
    if (!minzoom || !maxzoom) {
        auto zooms = connection.prepare(m_info.path, "SELECT min(zoom_level), max(zoom_level) FROM tiles");
        if (sqlite3_step(zooms.get()) == SQLITE_ROW && sqlite3_column_type(zooms.get(), 0) != SQLITE_NULL) {
            minzoom = minzoom.value_or(sqlite3_column_int(zooms.get(), 0));
            maxzoom = maxzoom.value_or(sqlite3_column_int(zooms.get(), 1));
        }
    }
    m_info.minzoom = std::min(minzoom.value_or(0), max_tile_zoom);
    m_info.maxzoom = std::clamp(maxzoom.value_or(m_info.minzoom), m_info.minzoom, max_tile_zoom);
    m_info.format = format_from_metadata(format);
    if (m_info.format == TileFormat::unknown && format.empty()) {
        m_info.format = TileFormat::mvt;
    }
    // MBTiles 1.3: vector tiles are gzip; rasters are stored as they are. Each tile is checked anyway.
    m_info.compression = m_info.format == TileFormat::mvt ? TileCompression::gzip : TileCompression::none;
}

std::unique_ptr<MbtilesReader::Connection> MbtilesReader::acquire()
{
    {
        const std::lock_guard lock(m_mutex);
        if (!m_idle.empty()) {
            auto connection = std::move(m_idle.back());
            m_idle.pop_back();
            return connection;
        }
    }
    return std::make_unique<Connection>(m_info.path);
}

void MbtilesReader::release(std::unique_ptr<Connection> connection)
{
    const std::lock_guard lock(m_mutex);
    m_idle.push_back(std::move(connection));
}

std::optional<std::string> MbtilesReader::read(const TileAddress& address)
{
    if (address.z < m_info.minzoom || address.z > m_info.maxzoom) {
        return std::nullopt;
    }
    auto connection = acquire();
    auto tile = connection->tile(address, m_info.path);
    release(std::move(connection));
    return tile;
}

} // namespace migratlas::serve
