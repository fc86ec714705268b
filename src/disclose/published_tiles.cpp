#include "disclose/published_tiles.hpp"

#include "common/error.hpp"
#include "common/parse.hpp"
#include "common/pmtiles_directory.hpp"
#include "disclose/published_layer.hpp"

#include <protozero/pbf_reader.hpp>
#include <sqlite3.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace migratlas::disclose {

namespace {

using Json = nlohmann::json;

/// No real tile or directory inflates past this; a hostile archive must not exhaust memory.
constexpr std::size_t max_inflated_bytes = std::size_t{256} << 20;
/// The tiler's cluster attribute: a feature with point_count > 1 merges several points.
constexpr std::string_view point_count_key = "point_count";

std::string gunzip(std::string_view bytes, const std::string& what)
{
    if (bytes.size() < 2 || static_cast<unsigned char>(bytes[0]) != 0x1f || static_cast<unsigned char>(bytes[1]) != 0x8b) {
        return std::string(bytes);  // stored uncompressed
    }
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 32) != Z_OK) {
        throw DataError(what + ": cannot start zlib");
    }
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    std::string out;
    char buffer[1 << 16];
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            inflateEnd(&stream);
            throw InputError(what + ": corrupt gzip data");
        }
        out.append(buffer, sizeof buffer - stream.avail_out);
        if (out.size() > max_inflated_bytes) {
            inflateEnd(&stream);
            throw InputError(what + ": inflates to more than 256 MiB");
        }
        if (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            inflateEnd(&stream);
            throw InputError(what + ": truncated gzip data");
        }
    }
    inflateEnd(&stream);
    return out;
}

/// One stored tile: where it is and its bytes as stored.
struct StoredTile {
    pmtiles::TileZxy address;
    std::string_view bytes;
};

std::string address_text(const pmtiles::TileZxy& a)
{
    return std::to_string(a.z) + "/" + std::to_string(a.x) + "/" + std::to_string(a.y);
}

/// The tiles and metadata of an archive, read in full (the audit reads every byte anyway).
class Archive {
public:
    virtual ~Archive() = default;
    [[nodiscard]] virtual Json metadata() const = 0;
    /// Calls `visit` for every addressed tile; tiles with the same stored bytes share `content`.
    virtual void for_each(const std::function<void(const pmtiles::TileZxy&, std::size_t content, std::string_view)>& visit) const = 0;
};

class Pmtiles final : public Archive {
public:
    explicit Pmtiles(const std::filesystem::path& path) : m_where(path.string())
    {
        std::ifstream in(path, std::ios::binary);
        m_bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        try {
            m_header = pmtiles::parse_header(m_bytes);
        } catch (const DataError& e) {
            throw InputError(m_where + ": " + e.what());
        }
        if (m_header.tile_type != pmtiles::TileType::mvt) {
            throw InputError(m_where + ": holds no vector (MVT) tiles");
        }
        for (const auto compression : {m_header.internal_compression, m_header.tile_compression}) {
            if (compression != pmtiles::Compression::gzip && compression != pmtiles::Compression::none) {
                throw InputError(m_where + ": compressed with brotli or zstd, which this build cannot decode");
            }
        }
    }

    [[nodiscard]] Json metadata() const override
    {
        const std::string text = gunzip(range(m_header.metadata_offset, m_header.metadata_length), m_where + " metadata");
        try {
            return text.empty() ? Json::object() : Json::parse(text);
        } catch (const Json::exception& e) {
            throw InputError(m_where + ": metadata is not valid JSON: " + e.what());
        }
    }

    void for_each(const std::function<void(const pmtiles::TileZxy&, std::size_t, std::string_view)>& visit) const override
    {
        walk(range(m_header.root_offset, m_header.root_length), visit, 0);
    }

private:
    [[nodiscard]] std::string_view range(std::uint64_t offset, std::uint64_t length) const
    {
        if (offset > m_bytes.size() || length > m_bytes.size() - offset) {
            throw InputError(m_where + ": a directory or tile lies beyond the end of the file");
        }
        return std::string_view(m_bytes).substr(offset, length);
    }

