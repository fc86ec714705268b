#!/usr/bin/env bash
# A real PostgreSQL 15 + PostGIS 3 cluster, started here in a temporary folder on a free loopback
# port and stopped at the end, so that `export --format pg`, `audit PG:` and `geo import PG:` run
# against a server, not a mock. Exits 77 (ctest: skipped) with the reason when the binaries are absent.
# Usage: tests/e2e/postgis_test.sh MIGRATLAS_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
bin=$1 src=$2 work=$3

pg_bin=$( (pg_config --bindir 2>/dev/null || true) | head -1)
[[ -x ${pg_bin:-}/initdb ]] || pg_bin=/usr/lib/postgresql/15/bin
if [[ ! -x $pg_bin/initdb || ! -x $pg_bin/pg_ctl ]]; then
  echo "SKIP: no PostgreSQL server binaries (initdb, pg_ctl) in $pg_bin; install postgresql-15 and postgis"
  exit 77
fi
share=$("$pg_bin/pg_config" --sharedir 2>/dev/null || echo /usr/share/postgresql/15)
if [[ ! -f $share/extension/postgis.control ]]; then
  echo "SKIP: PostGIS is not installed for this PostgreSQL ($share/extension/postgis.control missing)"
  exit 77
fi

rm -rf "$work"
mkdir -p "$work"
cluster=$(mktemp -d /tmp/migratlas-pg.XXXXXX)
# PostgreSQL refuses to run as root: the cluster belongs to 'nobody' when the test runs as root.
as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  chown nobody "$cluster"
  as_owner=(runuser -u nobody --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -m immediate stop > /dev/null 2>&1 || true
  rm -rf "$cluster"
}
trap stop EXIT
"${as_owner[@]}" "$pg_bin/initdb" -D "$cluster/data" -U migratlas --auth=trust -E UTF8 --no-locale > "$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log"; exit 1; }
"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
  -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off" start > /dev/null \
  || { cat "$cluster/server.log"; exit 1; }
psql=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U migratlas)
"${psql[@]}" -d postgres -c "CREATE DATABASE atlas"
"${psql[@]}" -d atlas -c "CREATE EXTENSION postgis"
conn="PG:host=127.0.0.1 port=$port dbname=atlas user=migratlas password=not-needed"

fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== a workspace: the linkage reference cases and one country"
head -c 32 /dev/urandom > "$work/hmac.key"
"$bin" link --crossings "$src/tests/fixtures/linkage/cases.csv" --params "$src/tests/fixtures/linkage/params.txt" \
  --key-file "$work/hmac.key" --workspace "$work/ws.gpkg" --quiet > /dev/null 2>&1 || fail "link"
"$bin" geo import "$src/tests/fixtures/geo/tiny_country.geojson" --code-field iso3 --name-field name --level 1 \
  --workspace "$work/ws.gpkg" > /dev/null 2>&1 || fail "geo import of the fixture"

echo "== export --format pg"
"$bin" export --workspace "$work/ws.gpkg" --layer crossings_monthly,units --format pg --out "$conn" > "$work/export.log" 2>&1 \
  || { cat "$work/export.log"; fail "export --format pg"; }
grep -q 'password=\*\*\*' "$work/export.log" || fail "the export summary does not mask the password: $(cat "$work/export.log")"
! grep -q 'not-needed' "$work/export.log" || fail "the password appears in the export's output"
rows=$("${psql[@]}" -d atlas -At -c "SELECT count(*) FROM crossings_monthly")
hidden=$("${psql[@]}" -d atlas -At -c "SELECT count(*) FROM crossings_monthly WHERE crossings IS NULL")
small=$("${psql[@]}" -d atlas -At -c "SELECT count(*) FROM crossings_monthly WHERE crossings > 0 AND crossings < 10")
echo "   crossings_monthly: $rows rows, $hidden hidden, $small published below 10"
[[ $rows -gt 0 && $hidden -gt 0 && $small -eq 0 ]] || fail "unexpected table contents"
srid=$("${psql[@]}" -d atlas -At -c "SELECT Find_SRID('public', 'units', 'geom')")
[[ $srid == 4326 ]] || fail "units geometry has SRID $srid, not 4326"
"${psql[@]}" -d atlas -At -c "SELECT count(*) FROM migratlas_datapackage" | grep -qx 2 || fail "no datapackage rows"

echo "== audit PG: passes"
"$bin" audit "$conn" --key-file "$work/hmac.key" --raw-ids "$src/tests/fixtures/linkage/cases.csv" > "$work/audit.log" 2>&1 \
  || { cat "$work/audit.log"; fail "audit of the PostGIS export"; }

echo "== geo import PG: reads the published units back"
"$bin" geo import "$conn" --layer units --code-field code --name-field name --level 1 --workspace "$work/back.gpkg" \
  > "$work/import.log" 2>&1 || { cat "$work/import.log"; fail "geo import PG:"; }

echo "== a leak written straight into the database fails the audit with the cell named"
"${psql[@]}" -d atlas -c "UPDATE crossings_monthly SET crossings = 3, crossings_status = 'published'
  WHERE fid = (SELECT min(fid) FROM crossings_monthly WHERE crossings_status = 'primary')"
if "$bin" audit "$conn" > "$work/leak.log" 2>&1; then fail "the audit passed a published 3"; fi
grep -q 'below the threshold' "$work/leak.log" || { cat "$work/leak.log"; fail "the finding does not say why"; }

echo "== a server that refuses the connection: clear message, exit 1, nothing written"
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
set +e
"$bin" export --workspace "$work/ws.gpkg" --layer crossings_monthly --format pg \
  --out "PG:host=127.0.0.1 port=$closed dbname=atlas user=migratlas password=s3cret" > "$work/refused.log" 2>&1
rc=$?
set -e
[[ $rc -eq 1 ]] || { cat "$work/refused.log"; fail "exit code $rc for a refused connection (want 1)"; }
grep -q 'cannot connect to PostgreSQL' "$work/refused.log" || { cat "$work/refused.log"; fail "unclear message"; }
grep -q 'nothing was written' "$work/refused.log" || fail "the message does not say nothing was written"
! grep -q 's3cret' "$work/refused.log" || fail "the password appears in the error message"

echo "== an unknown layer: nothing reaches the database"
before=$("${psql[@]}" -d atlas -At -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if "$bin" export --workspace "$work/ws.gpkg" --layer crossings_monthly,no_such --format pg --out "$conn" \
  > "$work/unknown.log" 2>&1; then fail "an unknown layer was accepted"; fi
after=$("${psql[@]}" -d atlas -At -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
[[ $before == "$after" ]] || fail "tables changed after a failed export ($before -> $after)"
echo "PASS"
