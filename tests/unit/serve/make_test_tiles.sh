#!/usr/bin/env bash
# Makes the tile archives the serve tests read, from tests/fixtures/serve: an MBTiles written by
# GDAL's MVT driver, and PMTiles copies of it written by the test-only writer
# (tests/support/mbtiles_to_pmtiles.py): plain, with leaf directories, and with uncompressed
# directories. Usage: make_test_tiles.sh FIXTURE_DIR OUT_DIR
set -euo pipefail
fixture=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
writer=$here/../../support/mbtiles_to_pmtiles.py
rm -rf "$out"
mkdir -p "$out"
ogr2ogr -q -f MBTiles "$out/atlas.mbtiles" "$fixture/atlas.vrt" \
  -dsco MINZOOM=0 -dsco MAXZOOM=9 -dsco NAME=atlas -dsco "DESCRIPTION=serve test fixture"
python3 "$writer" "$out/atlas.mbtiles" "$out/atlas.pmtiles"
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