    void walk(std::string_view stored, const std::function<void(const pmtiles::TileZxy&, std::size_t, std::string_view)>& visit,
        int depth) const
    {
        if (depth > 4) {
            throw InputError(m_where + ": leaf directories nest deeper than the specification allows");
        }
        std::vector<pmtiles::Entry> entries;
        try {
            entries = pmtiles::decode_directory(gunzip(stored, m_where + " directory"));
        } catch (const DataError& e) {
            throw InputError(m_where + ": " + e.what());
        }
        for (const pmtiles::Entry& entry : entries) {
            if (entry.run_length == 0) {
                walk(range(m_header.leaf_offset + entry.offset, entry.length), visit, depth + 1);
                continue;
            }
            const std::string_view tile = range(m_header.tile_data_offset + entry.offset, entry.length);
            for (std::uint64_t i = 0; i < entry.run_length; ++i) {
                const auto address = pmtiles::tile_zxy(entry.tile_id + i);
                if (!address) {
                    throw InputError(m_where + ": tile id " + std::to_string(entry.tile_id + i) + " is beyond zoom 30");
                }
                visit(*address, static_cast<std::size_t>(entry.offset), tile);
            }
        }
    }

    std::string m_where;
    std::string m_bytes;
    pmtiles::Header m_header;
};

class Mbtiles final : public Archive {
public:
    explicit Mbtiles(const std::filesystem::path& path) : m_where(path.string())
    {
        sqlite3* db = nullptr;
        const int status = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
        m_db.reset(db);
        if (status != SQLITE_OK) {
            throw InputError(m_where + ": cannot be opened as SQLite: " + sqlite3_errstr(status));
        }
    }

    [[nodiscard]] Json metadata() const override
    {
        Json metadata = Json::object();
        query("SELECT name, value FROM metadata", [&](sqlite3_stmt* row) {
            const std::string name = text(row, 0);
            const std::string value = text(row, 1);
            if (name != "json") {
                metadata[name] = value;
                return;
            }
            try {
                const Json parsed = Json::parse(value);
                for (const auto& [key, entry] : parsed.items()) {
                    metadata[key] = entry;
                }
            } catch (const Json::exception& e) {
                throw InputError(m_where + ": metadata row 'json' is not valid JSON: " + e.what());
            }
        });
        return metadata;
    }

    void for_each(const std::function<void(const pmtiles::TileZxy&, std::size_t, std::string_view)>& visit) const override
    {
        std::unordered_map<std::string, std::size_t> contents;
        query("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles", [&](sqlite3_stmt* row) {
            const int z = sqlite3_column_int(row, 0);
            if (z < 0 || z > 30) {
                throw InputError(m_where + ": a tile at zoom " + std::to_string(z));
            }
            const auto x = static_cast<std::uint32_t>(sqlite3_column_int64(row, 1));
            const auto tms = static_cast<std::uint32_t>(sqlite3_column_int64(row, 2));
            const auto* data = static_cast<const char*>(sqlite3_column_blob(row, 3));
            const std::string_view bytes(data == nullptr ? "" : data, static_cast<std::size_t>(sqlite3_column_bytes(row, 3)));
            const auto [it, added] = contents.emplace(std::string(bytes), contents.size());
            visit(pmtiles::TileZxy{z, x, ((std::uint32_t{1} << z) - 1U) - tms}, it->second, bytes);
        });
    }

private:
    struct Close {
        void operator()(sqlite3* db) const { sqlite3_close(db); }
    };

