// Test helpers for the tiles stage: small synthetic coverages written as GeoJSON, tiles read back from
// MBTiles with SQLite, and decoded by an independent decoder (GDAL's MVT driver) into GEOS geometries
// in tile coordinates, so tests check what a map viewer would see.
#pragma once

#include "geo/geos_context.hpp"
#include "tiles/gzip.hpp"

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace migratlas::test {

struct StoredTile {
    int z = 0;
    int x = 0;
    int y = 0;   ///< XYZ (from the north)
    std::string data;
};

/// Every tile of an MBTiles file, through its `tiles` view (as readers see it).
inline std::vector<StoredTile> read_mbtiles(const std::filesystem::path& path)
{
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + path.string());
    }
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> owned(db, &sqlite3_close);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY 1, 2, 3", -1, &statement, nullptr);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> query(statement, &sqlite3_finalize);
    std::vector<StoredTile> tiles;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        StoredTile tile;
        tile.z = sqlite3_column_int(statement, 0);
        tile.x = sqlite3_column_int(statement, 1);
        tile.y = (1 << tile.z) - 1 - sqlite3_column_int(statement, 2);
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, 3));
        tile.data.assign(bytes, static_cast<std::size_t>(sqlite3_column_bytes(statement, 3)));
        tiles.push_back(std::move(tile));
    }
    return tiles;
}

/// One scalar SQL answer from an SQLite file.
inline std::string sql_value(const std::filesystem::path& path, const std::string& sql)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> owned(db, &sqlite3_close);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
        throw std::runtime_error("bad SQL: " + sql);
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> query(statement, &sqlite3_finalize);
    if (sqlite3_step(statement) != SQLITE_ROW) {
        return {};
    }
    const unsigned char* text = sqlite3_column_text(statement, 0);
    return text != nullptr ? reinterpret_cast<const char*>(text) : "";
}

struct DecodedFeature {
    std::string layer;
    std::int64_t id = 0;
    std::map<std::string, std::string> attributes;
    OGRwkbGeometryType type = wkbUnknown;
    geo::GeosGeometryPtr geometry;   ///< in tile units (0..4096, y down), buffer included
};

/// Decodes one gzipped tile with GDAL's MVT driver (not our code), unclipped.
inline std::vector<DecodedFeature> decode_with_gdal(const StoredTile& tile, const geo::GeosContext& geos)
{
    GDALAllRegister();
    const std::string raw = tiles::gunzip(tile.data);
    const std::string name = "/vsimem/decode_" + std::to_string(tile.z) + "_" + std::to_string(tile.x) + "_" +
        std::to_string(tile.y) + "_" + std::to_string(reinterpret_cast<std::uintptr_t>(&tile)) + ".pbf";
    VSILFILE* file = VSIFileFromMemBuffer(name.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(raw.data())),
        static_cast<vsi_l_offset>(raw.size()), FALSE);
    VSIFCloseL(file);
    const std::string ox = "X=" + std::to_string(tile.x);
    const std::string oy = "Y=" + std::to_string(tile.y);
    const std::string oz = "Z=" + std::to_string(tile.z);
    const char* options[] = {ox.c_str(), oy.c_str(), oz.c_str(), "CLIP=NO", nullptr};
    const char* drivers[] = {"MVT", nullptr};
    GDALDatasetUniquePtr dataset(GDALDataset::Open(name.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options, nullptr));
    std::vector<DecodedFeature> out;
    if (!dataset) {
        VSIUnlink(name.c_str());
        throw std::runtime_error("GDAL's MVT driver cannot open tile " + std::to_string(tile.z) + "/" +
            std::to_string(tile.x) + "/" + std::to_string(tile.y));
    }
    const double half = 20037508.342789244;
    const double size = 2.0 * half / static_cast<double>(1 << tile.z);
    const double min_x = -half + tile.x * size;
    const double max_y = half - tile.y * size;
    const double unit = size / 4096.0;
    for (OGRLayer* layer : dataset->GetLayers()) {
        for (const auto& feature : *layer) {
            DecodedFeature decoded;
            decoded.layer = layer->GetName();
            decoded.id = feature->GetFID();
            for (int i = 0; i < feature->GetFieldCount(); ++i) {
                if (feature->IsFieldSetAndNotNull(i)) {
                    decoded.attributes[feature->GetFieldDefnRef(i)->GetNameRef()] = feature->GetFieldAsString(i);
                }
            }
            OGRGeometry* geometry = feature->GetGeometryRef();
            if (geometry == nullptr) {
                continue;
            }
            decoded.type = wkbFlatten(geometry->getGeometryType());
            const std::size_t wkb_size = geometry->WkbSize();
            std::vector<unsigned char> wkb(wkb_size);
            geometry->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            geo::GeosGeometryPtr metres = geos.own(GEOSGeomFromWKB_buf_r(geos.handle(), wkb.data(), wkb_size), "WKB read");
            struct Frame {
                double min_x, max_y, unit;
            } frame{min_x, max_y, unit};
            auto to_tile = [](double* x, double* y, void* data) {
                const auto* f = static_cast<const Frame*>(data);
                *x = std::round((*x - f->min_x) / f->unit);
                *y = std::round((f->max_y - *y) / f->unit);
                return 1;
            };
            decoded.geometry = geos.own(GEOSGeom_transformXY_r(geos.handle(), metres.get(), to_tile, &frame), "to tile units");
            out.push_back(std::move(decoded));
        }
    }
    dataset.reset();
    VSIUnlink(name.c_str());
    return out;
}

