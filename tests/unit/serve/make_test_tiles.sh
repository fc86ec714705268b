#!/usr/bin/env bash
# Makes the tile archives the serve tests read, from tests/fixtures/serve: atlas.mbtiles and
# atlas.pmtiles written by `migratlas tiles` when the binary has that command (GDAL's MVT driver
# and the test-only PMTiles writer otherwise), gdal.mbtiles from GDAL's MVT driver (an
# independent writer), and PMTiles copies written by tests/support/mbtiles_to_pmtiles.py with
# leaf directories and with uncompressed directories (layouts the tiler need not produce).
# Usage: make_test_tiles.sh MIGRATLAS FIXTURE_DIR OUT_DIR
set -euo pipefail
migratlas=$1
fixture=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
writer=$here/../../support/mbtiles_to_pmtiles.py
rm -rf "$out"
mkdir -p "$out"
ogr2ogr -q -f MBTiles "$out/gdal.mbtiles" "$fixture/atlas.vrt" \
  -dsco MINZOOM=0 -dsco MAXZOOM=9 -dsco NAME=atlas -dsco "DESCRIPTION=serve test fixture"
if "$migratlas" --help | grep -qE '^ +tiles +'; then
  echo "tiles: migratlas tiles"
  "$migratlas" -q tiles --input "$fixture/units.geojson=units" --input "$fixture/corridors.geojson=corridors" \
    --input "$fixture/crossing_points.geojson=crossing_points" --minzoom 0 --maxzoom 9 --name atlas \
    --description "serve test fixture" --out "$out/atlas.mbtiles" --out "$out/atlas.pmtiles"
else
  echo "tiles: GDAL's MVT driver and the test-only PMTiles writer (no migratlas tiles in this build)"
  cp "$out/gdal.mbtiles" "$out/atlas.mbtiles"
  python3 "$writer" "$out/atlas.mbtiles" "$out/atlas.pmtiles"
fi
python3 "$writer" "$out/atlas.mbtiles" "$out/atlas_leaves.pmtiles" --force-leaves --leaf-size 8
python3 "$writer" "$out/atlas.mbtiles" "$out/atlas_plain.pmtiles" --no-internal-gzip

# An archive with repeated tiles, so that the PMTiles copy has run-length entries: every tile of
# zoom 2 holds the same bytes except 2/1/1 (Hilbert id 5 + 2 = 7), which splits the run.
python3 - "$out/repeated.mbtiles" <<'PY'
import gzip, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, "
                 "tile_column INTEGER, tile_row INTEGER, tile_data BLOB);")
db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "repeated"), ("format", "pbf"), ("minzoom", "2"),
               ("maxzoom", "2"), ("json", '{"vector_layers": [{"id": "sea", "fields": {}}]}')])
same = gzip.compress(b"the same tile", mtime=0)
for x in range(4):
    for y in range(4):
        data = gzip.compress(b"tile 2/1/1", mtime=0) if (x, y) == (1, 1) else same
        db.execute("INSERT INTO tiles VALUES (2, ?, ?, ?)", (x, 3 - y, data))
db.commit()
PY
python3 "$writer" "$out/repeated.mbtiles" "$out/repeated.pmtiles"

# Manifest for the independent check with the `pmtiles` npm reader: sha256 of every tile's
# inflated bytes, read from the MBTiles with Python's sqlite3.
python3 - "$out/atlas.mbtiles" "$out/manifest.json" <<'PY'
import gzip, hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
tiles = {}
for z, x, tms_y, data in db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles"):
    tiles[f"{z}/{x}/{(1 << z) - 1 - tms_y}"] = hashlib.sha256(gzip.decompress(data)).hexdigest()
json.dump(tiles, open(sys.argv[2], "w"), indent=1, sort_keys=True)
PY