    static std::string text(sqlite3_stmt* row, int column)
    {
        const auto* value = sqlite3_column_text(row, column);
        return value == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(value));
    }

    void query(const char* sql, const std::function<void(sqlite3_stmt*)>& each) const
    {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(m_db.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
            throw InputError(m_where + ": not an MBTiles file (" + sqlite3_errmsg(m_db.get()) + ")");
        }
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
        int status = SQLITE_ROW;
        while ((status = sqlite3_step(statement.get())) == SQLITE_ROW) {
            each(statement.get());
        }
        if (status != SQLITE_DONE) {
            throw InputError(m_where + ": cannot be read: " + sqlite3_errmsg(m_db.get()));
        }
    }

    std::string m_where;
    std::unique_ptr<sqlite3, Close> m_db;
};

/// One decoded MVT value as text; numbers in a form that is the same wherever they occur.
std::string value_text(protozero::pbf_reader value)
{
    std::string text;
    while (value.next()) {
        char buffer[40];
        switch (value.tag()) {
        case 1: text = value.get_string(); break;
        case 2: std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(value.get_float())); text = buffer; break;
        case 3: std::snprintf(buffer, sizeof buffer, "%.17g", value.get_double()); text = buffer; break;
        case 4: text = std::to_string(value.get_int64()); break;
        case 5: text = std::to_string(value.get_uint64()); break;
        case 6: text = std::to_string(value.get_sint64()); break;
        case 7: text = value.get_bool() ? "true" : "false"; break;
        default: value.skip();
        }
    }
    return text;
}

struct DecodedFeature {
    std::optional<std::uint64_t> id;
    std::vector<std::pair<std::string, std::string>> attributes;  ///< key, value text
};

struct DecodedLayer {
    std::string name;
    std::vector<DecodedFeature> features;
};

/// An MVT tile's layers and features (attributes only; geometries are not published counts).
/// `text` receives every layer name, key and value for the byte scan.
std::vector<DecodedLayer> decode_tile(std::string_view data, std::string& text)
{
    std::vector<DecodedLayer> layers;
    protozero::pbf_reader tile(data.data(), data.size());
    while (tile.next(3)) {
        protozero::pbf_reader layer = tile.get_message();
        DecodedLayer decoded;
        std::vector<std::string> keys;
        std::vector<std::string> values;
        std::vector<protozero::data_view> features;
        while (layer.next()) {
            switch (layer.tag()) {
            case 1: decoded.name = layer.get_string(); break;
            case 2: features.push_back(layer.get_view()); break;
            case 3: keys.push_back(layer.get_string()); break;
            case 4: values.push_back(value_text(layer.get_message())); break;
            default: layer.skip();
            }
        }
        text += decoded.name + '\n';
        for (const auto& piece : {std::cref(keys), std::cref(values)}) {
            for (const std::string& entry : piece.get()) {
                text += entry;
                text += '\n';
            }
        }
        for (const protozero::data_view& view : features) {
            protozero::pbf_reader feature(view);
            DecodedFeature out;
            while (feature.next()) {
                if (feature.tag() == 1) {
                    out.id = feature.get_uint64();
                } else if (feature.tag() == 2) {
                    const auto tags = feature.get_packed_uint32();
                    for (auto it = tags.begin(); it != tags.end(); ++it) {
                        const std::uint32_t key = *it;
                        if (++it == tags.end() || key >= keys.size() || *it >= values.size()) {
                            throw DataError("a feature's tags point outside the layer's keys or values");
                        }
                        out.attributes.emplace_back(keys[key], values[*it]);
                    }
                } else {
                    feature.skip();
                }
            }
            decoded.features.push_back(std::move(out));
        }
        layers.push_back(std::move(decoded));
    }
    return layers;
}

/// What the audit knows of one vector layer of the tileset while it reads the tiles.
struct LayerReading {
    PublishedTable table;
    std::set<std::string> counts;                          ///< count attributes
    std::vector<std::pair<std::string, std::string>> statuses;  ///< (count column, its status column)
    std::int64_t threshold = 10;
    std::map<std::string, std::size_t> row_of;              ///< feature id (or keys) -> row
    std::map<std::string, std::string> first_tile;          ///< feature id -> where it was first seen
    std::set<std::string> reported;                         ///< features already reported below the threshold
};