/// A square coverage of n x n units over [west, west + n*step] x [south, ...] whose inner borders
/// zig-zag through `wiggles` extra vertices per edge, shared exactly by both neighbours (as a
/// topologically clean source has them). One GeoJSON FeatureCollection with code and name.
inline std::string grid_coverage(int n, double west, double south, double step, int wiggles)
{
    auto x_at = [&](int i) { return west + i * step; };
    auto y_at = [&](int j) { return south + j * step; };
    // Vertices of the edge from grid node a to node b; interior edges wiggle, the outline is straight.
    auto edge = [&](int i0, int j0, int i1, int j1) {
        std::vector<std::pair<double, double>> points;
        const bool outline = (i0 == i1 && (i0 == 0 || i0 == n)) || (j0 == j1 && (j0 == 0 || j0 == n));
        const int count = outline ? 1 : wiggles + 1;
        for (int k = 0; k < count; ++k) {
            const double t = static_cast<double>(k) / count;
            double x = x_at(i0) + (x_at(i1) - x_at(i0)) * t;
            double y = y_at(j0) + (y_at(j1) - y_at(j0)) * t;
            if (!outline && k > 0) {
                // The offset depends on the edge's position only, so both neighbours get the same points.
                // Tapered to nothing at the corners so that neighbouring edges never cross.
                const double offset = step * 0.08 * std::sin(3.14159265358979 * t) * std::sin(k * 1.7 + (i0 + i1) * 0.9 + (j0 + j1) * 1.3);
                if (i0 == i1) {
                    x += offset;
                } else {
                    y += offset;
                }
            }
            points.emplace_back(x, y);
        }
        return points;
    };
    auto reversed = [&](int i0, int j0, int i1, int j1) {
        auto forward = edge(i1, j1, i0, j0);
        forward.push_back({x_at(i0), y_at(j0)});
        std::vector<std::pair<double, double>> back(forward.rbegin(), forward.rend());
        back.pop_back();
        return back;
    };
    std::string json = R"({"type":"FeatureCollection","features":[)";
    char buffer[64];
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i) {
            // Counter-clockwise: bottom (i,j)->(i+1,j), right, top backwards, left backwards. Each edge
            // is generated in one canonical direction (increasing i or j) so neighbours share points.
            std::vector<std::pair<double, double>> ring;
            for (const auto& p : edge(i, j, i + 1, j)) ring.push_back(p);
            for (const auto& p : edge(i + 1, j, i + 1, j + 1)) ring.push_back(p);
            for (const auto& p : reversed(i + 1, j + 1, i, j + 1)) ring.push_back(p);
            for (const auto& p : reversed(i, j + 1, i, j)) ring.push_back(p);
            ring.push_back(ring.front());
            std::string coords;
            for (const auto& [x, y] : ring) {
                std::snprintf(buffer, sizeof buffer, "[%.9f,%.9f]", x, y);
                coords += (coords.empty() ? "" : ",") + std::string(buffer);
            }
            const int id = j * n + i + 1;
            json += (id == 1 ? "" : ",") + std::string(R"({"type":"Feature","properties":{"code":"U)") + std::to_string(id) +
                R"(","name":"Unit )" + std::to_string(id) + R"(","population":)" + std::to_string(id * 1000) +
                R"(},"geometry":{"type":"Polygon","coordinates":[[)" + coords + "]]}}";
        }
    }
    return json + "]}";
}

} // namespace migratlas::test
