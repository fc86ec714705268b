#!/usr/bin/env bash
# Installs every Debian 12 package migratlas needs to build, test and run. Idempotent:
# packages already present are left alone, and apt is not touched when nothing is missing.
# Works as root; uses sudo otherwise.  Optional extras for benchmark peers: --bench.
set -euo pipefail

packages=(
  build-essential cmake make pkg-config python3 git ca-certificates
  libgdal-dev gdal-bin libgeos-dev libproj-dev proj-data
  libboost-dev libsqlite3-dev sqlite3 libeigen3-dev libtbb-dev
  libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev libssl-dev zlib1g-dev
  libgtest-dev googletest
  # tiles (MVT) and disclosure (LP/MIP solver, EPL)
  libprotozero-dev libdeflate-dev coinor-libclp-dev coinor-libcbc-dev
  # atlas rendering: Mapnik 3.1 (agg + cairo), fonts, PDF checks
  libmapnik-dev mapnik-utils libcairo2-dev libpng-dev fonts-dejavu-core fonts-noto-core poppler-utils
  # the real database the export and PostGIS import tests start themselves
  postgresql-15 postgresql-15-postgis-3
  # the viewer's browser test: Debian's chromium, driven by playwright-core (npm)
  chromium
)
bench_packages=(r-base-core r-cran-survey r-cran-mass time nginx-light wrk hyperfine)

for arg in "$@"; do
  case "$arg" in
    --bench) packages+=("${bench_packages[@]}") ;;
    -h|--help) echo "usage: tools/setup.sh [--bench]   (--bench adds R survey and PostgreSQL, the benchmark peers)"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

# Node.js and npm (the viewer's packages): Debian's, unless a node and npm are already on PATH.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
# The viewer's libraries and the JavaScript test tools, from npm, pinned by package-lock.json.
npm_install() {
  local repo
  repo=$(cd "$(dirname "$0")/.." && pwd)
  if [[ ! -f $repo/node_modules/.package-lock.json || $repo/package-lock.json -nt $repo/node_modules/.package-lock.json ]]; then
    echo "setup: installing npm packages (package-lock.json) into $repo/node_modules"
    (cd "$repo" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if (( ${#missing[@]} == 0 )); then
  echo "setup: all ${#packages[@]} packages are installed"
  npm_install
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup.sh: not root and no sudo; install as root: ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi
echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
# Verify: an apt-get that "succeeds" with stale lists can still leave packages out.
for p in "${missing[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || { echo "setup.sh: package $p did not install" >&2; exit 1; }
done
npm_install
echo "setup: done"
