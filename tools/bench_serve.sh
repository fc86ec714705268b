#!/usr/bin/env bash
# Load benchmark of `migratlas serve` against nginx (Debian's) serving the same tiles as static
# files, in the same run, with wrk on loopback: requests/s and latency percentiles for cached
# tiles from MBTiles and from PMTiles, and the ratios to nginx. Not a test. Usage:
#   tools/bench_serve.sh [--duration S] [--connections N] [--server-threads N] [--wrk-threads N]
#                        [--rounds N] [--tiles N] [--max-requests N] [--source MBTILES] [--out DIR]
# Defaults: 10 s per measurement, 64 connections, 2 server threads (nginx: 2 workers), 2 wrk
# threads, 3 rounds (median reported), 10,000 distinct tiles of z6-z12, at most 5,000,000
# requests per measurement. The tiles are the 1,834 real Peru districts
# (../shared/realdata/boundaries/peru_distrital_simple.geojson) cut by GDAL's MVT driver into an
# MBTiles, copied into a PMTiles by tests/support/mbtiles_to_pmtiles.py and into z/x/y.pbf files
# for nginx; --source uses another MBTiles. Needs wrk and nginx-light (tools/setup.sh --bench).
# Client and server share the machine's cores: run it on an otherwise idle machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=${MIGRATLAS:-$repo/build/migratlas}
duration=10 connections=64 server_threads=2 wrk_threads=2 rounds=3 tile_count=10000 max_requests=5000000
source_mbtiles="" out=/tmp/migratlas-bench-serve
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --server-threads) server_threads=$2; shift 2 ;;
    --wrk-threads) wrk_threads=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --tiles) tile_count=$2; shift 2 ;;
    --max-requests) max_requests=$2; shift 2 ;;
    --source) source_mbtiles=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench_serve.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "bench_serve.sh: $bin not found; build first (tools/build.sh) or set MIGRATLAS" >&2; exit 2; }
for tool in wrk nginx ogr2ogr python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench_serve.sh: $tool is missing (tools/setup.sh --bench)" >&2; exit 2; }
done
mkdir -p "$out"

# 1. The tiles: one MBTiles, its PMTiles copy, the same tiles as files for nginx, the URL list.
if [ -z "$source_mbtiles" ]; then
  districts=$repo/../shared/realdata/boundaries/peru_distrital_simple.geojson
  [ -f "$districts" ] || { echo "bench_serve.sh: $districts is absent; give --source FILE.mbtiles" >&2; exit 2; }
  source_mbtiles=$out/peru_districts.mbtiles
  if [ ! -f "$source_mbtiles" ]; then
    echo "== cutting the 1,834 Peru districts into MVT z6-z12 with GDAL (once, about 20 s)"
    rm -f "$out/partial.mbtiles"
    ogr2ogr -q -f MBTiles "$out/partial.mbtiles" "$districts" -nln districts \
      -dsco MINZOOM=6 -dsco MAXZOOM=12 -dsco NAME=districts
    mv "$out/partial.mbtiles" "$source_mbtiles"
  fi
fi
pmtiles=$out/bench.pmtiles
python3 "$repo/tests/support/mbtiles_to_pmtiles.py" "$source_mbtiles" "$pmtiles" >/dev/null
python3 - "$source_mbtiles" "$out/static" "$out/paths.txt" "$tile_count" <<'PY'
import os, shutil, sqlite3, sys
source, static, paths_file, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
db = sqlite3.connect(source)
tiles = [(z, x, (1 << z) - 1 - y) for z, x, y in db.execute(
    "SELECT zoom_level, tile_column, tile_row FROM tiles WHERE zoom_level BETWEEN 6 AND 12 ORDER BY 1, 2, 3")]
# Every tile of the lower zooms, then evenly spaced tiles of the next zoom up to `count`.
by_zoom = {}
for t in tiles:
    by_zoom.setdefault(t[0], []).append(t)
