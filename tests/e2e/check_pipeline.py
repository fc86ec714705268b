#!/usr/bin/env python3
"""Checks what tools/pipeline.sh wrote: files, workspace tables, reconciliation, no raw identifiers."""
import csv
import json
import re
import sqlite3
import sys
from pathlib import Path

out = Path(sys.argv[1])
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


for name in ["inputs/geographies.gpkg", "inputs/crossings.csv", "inputs/survey.csv", "inputs/controls.csv",
             "inputs/crossing_points.csv", "inputs/params.txt", "inputs/README.txt", "workspace.gpkg",
             "events.csv", "rejects.csv", "duplicates.csv", "weights.csv", "estimates.csv",
             "geo_check_level3.json"]:
    check((out / name).is_file(), f"missing output {name}")
# Tiles of the published units: every unit of the workspace is in the MBTiles layer's zoom range,
# the metadata lists its fields, and the PMTiles twin starts with its v3 header.
tiles = sqlite3.connect(out / "tiles" / "units.mbtiles")
meta = dict(tiles.execute("SELECT name, value FROM metadata"))
layers = {layer["id"]: layer for layer in json.loads(meta.get("json", "{}")).get("vector_layers", [])}
check("units" in layers and "code" in layers["units"].get("fields", {}), "units.mbtiles has no units layer with code")
check(tiles.execute("SELECT count(*) FROM tiles").fetchone()[0] > 0, "units.mbtiles has no tiles")
check((out / "tiles" / "units.pmtiles").read_bytes()[:7] == b"PMTiles", "units.pmtiles is not PMTiles v3")
check((out / "tiles" / "units.json").is_file(), "no TileJSON beside units.mbtiles")

if failures:
    print("\n".join(failures))
    sys.exit(1)

db = sqlite3.connect(out / "workspace.gpkg")
tables = {r[0] for r in db.execute("select table_name from gpkg_contents")}
for t in ["units", "unit_neighbours", "events_monthly", "crossings_monthly", "estimates", "run_log"]:
    check(t in tables, f"workspace has no table {t} (has {sorted(tables)})")

levels = dict(db.execute("select level, count(*) from units group by level").fetchall())
check(levels.get(1) == 3, f"expected 3 countries, got {levels}")
check(30 <= levels.get(2, 0) <= 50, f"expected ~40 level-2 units, got {levels}")
check(300 <= levels.get(3, 0) <= 500, f"expected ~400 level-3 units, got {levels}")
orphans = db.execute("select count(*) from units c where c.level > 1 and not exists "
                     "(select 1 from units p where p.code = c.parent_code and p.level = c.level - 1)").fetchone()[0]
check(orphans == 0, f"{orphans} units without a parent")

# Every input row is an event, a reject or a duplicate, and the files agree with that.
crossings = read_csv(out / "inputs/crossings.csv")
events = read_csv(out / "events.csv")
rejects = read_csv(out / "rejects.csv")
duplicates = read_csv(out / "duplicates.csv")
check(len(events) + len(rejects) + len(duplicates) == len(crossings),
      f"rows do not reconcile: {len(crossings)} read != {len(events)} events + {len(rejects)} rejects "
      f"+ {len(duplicates)} duplicates")
counts = dict(db.execute("select name, cast(value as integer) from run_log where command like 'link%' "
                         "and kind = 'count' and stage = 'records'").fetchall())
check(counts.get("rows_read") == len(crossings), f"run_log rows_read {counts.get('rows_read')} != {len(crossings)}")
check(counts.get("rows_read") == counts.get("events", 0) + counts.get("rejected", 0) + counts.get("duplicates", 0),
      f"run_log does not reconcile: {counts}")
check(len(rejects) > 0 and len(duplicates) > 0, "the demo region should contain some bad rows and duplicates")
labels = {e["event_type"] for e in events}
for label in ["immigrant_arrival", "emigrant_departure", "short_term", "visitor", "unresolved"]:
    check(label in labels, f"no '{label}' event in the demo region")
keys = [(e["person_key"]) for e in events]
check(keys == sorted(keys), "events.csv is not sorted by person_key")
check(all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys), "person_key is not a 64-hex HMAC")

