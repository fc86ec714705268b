#!/usr/bin/env bash
# Runs the whole pipeline that exists so far on a freshly generated demo region.
# Usage: tools/pipeline.sh MIGRATLAS_BINARY OUT_DIR [SCALE=small] [SEED=42]
# Used by tools/demo.sh and by the end-to-end test (tests/e2e), so both exercise the same commands.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: tools/pipeline.sh MIGRATLAS_BINARY OUT_DIR [SCALE] [SEED]" >&2; exit 2; }
m=$1
out=$2
scale=${3:-small}
seed=${4:-42}
in=$out/inputs
ws=$out/workspace.gpkg
rm -rf "$out"
mkdir -p "$out"
echo "== 1/10 demo region (scale $scale, seed $seed) -> $in"
"$m" demo --out "$in" --seed "$seed" --scale "$scale"

echo "== 2/10 geographies -> $ws (units, unit_neighbours)"
"$m" geo import "$in/geographies.gpkg" --layer level1 --code-field code --name-field name --level 1 --workspace "$ws"
"$m" geo import "$in/geographies.gpkg" --layer level2 --code-field code --name-field name \
  --parent-field parent_code --level 2 --workspace "$ws"
"$m" geo import "$in/geographies.gpkg" --layer level3 --code-field code --name-field name \
  --parent-field parent_code --level 3 --workspace "$ws"

echo "== 3/10 crossing records: pseudonymise, classify (12/16 rule), join to units"
# The pseudonymisation key is secret: generated once per demo folder, never logged or published.
# MIGRATLAS_KEY_FILE (a fixed test key) makes the pseudonyms reproducible for the golden tests.
if [[ -n ${MIGRATLAS_KEY_FILE:-} ]]; then
  cp "$MIGRATLAS_KEY_FILE" "$out/hmac.key"
else
  head -c 32 /dev/urandom > "$out/hmac.key"
fi
chmod 600 "$out/hmac.key"
"$m" link --crossings "$in/crossings.csv" --params "$in/params.txt" --key-file "$out/hmac.key" \
  --points "$in/crossing_points.csv" --workspace "$ws" \
  --events-csv "$out/events.csv" --rejects-csv "$out/rejects.csv" --duplicates-csv "$out/duplicates.csv"

echo "== 4/10 survey: calibrate weights (raking) and estimate born_abroad by unit with SE/CV"
"$m" calibrate --survey "$in/survey.csv" --controls "$in/controls.csv" --method raking \
  --weights-out "$out/weights.csv" --estimate born_abroad --by unit_code --strata stratum --psu psu \
  --estimates-out "$out/estimates.csv" --workspace "$ws"

echo "== 5/10 border survey: controls from the recorded crossings of 2023, calibrate, estimate by crossing point"
"$m" border --workspace "$ws" --controls-out "$out/border_controls.csv" --controls-by quarter --period 2023
"$m" calibrate --survey "$in/border_survey.csv" --controls "$out/border_controls.csv" --method raking \
  --weights-out "$out/border_weights.csv" --estimate intends_to_stay --by crossing_point --strata stratum \
  --estimates-out "$out/border_estimates.csv" --workspace "$ws"

echo "== 6/10 flows: OD flows by sex and age group, unit balances, system indicators, corridors (arcs)"
"$m" flows --workspace "$ws" --population "$in/population.csv" --by sex,age_group --shape arc

echo "== 7/10 border: crossing-point indicators, border segments, unit distances and the 50 km buffer"
"$m" border --workspace "$ws" --population "$in/population.csv" --buffer-km 50

echo "== 8/10 check the geographies again, as a user would"
"$m" geo check "$in/geographies.gpkg" --layer level3 --code-field code --name-field name \
  --parent-field parent_code --level 3 --workspace "$ws" --json > "$out/geo_check_level3.json"

