#!/usr/bin/env bash
# Benchmark of `migratlas calibrate` on 1,000,000 persons x 58 control categories (3 methods),
# and, where Rscript with the survey package is installed, survey::calibrate on the same data in
# the same run: CPU seconds, speed ratio, and max relative weight difference (must be <= 1e-8).
# Usage: tools/bench_calibrate.sh [BUILD_DIR] [N]     (BUILD_DIR default: build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
n="${2:-1000000}"
bin="$build/migratlas"
[ -x "$bin" ] || { echo "bench_calibrate: $bin not found; build first" >&2; exit 2; }
work="$(mktemp -d /tmp/migratlas-bench-calibrate.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "generating $n persons (deterministic) in $work ..."
python3 "$here/gen_calibration_bench.py" "$work" "$n"
echo "survey.csv: $(($(wc -l < "$work/survey.csv") - 1)) rows, $(du -h "$work/survey.csv" | cut -f1); controls: $(($(wc -l < "$work/controls.csv") - 1)) categories"

have_r=0
if command -v Rscript >/dev/null && Rscript -e 'quit(status = !requireNamespace("survey", quietly = TRUE))' >/dev/null 2>&1; then
  have_r=1
fi
printf '%-7s %10s %10s %10s %6s %12s %10s %10s\n' method solve_s command_s cpu_s iters r_cpu_s ratio max_rel
for method in raking linear logit; do
  bounds=(); [ "$method" = logit ] && bounds=(--bounds 0.3,3)
  log="$work/log_$method.txt"
  /usr/bin/time -f '%e %U %S' -o "$work/time_$method.txt" \
    "$bin" calibrate --survey "$work/survey.csv" --controls "$work/controls.csv" --method "$method" "${bounds[@]}" \
      --weights-out "$work/w_$method.csv" 2> "$log"
  solve=$(sed -n 's/.*solve \([0-9.]*\) s.*/\1/p' "$log")
  iters=$(sed -n 's/.*iterations \([0-9]*\);.*/\1/p' "$log")
  read -r wall user sys < "$work/time_$method.txt"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  rcpu="-"; ratio="-"; maxrel="-"
  if [ "$have_r" = 1 ]; then
    rcpu=$(Rscript "$here/bench_calibrate_r.R" "$work" "$method" 2>/dev/null | sed -n 's/^cpu_seconds //p')
    ratio=$(awk -v r="$rcpu" -v c="$cpu" 'BEGIN { printf "%.0fx", r / c }')
    maxrel=$(paste -d, "$work/w_$method.csv" "$work/r_weights_$method.csv" | awk -F, 'NR > 1 {
      d = $2 - $3; if (d < 0) d = -d; r = d / ($3 < 0 ? -$3 : $3); if (r > m) m = r } END { printf "%.2e", m }')
  fi
  printf '%-7s %10s %10s %10s %6s %12s %10s %10s\n' "$method" "$solve" "$wall" "$cpu" "$iters" "$rcpu" "$ratio" "$maxrel"
done
echo "solve_s: Newton iterations (migratlas's own timer); command_s: wall time of the whole command"
echo "(read CSV, checks, model, solve, write weights); cpu_s: its user+sys CPU; r_cpu_s: survey::calibrate"
echo "CPU seconds (system.time, epsilon 1e-12, maxit 100); ratio = r_cpu_s / cpu_s."