LayerReading layer_reading(const std::string& where, const std::string& id, const Json& description, const TileChecks& checks)
{
    LayerReading reading;
    reading.table.name = description.value("name", id);
    reading.table.where = where + " layer " + id;
    reading.table.resource = description;
    reading.table.counts_checked = true;
    for (const Json& field : description["schema"]["fields"]) {
        reading.table.columns.push_back(field.value("name", ""));
        if (field.value("role", "") == "count") {
            reading.counts.insert(field.value("name", ""));
        }
    }
    const Json block = description.value("migratlas", Json::object());
    if (block.contains("structure")) {
        for (const Json& count : block["structure"]["counts"]) {
            reading.counts.insert(count["column"].get<std::string>());
            reading.statuses.emplace_back(count["column"].get<std::string>(), count["status_column"].get<std::string>());
            if (!reading.table.column(reading.statuses.back().second)) {
                reading.table.columns.push_back(reading.statuses.back().second);
            }
        }
    }
    const std::int64_t declared = block.value("disclosure", Json::object()).value("threshold", std::int64_t{0});
    reading.threshold = checks.threshold ? *checks.threshold : (declared > 0 ? declared : 10);
    return reading;
}

std::string feature_text(const DecodedFeature& feature)
{
    return feature.id ? "feature " + std::to_string(*feature.id) : std::string("a feature without id");
}

/// Counts below the threshold in this occurrence of the feature (a cluster's sums included).
void check_counts(LayerReading& reading, const DecodedFeature& feature, bool cluster, const std::string& tile,
    PublishedSet& set)
{
    for (const auto& [key, value] : feature.attributes) {
        if (reading.counts.count(key) == 0) {
            continue;
        }
        const auto count = parse_int(value);
        if (!count || *count <= 0 || *count >= reading.threshold) {
            continue;
        }
        const std::string what = (cluster ? "cluster of " : "") + feature_text(feature) + " " + key;
        if (!reading.reported.insert(what).second) {
            continue;
        }
        set.findings.push_back(ReadFinding{"below_threshold", reading.table.where,
            "tile " + tile + ", " + what + " = " + value + " is published but below the threshold " +
                std::to_string(reading.threshold)});
    }
}

/// Adds the feature to the layer's table once; a later occurrence with other values is a finding.
void add_row(LayerReading& reading, const DecodedFeature& feature, const std::string& tile, PublishedSet& set)
{
    PublishedTable& table = reading.table;
    std::vector<std::optional<std::string>> row(table.columns.size());
    for (const auto& [key, value] : feature.attributes) {
        if (const auto column = table.column(key)) {
            row[*column] = value;
        }
    }
    // A status the tiles do not carry: a missing value is hidden (why is not known), a value is published.
    for (const auto& [count, status] : reading.statuses) {
        const auto value_column = table.column(count);
        const auto status_column = table.column(status);
        if (value_column && status_column && !row[*status_column]) {
            row[*status_column] = std::string(row[*value_column] ? "published" : "secondary");
        }
    }
    std::string identity;
    if (feature.id) {
        identity = std::to_string(*feature.id);
    } else {
        for (const auto& value : row) {
            identity += value.value_or("") + '\x1f';
        }
    }
    const auto [it, added] = reading.row_of.emplace(identity, table.rows.size());
    if (added) {
        table.rows.push_back(std::move(row));
        reading.first_tile[identity] = tile;
        return;
    }
    if (table.rows[it->second] != row && reading.reported.insert("differs " + identity).second) {
        set.findings.push_back(ReadFinding{"inconsistent", table.where,
            feature_text(feature) + " has other values in tile " + tile + " than in tile " + reading.first_tile[identity]});
    }
}

