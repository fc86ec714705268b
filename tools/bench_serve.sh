#!/usr/bin/env bash
# Load benchmark of `migratlas serve` against nginx (Debian's) serving the same tiles as static
# files, in the same run, with wrk on loopback: requests/s and latency percentiles for cached
# tiles from MBTiles and from PMTiles, and the ratios to nginx. Not a test. Usage:
#   tools/bench_serve.sh [--duration S] [--connections N] [--server-threads N] [--wrk-threads N]
#                        [--rounds N] [--tiles N] [--max-requests N] [--delay-ms N] [--source MBTILES] [--out DIR]
# Defaults: 10 s per measurement, 64 connections, 2 server threads (nginx: 2 workers), 2 wrk
# threads, 3 rounds (median reported), 10,000 distinct tiles of z6-z12, at most 5,000,000
# requests per measurement. Two phases: saturation (each connection sends its next request as soon
# as the answer arrives: the most requests/s) and paced load (each connection waits --delay-ms,
# default 5, between requests: an offered load below every server's capacity, so that the
# latency measured is the server's rather than that of a saturated client). The tiles are the 1,834 real Peru districts
# (../shared/realdata/boundaries/peru_distrital_simple.geojson) cut by GDAL's MVT driver into an
# MBTiles, copied into a PMTiles by tests/support/mbtiles_to_pmtiles.py and into z/x/y.pbf files
# for nginx; --source uses another MBTiles. Needs wrk and nginx-light (tools/setup.sh --bench).
# Client and server share the machine's cores: run it on an otherwise idle machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=${MIGRATLAS:-$repo/build/migratlas}
duration=10 connections=64 server_threads=2 wrk_threads=2 rounds=3 tile_count=10000 max_requests=5000000 delay_ms=5
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
    --delay-ms) delay_ms=$2; shift 2 ;;
    --source) source_mbtiles=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
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

# CPU time (user + system, clock ticks) of processes and all their threads: the server's cost per
# request, a figure other load on the machine disturbs less than requests/s and latency.
cpu_ticks() {
  local total=0 task fields
  for pid in "$@"; do
    for task in /proc/"$pid"/task/*/stat; do
      read -r -a fields < "$task" || continue
      total=$((total + fields[13] + fields[14]))
    done
  done
  echo "$total"
}
server_pids() {  # port -> pids of the server listening there
  case $1 in
    18601) pgrep -f "nginx: worker process" | tr '\n' ' ' ;;
    18602) echo "${pids[0]}" ;;
    18603) echo "${pids[1]}" ;;
  esac
}
run_wrk() {  # port duration [delay_ms] -> RESULT line with the server's CPU microseconds per request
  local before after line requests
  before=$(cpu_ticks $(server_pids "$1"))
  line=$(BENCH_DELAY_MS=${3:-0} BENCH_PATHS=$out/paths.txt BENCH_PREFIX=/t BENCH_MAX_REQUESTS=$max_requests BENCH_WRK_THREADS=$wrk_threads \
    wrk -t"$wrk_threads" -c"$connections" -d"${2}s" --timeout 5s -s "$here/bench_serve_wrk.lua" "http://127.0.0.1:$1" | grep '^RESULT')
  after=$(cpu_ticks $(server_pids "$1"))
  requests=$(echo "$line" | sed 's/.*requests=\([0-9]*\).*/\1/')
  echo "$line cpu_us=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / (r > 0 ? r : 1) }')"
}
echo "== warming up: every tile once through each server (fills the caches)"
for port in 18601 18602 18603; do run_wrk "$port" 3 >/dev/null; done

echo "== $rounds rounds of ${duration} s each, $connections connections, wrk $wrk_threads threads, server $server_threads threads"
: > "$out/results.txt"
for phase in saturated paced; do
  delay=0
  [ "$phase" = paced ] && delay=$delay_ms
  echo "-- $phase${delay:+ (delay $delay ms between the requests of a connection)}"
  for round in $(seq "$rounds"); do
    for target in nginx:18601 mbtiles:18602 pmtiles:18603; do
      name=${target%%:*} port=${target##*:}
      line=$(run_wrk "$port" "$duration" "$delay")
      echo "$phase $name $line" >> "$out/results.txt"
      echo "   round $round $(printf '%-8s' "$name") $(echo "$line" | sed 's/RESULT //')"
    done
  done
done

for pid in "${pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || { echo "bench_serve.sh: a migratlas server died during the run (see $out/*.log)" >&2; exit 1; }
done
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine widens the latency tails)"
python3 - "$out/results.txt" "$(nproc)" "$delay_ms" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    phase, name, _, *fields = line.split()
    rows.setdefault((phase, name), []).append({k: float(v) for k, v in (f.split("=") for f in fields)})
def median(phase, name, key):
    return statistics.median(r[key] for r in rows[(phase, name)])
labels = {"nginx": "nginx (static files)", "mbtiles": "migratlas (MBTiles)", "pmtiles": "migratlas (PMTiles)"}
rounds = len(rows[("saturated", "nginx")])
print(f"\nResults: median of {rounds} rounds; {sys.argv[2]} cores shared by client and servers; ratio = req/s over "
      "nginx's; CPU us/req = the server's user + system time per request")
for phase, title in (("saturated", "saturation (most requests/s)"),
                     ("paced", f"paced load ({sys.argv[3]} ms between a connection's requests)")):
    print(f"\n{title}")
    print(f"{'server':<22}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}{'CPU us/req':>11}{'errors':>8}{'ratio':>8}")
    base = median(phase, "nginx", "rps")
    for name in ("nginx", "mbtiles", "pmtiles"):
        errors = sum(r["errors"] + r["non2xx"] for r in rows[(phase, name)])
        print(f"{labels[name]:<22}{median(phase, name, 'rps'):>10.0f}{median(phase, name, 'p50_ms'):>9.2f}"
              f"{median(phase, name, 'p90_ms'):>9.2f}{median(phase, name, 'p99_ms'):>9.2f}{median(phase, name, 'p999_ms'):>10.2f}"
              f"{median(phase, name, 'cpu_us'):>11.1f}{errors:>8.0f}{median(phase, name, 'rps') / base:>8.2f}")
rps_goal = all(median("saturated", n, "rps") >= median("saturated", "nginx", "rps") for n in ("mbtiles", "pmtiles"))
p99_goal = all(median(p, n, "p99_ms") < 5 for p in ("saturated", "paced") for n in ("mbtiles", "pmtiles"))
print(f"\nGoal: at least nginx's req/s from MBTiles and PMTiles: {'met' if rps_goal else 'NOT met'}; "
      f"p99 under 5 ms: {'met' if p99_goal else 'NOT met'}")
PY
