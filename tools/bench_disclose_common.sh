# Sourced by tools/bench_disclose.sh and tools/bench_audit.sh (needs $build set): builds the
# drivers, makes the scratch folder $work (removed on exit) and defines `timed`.
cmake --build "$build" --target bench_disclose migratlas -j2 > /dev/null
work="$(mktemp -d "/tmp/migratlas-$1.XXXXXX")"
trap 'rm -rf "$work"' EXIT
timed() {  # label command...: wall and CPU (user + sys) of one command
  local label="$1"
  shift
  /usr/bin/time -f "$label: %e s wall, %U s user + %S s sys CPU, %M KB max RSS" "$@"
}
echo "load: $(uptime | sed 's/.*load average/load average/')"