bool is_cluster(const DecodedFeature& feature)
{
    for (const auto& [key, value] : feature.attributes) {
        if (key == point_count_key) {
            const auto n = parse_int(value);
            return n && *n > 1;
        }
    }
    return false;
}

std::unique_ptr<Archive> open_archive(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    char magic[16] = {};
    in.read(magic, sizeof magic);
    if (std::string_view(magic, 7) == "PMTiles") {
        return std::make_unique<Pmtiles>(path);
    }
    if (std::string_view(magic, 15) == "SQLite format 3") {
        return std::make_unique<Mbtiles>(path);
    }
    throw InputError(path.string() + ": neither an MBTiles (SQLite) nor a PMTiles v3 file");
}

/// The gate's description of every vector layer; InputError when the metadata has none.
Json layer_descriptions(const std::string& where, const Json& metadata)
{
    const Json block = metadata.value("migratlas", Json::object());
    if (!block.contains("layers") || !block["layers"].is_object()) {
        throw InputError(where + ": the tileset metadata has no `migratlas.layers` (the description of each layer the "
                                 "disclosure gate published, written by migratlas tiles --workspace), so it cannot be "
                                 "audited; a tileset made from input files (--input) has none");
    }
    for (const Json& layer : metadata.value("vector_layers", Json::array())) {
        const std::string id = layer.value("id", "");
        if (!block["layers"].contains(id)) {
            throw InputError(where + ": vector layer '" + id + "' has no description in `migratlas.layers`, so it cannot be audited");
        }
    }
    return block["layers"];
}

} // namespace

bool is_tileset(const std::filesystem::path& path)
{
    const std::string extension = path.extension().string();
    return extension == ".mbtiles" || extension == ".pmtiles";
}

void read_tileset(const std::filesystem::path& path, const TileChecks& checks, PublishedSet& set)
{
    const std::string where = path.string();
    const std::unique_ptr<Archive> archive = open_archive(path);
    const Json metadata = archive->metadata();
    if (checks.scan) {
        checks.scan(where, "metadata", metadata.dump());
    }
    const Json descriptions = layer_descriptions(where, metadata);
    std::map<std::string, LayerReading> layers;
    for (const auto& [id, description] : descriptions.items()) {
        layers.emplace(id, layer_reading(where, id, description, checks));
    }
    // A stored tile that several addresses share (the sea, a unit's interior) is read once: it
    // holds the same features, and each finding names the first tile that shows it.
    std::unordered_set<std::size_t> seen;
    archive->for_each([&](const pmtiles::TileZxy& address, std::size_t content, std::string_view bytes) {
        if (!seen.insert(content).second) {
            return;
        }
        const std::string tile = address_text(address);
        std::string text;
        std::vector<DecodedLayer> decoded;
        try {
            decoded = decode_tile(gunzip(bytes, where + " tile " + tile), text);
        } catch (const protozero::exception& e) {
            throw InputError(where + ": tile " + tile + " is not a valid vector tile: " + e.what());
        } catch (const DataError& e) {
            throw InputError(where + ": tile " + tile + ": " + e.what());
        }
        ++set.tiles;
        if (checks.scan) {
            checks.scan(where, "tile " + tile, text);
        }
        for (const DecodedLayer& layer : decoded) {
            const auto reading = layers.find(layer.name);
            if (reading == layers.end()) {
                throw InputError(where + ": tile " + tile + " has a layer '" + layer.name +
                    "' that the metadata does not describe, so it cannot be audited");
            }
            for (const DecodedFeature& feature : layer.features) {
                const bool cluster = is_cluster(feature);
                check_counts(reading->second, feature, cluster, tile, set);
                if (!cluster) {
                    add_row(reading->second, feature, tile, set);
                }
            }
        }
    });
    ++set.tilesets;
    for (auto& [id, reading] : layers) {
        set.tables.push_back(std::move(reading.table));
    }
}

} // namespace migratlas::disclose
