#!/usr/bin/env bash
# Benchmark of `migratlas flows` and `migratlas border` (issue 8 goals: flows + border on the demo
# `large` region, about 25 M crossing rows already linked, under 5 s wall on 2 cores; the UNHCR OD
# table under 1 s). The peer, in the same run, is the core aggregation done by SQLite itself (one
# GROUP BY over the same workspace tables: the OD table of the records, crossings per point and
# month), without geometry or indicators; the ratio says what the rest costs. Not a test.
# Usage: tools/bench_flows_border.sh [--scale small|medium|large] [--out DIR] [--reuse] [--runs N] [--unhcr-only]
# Default: --scale large in /tmp/migratlas-bench-flows; --reuse keeps an existing linked workspace;
# --unhcr-only times the UNHCR table alone (no demo region, no peer).
# MIGRATLAS=path overrides the binary (default build/migratlas).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=${MIGRATLAS:-$repo/build/migratlas}
realdata=$repo/../shared/realdata
scale=large out=/tmp/migratlas-bench-flows reuse=0 runs=3 unhcr_only=0
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --runs) runs=$2; shift 2 ;;
    --unhcr-only) unhcr_only=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench_flows_border.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "bench_flows_border.sh: $bin not found; build first (tools/build.sh)" >&2; exit 2; }
mkdir -p "$out"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
timed() {  # timed LABEL COMMAND...: median wall seconds of $runs runs; CPU seconds (user + sys) in $out/cpu.LABEL
  local label=$1; shift
  for i in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S" -o "$out/time.txt" "$@" > /dev/null 2> "$out/stderr.txt" || { cat "$out/stderr.txt" >&2; exit 1; }
    awk '{ print $2 + $3 }' "$out/time.txt" >> "$out/cpu.$label.runs"
    awk '{ print $1 }' "$out/time.txt"
  done | median
  median < "$out/cpu.$label.runs" > "$out/cpu.$label"
  rm -f "$out/cpu.$label.runs"
}
if [ $unhcr_only = 0 ]; then
in=$out/input ws=$out/workspace.gpkg
if [ $reuse = 0 ] || [ ! -f "$ws" ]; then
  rm -rf "$in" "$ws"
  echo "== demo region, scale $scale"
  "$bin" -q demo --out "$in" --scale "$scale"
  for level in 1 2 3; do
    parent=""; [ $level -gt 1 ] && parent="--parent-field parent_code"
    "$bin" -q geo import "$in/geographies.gpkg" --layer level$level --code-field code --name-field name $parent \
      --level $level --workspace "$ws"
  done
  head -c 32 /dev/urandom > "$out/bench.key"; chmod 600 "$out/bench.key"
  echo "== link (not timed here: tools/bench_link.sh benchmarks it)"
  /usr/bin/time -f "   link: %e s wall, %M KB peak RSS" "$bin" -q link --crossings "$in/crossings.csv" \
    --params "$in/params.txt" --key-file "$out/bench.key" --points "$in/crossing_points.csv" --workspace "$ws"
fi
rows=$(python3 - "$ws" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select value from run_log where command = 'link' and kind = 'count' and name = 'rows_read' "
                 "order by run_id desc limit 1").fetchone()[0])
PY
)
python3 - "$ws" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in ("events_monthly", "crossings_detail", "crossings_monthly"):
    print(f"   {t}: {db.execute(f'select count(*) from {t}').fetchone()[0]} rows")
PY
echo "== input: $rows crossing rows linked in $ws ($(du -m "$ws" | cut -f1) MB)"

flows_cmd=("$bin" -q flows --workspace "$ws" --population "$in/population.csv" --by sex,age_group --shape arc)
border_cmd=("$bin" -q border --workspace "$ws" --population "$in/population.csv" --buffer-km 50)
echo "== migratlas ($runs runs each, median wall; 2 cores shared)"
f=$(timed flows "${flows_cmd[@]}")
b=$(timed border "${border_cmd[@]}")
echo "   flows:  $f s wall, $(cat "$out/cpu.flows") s CPU"
echo "   border: $b s wall, $(cat "$out/cpu.border") s CPU"
echo "   (load average now: $(cut -d' ' -f1-3 /proc/loadavg); wall time includes waiting for a core)"
fo=$(OGR_SQLITE_SYNCHRONOUS=OFF timed flows "${flows_cmd[@]}")
bo=$(OGR_SQLITE_SYNCHRONOUS=OFF timed border "${border_cmd[@]}")
echo "   with OGR_SQLITE_SYNCHRONOUS=OFF (no fsync at the commit of the run's transaction): flows $fo s, border $bo s"

echo "== peer: the same aggregations as SQLite GROUP BY queries (no geometry, no indicators)"
peer=$( { /usr/bin/time -f "%e" python3 - "$ws" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("select month, event_type, direction, nationality, crossing_point, coalesce(residence_code, unit_code), "
           "sex, age_group, sum(persons), sum(events) from events_monthly "
           "group by 1, 2, 3, 4, 5, 6, 7, 8").fetchall()
db.execute("select crossing_point, month, direction, sum(crossings) from crossings_detail group by 1, 2, 3").fetchall()
db.execute("select crossing_point, nationality, sum(crossings) from crossings_detail group by 1, 2").fetchall()
PY
} 2>&1 | tail -1)
echo "   SQLite: $peer s"
awk -v f="$f" -v b="$b" -v p="$peer" 'BEGIN { t = f + b; printf "== flows + border: %.2f s (goal < 5 s): %s; %.1fx the SQLite aggregation alone\n", t, t < 5 ? "met" : "NOT met", t / (p > 0 ? p : 1e-9) }'

fi

if [ -f "$realdata/migration/unhcr_flows_lac_2000_2025.csv" ]; then
  echo "== UNHCR asylum flows 2000-2025 (12,064 rows) as a country OD table"
  uws=$out/unhcr.gpkg
  rm -f "$uws"
  "$bin" -q geo import "$realdata/boundaries/world-countries.json" --layer countries1 --code-field id \
    --name-field name --level 1 --where "id <> '-99'" --workspace "$uws"
  u=$(timed unhcr "$bin" -q flows --workspace "$uws" --od "$realdata/migration/unhcr_flows_lac_2000_2025.csv" \
    --od-columns origin=coo_iso,destination=coa_iso,period=year,count=asylum_seekers+oip --od-type asylum \
    --unknown-codes skip --shape great-circle)
  uo=$(OGR_SQLITE_SYNCHRONOUS=OFF timed unhcr "$bin" -q flows --workspace "$uws" --od "$realdata/migration/unhcr_flows_lac_2000_2025.csv" \
    --od-columns origin=coo_iso,destination=coa_iso,period=year,count=asylum_seekers+oip --od-type asylum \
    --unknown-codes skip --shape great-circle)
  awk -v u="$u" -v uo="$uo" -v c="$(cat "$out/cpu.unhcr")" 'BEGIN { printf "   flows --od: %.2f s wall, %.2f s CPU (goal < 1 s): %s; without fsync at commit %.2f s\n", u, c, u < 1 ? "met" : "NOT met", uo }'
  echo "   (load average now: $(cut -d' ' -f1-3 /proc/loadavg); workspace $(du -m "$uws" | cut -f1) MB)"
else
  echo "== UNHCR table skipped: $realdata is absent"
fi