# No raw person identifier in anything the pipeline wrote (inputs excepted).
raw_ids = {r["person_id"] for r in crossings if r["person_id"]}
id_shape = re.compile(rb"P\d{9}")
check(all(re.fullmatch(r"P\d{9}", i) for i in list(raw_ids)[:1000]), "unexpected demo person_id shape")
for path in out.rglob("*"):
    if path.is_file() and "inputs" not in path.parts and path.name != "hmac.key":
        found = {m.decode() for m in id_shape.findall(path.read_bytes())} & raw_ids
        check(not found, f"{path.name} contains raw person ids, e.g. {sorted(found)[:3]}")

# Survey: calibrated estimates with a national row; weights reproduce the born_abroad control.
estimates = read_csv(out / "estimates.csv")
check(list(estimates[0].keys()) == ["unit_code", "estimate", "se", "cv", "ci_low", "ci_high", "flag"],
      f"estimates.csv columns: {list(estimates[0].keys())}")
national = [e for e in estimates if e["unit_code"] == "ALL"]
check(len(national) == 1, "estimates.csv has no single ALL row")
controls = read_csv(out / "inputs/controls.csv")
born_abroad = [float(c["total"]) for c in controls if c["margin"] == "born_abroad" and c["category"] == "1"]
if national and born_abroad:
    check(abs(float(national[0]["estimate"]) - born_abroad[0]) < 1e-6 * born_abroad[0],
          f"calibrated national born_abroad {national[0]['estimate']} != control {born_abroad[0]}")

# Flows and border (issue 8): record flows reconcile with the classified events, every kept crossing
# is in crossings_detail and in the crossing-point indicators, and the products are layers with geometry.
for t in ["crossings_detail", "flows", "unit_flows", "flow_indicators", "corridors", "crossing_point_indicators",
          "border_segments", "unit_border"]:
    check(t in tables, f"workspace has no table {t}")
flow_counts = dict(db.execute("select name, cast(value as integer) from run_log where command = 'flows' "
                              "and kind = 'count'").fetchall())
migration = db.execute("select coalesce(sum(events), 0) from flows where flow_type in ('immigration', 'emigration')").fetchone()[0]
check(migration == flow_counts.get("migration_events_in_flows"),
      f"flows hold {migration} migration events, run_log says {flow_counts.get('migration_events_in_flows')}")
check(flow_counts.get("events_in_period") == flow_counts.get("events_in_flows", 0) + flow_counts.get("events_unresolved", 0)
      + flow_counts.get("events_without_direction", 0) + sum(v for k, v in flow_counts.items() if k.startswith("events_not_joined:")),
      f"flows run_log does not reconcile: {flow_counts}")
detail = db.execute("select sum(crossings) from crossings_detail").fetchone()[0]
check(detail == counts.get("events"), f"crossings_detail holds {detail} crossings, link kept {counts.get('events')}")
at_points = db.execute("select sum(crossings) from crossing_point_indicators").fetchone()[0]
check(at_points == detail, f"crossing_point_indicators hold {at_points} crossings of {detail}")
kinds = dict(db.execute("select table_name, geometry_type_name from gpkg_geometry_columns").fetchall())
for layer, kind in [("corridors", "MULTILINESTRING"), ("border_segments", "MULTILINESTRING"),
                    ("crossing_point_indicators", "POINT"), ("crossing_points", "POINT")]:
    check(kinds.get(layer) == kind, f"{layer} is a {kinds.get(layer)} layer, expected {kind}")
children = db.execute("select count(*) from flows where age_group = '0-17'").fetchone()[0]
check(children > 0, "flows by age group have no 0-17 group")

document = json.loads((out / "geo_check_level3.json").read_text())
report = document.get("outcome", {})
for key in ["features_read", "units", "invalid_repaired", "parts_merged", "missing_code", "missing_geometry",
            "duplicate_codes", "orphans", "crs", "area_km2_total", "usable"]:
    check(key in report, f"geo check --json has no outcome '{key}'")
check(document.get("status") == "ok" and isinstance(document.get("diagnostics", {}).get("entries"), list),
      "geo check --json has no status ok and structured diagnostics")

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print(f"ok: {len(crossings)} crossing rows = {len(events)} events + {len(rejects)} rejects + "
      f"{len(duplicates)} duplicates; units {levels}; {len(estimates)} estimate rows")
