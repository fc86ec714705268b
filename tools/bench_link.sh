#!/usr/bin/env bash
# Benchmark of `migratlas link` against the PostgreSQL peer (shared/reference/linkage/peer-postgresql)
# on the same input in the same run: rows/s, peak RSS, agreement of the outputs, speed ratio.
# Not a test. Usage:
#   tools/bench_link.sh [--scale small|medium|large] [--persons N] [--input CROSSINGS.csv --params P.txt]
#                       [--out DIR] [--threads N] [--memory-budget 4G] [--no-peer]
# Default: --scale medium (about 1 M rows) in /tmp/migratlas-bench. The demo generator makes the
# input (`migratlas demo`; large = 5 M persons, about 20-25 M rows). MIGRATLAS=path overrides the
# binary (default build/migratlas). Needs root for the peer's private PostgreSQL cluster.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
peer_dir=$(cd "$repo/../shared/reference/linkage/peer-postgresql" 2>/dev/null && pwd || true)
bin=${MIGRATLAS:-$repo/build/migratlas}
scale=medium persons="" input="" params="" out=/tmp/migratlas-bench threads=0 budget=4G run_peer=1
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --persons|--rows) persons=$2; shift 2 ;;  # --rows N is read as N persons (about 5 rows each)
    --input) input=$2; shift 2 ;;
    --params) params=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --memory-budget) budget=$2; shift 2 ;;
    --no-peer) run_peer=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench_link.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "bench_link.sh: $bin not found; build first (tools/build.sh) or set MIGRATLAS" >&2; exit 2; }
mkdir -p "$out"
# The peer's server reads the CSV itself: the folder must be readable by user postgres.
chmod 755 "$out"
if [ -z "$input" ]; then
  echo "== generating demo crossings (scale $scale${persons:+, $persons persons}) in $out/input"
  "$bin" -q demo --out "$out/input" --scale "$scale" ${persons:+--persons "$persons"}
  input=$out/input/crossings.csv params=$out/input/params.txt
fi
[ -n "$params" ] || { echo "bench_link.sh: --input needs --params" >&2; exit 2; }
chmod 644 "$input" "$params"
rows=$(( $(wc -l < "$input") - 1 ))
bytes=$(stat -c %s "$input")
echo "== input: $input ($rows records, $((bytes / 1000000)) MB)"

head -c 32 /dev/urandom > "$out/bench.key"
chmod 600 "$out/bench.key"
mkdir -p "$out/migratlas"
echo "== migratlas link (threads ${threads/#0/all}, memory budget $budget)"
/usr/bin/time -v -o "$out/migratlas/time.txt" "$bin" link --crossings "$input" --params "$params" \
  --key-file "$out/bench.key" --events-csv "$out/migratlas/events.csv" --rejects-csv "$out/migratlas/rejects.csv" \
  --duplicates-csv "$out/migratlas/duplicates.csv" --threads "$threads" --memory-budget "$budget" \
  2> >(grep -v 'warning:' >&2)
wall_of() {  # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:03.41" -> seconds
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"
}
rss_of() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
cpu_of() { awk -F': ' '/Percent of CPU/ { print $2 }' "$1"; }
m_wall=$(wall_of "$out/migratlas/time.txt")
m_rss=$(rss_of "$out/migratlas/time.txt")
m_rate=$(awk -v r="$rows" -v s="$m_wall" 'BEGIN { printf "%.0f", r / (s > 0 ? s : 1e-9) }')
echo "migratlas: $m_wall s wall, $m_rate rows/s, peak RSS $m_rss MB, CPU $(cpu_of "$out/migratlas/time.txt")"

if [ "$run_peer" = 0 ]; then
  exit 0
fi
[ -n "$peer_dir" ] || { echo "bench_link.sh: peer not found beside the checkout (../shared/reference/linkage/peer-postgresql)" >&2; exit 1; }
pgdir=$out/pgpeer
started_cluster=0
cleanup() { if [ "$started_cluster" = 1 ]; then "$peer_dir/cluster.sh" stop "$pgdir" >/dev/null || true; fi; }
trap cleanup EXIT
echo "== PostgreSQL peer (private cluster in $pgdir)"
"$peer_dir/cluster.sh" start "$pgdir" >/dev/null
started_cluster=1
mkdir -p "$out/peer"
chmod 777 "$out/peer"
PGHOST=$pgdir /usr/bin/time -v -o "$out/peer/time.txt" "$peer_dir/run.sh" "$input" "$params" "$out/peer"
p_wall=$(wall_of "$out/peer/time.txt")
# The server process does the work: take its peak memory from the cluster, not from psql.
p_rate=$(awk -v r="$rows" -v s="$p_wall" 'BEGIN { printf "%.0f", r / (s > 0 ? s : 1e-9) }')
echo "peer:      $p_wall s wall, $p_rate rows/s (server-side; psql client RSS not meaningful)"

echo "== comparing outputs (person_id mapped through the same HMAC key)"
status=0
python3 "$here/link_compare.py" --key "$out/bench.key" --peer-dir "$out/peer" --events "$out/migratlas/events.csv" \
  --rejects "$out/migratlas/rejects.csv" --duplicates "$out/migratlas/duplicates.csv" --work "$out/compare" || status=1
ratio=$(awk -v a="$p_wall" -v b="$m_wall" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 1e-9) }')
echo "== summary: $rows rows; migratlas $m_wall s ($m_rate rows/s, $m_rss MB peak RSS); peer $p_wall s ($p_rate rows/s); speed ratio ${ratio}x; outputs $([ $status = 0 ] && echo agree || echo DIFFER)"
exit $status