echo "== 9/10 publish through the disclosure gate -> $out/published/{csv,gpkg}"
# The products the demo publishes. Names this build does not declare yet (stages still to come) are
# skipped, so the list can name them already; add new products here.
publish_wanted=(flows unit_flows crossing_points crossings_monthly estimates units)
declared=" $("$m" products --markdown | sed -n 's/^| `\([a-z0-9_]*\)` |.*/\1/p' | tr '\n' ' ') "
layers=()
for product in "${publish_wanted[@]}"; do
  [[ $declared == *" $product "* ]] && layers+=("$product")
done
layer_list=$(IFS=,; echo "${layers[*]}")
mkdir -p "$out/published"
"$m" export --workspace "$ws" --layer "$layer_list" --format csv --out "$out/published/csv"
"$m" export --workspace "$ws" --layer "$layer_list" --format gpkg --out "$out/published/gpkg"

echo "== 10/10 vector tiles (MBTiles + PMTiles + TileJSON) -> $out/tiles/"
# Workspace products reach the tiles only through the disclosure gate (--workspace --layers); a layer
# the gate cannot publish yet, or a product this build does not make, is skipped and said so.
mkdir -p "$out/tiles"
tiles_of() { # NAME MAXZOOM SOURCE-FLAGS...
  local name=$1 maxzoom=$2; shift 2
  "$m" -q tiles "$@" --out "$out/tiles/$name.mbtiles" --out "$out/tiles/$name.pmtiles" --maxzoom "$maxzoom" \
    --name "$name" --attribution "migratlas demo (synthetic data)" 2> "$out/tiles/$name.log"
}
tiles_of units 10 --workspace "$ws" --layers units
catalogue=$("$m" products 2>&1)
for product in corridors crossing_points; do
  if [[ $catalogue != *"\`$product\`"* ]]; then
    echo "   $product: not a product of this build; no tiles"
  elif ! tiles_of "$product" 12 --workspace "$ws" --layers "$product"; then
    echo "   $product: not published by the disclosure gate ($(tail -1 "$out/tiles/$product.log")); no tiles"
  fi
done
if [[ ! -f $out/tiles/crossing_points.mbtiles ]]; then
  # The register of crossing points (code, name, position; no counts) is public: its positions are tiled
  # from the input file until the gate publishes the product with its counts.
  tiles_of crossing_posts 12 --input "$in/crossing_points.csv=crossing_posts"
  echo "   crossing_posts: the crossing-point register (no counts) from inputs/crossing_points.csv"
fi

cat <<TXT

Done. Outputs in $out/:
  inputs/              the synthetic demo region (see inputs/README.txt)
  workspace.gpkg       units, unit_neighbours, events_monthly, crossings_monthly, crossings_detail,
                       crossing_points, estimates, flows, unit_flows, flow_indicators, corridors,
                       crossing_point_indicators (+ _series, _seasonality, _breakdown), border_segments,
                       unit_border, border_survey_estimates and run_log (internal: unsuppressed counts;
                       open it in QGIS, see docs/user-guide.md "Looking at the products in QGIS")
  events.csv           one classified event per kept crossing (pseudonymised person keys)
  rejects.csv          rejected input rows with reasons;  duplicates.csv: dropped duplicate rows
  weights.csv          calibrated survey weights;  estimates.csv: born_abroad by unit with SE, CV, flag
  border_controls.csv  recorded crossings by land point x quarter x direction in 2023 (calibration controls)
  border_weights.csv, border_estimates.csv  the border survey calibrated to them; intends_to_stay by point
  geo_check_level3.json  the geography check report
  published/csv, published/gpkg   what may leave the office: $layer_list through the disclosure
                       gate, each with datapackage.json (check: migratlas audit $out/published/csv $out/published/gpkg)
  tiles/               vector tiles (.mbtiles, .pmtiles, TileJSON .json) of the published layers; look at
                       them in QGIS (drag the .mbtiles in) or ogrinfo (README, "Looking at the tiles")
TXT