chosen = []
for z in sorted(by_zoom):
    left = count - len(chosen)
    if left <= 0:
        break
    zoom_tiles = by_zoom[z]
    if len(zoom_tiles) <= left:
        chosen += zoom_tiles
    else:
        chosen += [zoom_tiles[i * len(zoom_tiles) // left] for i in range(left)]
shutil.rmtree(static, ignore_errors=True)
for z, x, y in chosen:
    (data,) = db.execute("SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                         (z, x, (1 << z) - 1 - y)).fetchone()
    os.makedirs(f"{static}/t/{z}/{x}", exist_ok=True)
    with open(f"{static}/t/{z}/{x}/{y}.pbf", "wb") as f:
        f.write(data)
with open(paths_file, "w") as f:
    for z, x, y in chosen:
        f.write(f"/{z}/{x}/{y}.pbf\n")
zooms = sorted({t[0] for t in chosen})
print(f"== {len(chosen)} distinct tiles of z{zooms[0]}-z{zooms[-1]} "
      f"({sum(1 for t in chosen if t[0] == 12)} at z12), mean {sum(os.path.getsize(f'{static}/t/{z}/{x}/{y}.pbf') for z, x, y in chosen) // len(chosen)} bytes gzip")
PY

# 2. nginx: the same tiles as static files, gzip bytes sent with Content-Encoding: gzip, the
# headers a tile server sends (type, CORS), keep-alive, no access log, one worker per server thread.
mkdir -p "$out/nginx"
cat > "$out/nginx/nginx.conf" <<NGINX
worker_processes $server_threads;
pid $out/nginx/nginx.pid;
error_log $out/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 100000000;
  open_file_cache max=20000 inactive=60s;
  client_body_temp_path $out/nginx/body; proxy_temp_path $out/nginx/proxy; fastcgi_temp_path $out/nginx/fastcgi;
  uwsgi_temp_path $out/nginx/uwsgi; scgi_temp_path $out/nginx/scgi;
  server {
    listen 127.0.0.1:18601;
    root $out/static;
    location /t/ {
      types { } default_type application/vnd.mapbox-vector-tile;
      add_header Content-Encoding gzip;
      add_header Access-Control-Allow-Origin *;
      add_header Cache-Control "public, max-age=3600";
    }
  }
}
NGINX

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$out/nginx/nginx.pid" ] && kill "$(cat "$out/nginx/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
nginx -c "$out/nginx/nginx.conf" -p "$out/nginx" -e "$out/nginx/error.log"
"$bin" -q serve --tiles "t=$source_mbtiles" --port 18602 --threads "$server_threads" > "$out/mbtiles.log" 2>&1 &
pids+=($!)
"$bin" -q serve --tiles "t=$pmtiles" --port 18603 --threads "$server_threads" > "$out/pmtiles.log" 2>&1 &
pids+=($!)
for port in 18601 18602 18603; do
  for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/t/6/$(sed -n 's#^/6/\([0-9]*\)/\([0-9]*\).pbf#\1/\2#p;q' "$out/paths.txt").pbf" && break; sleep 0.1; done
done

# 3. The three serve the same bytes.
sample=$(awk 'NR % 997 == 1' "$out/paths.txt")
for path in $sample; do
  a=$(curl -sf -H 'Accept-Encoding: gzip' "http://127.0.0.1:18601/t$path" | sha256sum)
  b=$(curl -sf -H 'Accept-Encoding: gzip' "http://127.0.0.1:18602/t$path" | sha256sum)
  c=$(curl -sf -H 'Accept-Encoding: gzip' "http://127.0.0.1:18603/t$path" | sha256sum)
  [ "$a" = "$b" ] && [ "$a" = "$c" ] || { echo "bench_serve.sh: tile $path differs between nginx, MBTiles and PMTiles" >&2; exit 1; }
done
echo "== the three servers send identical bytes (checked on $(echo "$sample" | wc -w) tiles)"

run_wrk() {  # port duration -> RESULT line
  BENCH_PATHS=$out/paths.txt BENCH_PREFIX=/t BENCH_MAX_REQUESTS=$max_requests BENCH_WRK_THREADS=$wrk_threads \
    wrk -t"$wrk_threads" -c"$connections" -d"${2}s" --timeout 5s -s "$here/bench_serve_wrk.lua" "http://127.0.0.1:$1" | grep '^RESULT'
}
echo "== warming up: every tile once through each server (fills the caches)"
for port in 18601 18602 18603; do run_wrk "$port" 3 >/dev/null; done

echo "== $rounds rounds of ${duration} s each, $connections connections, wrk $wrk_threads threads, server $server_threads threads"
: > "$out/results.txt"
for round in $(seq "$rounds"); do
  for target in nginx:18601 mbtiles:18602 pmtiles:18603; do
    name=${target%%:*} port=${target##*:}
    line=$(run_wrk "$port" "$duration")
    echo "$name $line" >> "$out/results.txt"
    echo "   round $round $(printf '%-8s' "$name") $(echo "$line" | sed 's/RESULT //')"
  done
done

python3 - "$out/results.txt" "$(nproc)" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, _, *fields = line.split()
    rows.setdefault(name, []).append({k: float(v) for k, v in (f.split("=") for f in fields)})
def median(name, key):
    return statistics.median(r[key] for r in rows[name])
print(f"\nResults (median of {len(rows['nginx'])} rounds; {sys.argv[2]} cores shared by client and servers)")
print(f"{'server':<22}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}{'errors':>8}{'ratio':>8}")
base = median("nginx", "rps")
labels = {"nginx": "nginx (static files)", "mbtiles": "migratlas (MBTiles)", "pmtiles": "migratlas (PMTiles)"}
for name in ("nginx", "mbtiles", "pmtiles"):
    errors = sum(r["errors"] + r["non2xx"] for r in rows[name])
    print(f"{labels[name]:<22}{median(name, 'rps'):>10.0f}{median(name, 'p50_ms'):>9.2f}{median(name, 'p90_ms'):>9.2f}"
          f"{median(name, 'p99_ms'):>9.2f}{median(name, 'p999_ms'):>10.2f}{errors:>8.0f}{median(name, 'rps') / base:>8.2f}")
goal = all(median(n, "rps") >= base and median(n, "p99_ms") < 5 for n in ("mbtiles", "pmtiles"))
print(f"\nGoal (at least nginx's req/s from MBTiles and PMTiles, p99 under 5 ms): {'met' if goal else 'NOT met'}")
PY
