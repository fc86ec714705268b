#!/usr/bin/env python3
"""Deterministic benchmark input for `migratlas calibrate`: N persons, ~60 control categories.

Usage: gen_calibration_bench.py OUTDIR [N] [SEED]
Writes OUTDIR/survey.csv (person_id,design_weight,unit_code,sex,age_group,area,born_abroad,hh_size)
and OUTDIR/controls.csv (margins unit_code 40, sex:age_group 10, area 2, born_abroad 2, hh_size 4).
Controls are the totals of w* = d * h_k with h_k > 0 (migrants and urban persons under-weighted by
the design), so the margins share one grand total and every method, logit with bounds 0.3,3
included, has a solution. Same N and SEED give byte-identical files.
"""
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20240611)
units = [f"U{i:02d}" for i in range(1, 41)]
ages = ["0-14", "15-29", "30-44", "45-64", "65+"]
sizes = ["1", "2", "3-4", "5+"]
totals = {}

def add(margin, category, value):
    key = (margin, category)
    totals[key] = totals.get(key, 0.0) + value

with open(f"{out}/survey.csv", "w") as f:
    f.write("person_id,design_weight,unit_code,sex,age_group,area,born_abroad,hh_size\n")
    for k in range(1, n + 1):
        u = rng.randrange(40)
        unit = units[u]
        sex = "1" if rng.random() < 0.49 else "2"
        age = ages[min(4, int(rng.random() ** 1.3 * 5))]
        area = "urban" if rng.random() < 0.55 + 0.01 * (u % 30) else "rural"
        born = "1" if rng.random() < (0.03 + (0.06 if u % 7 == 0 else 0.0)) else "0"
        size = sizes[rng.randrange(4)]
        d = round(rng.uniform(40.0, 260.0), 6)
        h = (1.0 + 0.6 * (born == "1")) * (1.0 + 0.08 * (area == "urban")) * (0.95 + 0.003 * u) * rng.uniform(0.9, 1.1)
        w = d * h
        f.write(f"{k},{d:.6f},{unit},{sex},{age},{area},{born},{size}\n")
        add("unit_code", unit, w)
        add("sex:age_group", f"{sex}:{age}", w)
        add("area", area, w)
        add("born_abroad", born, w)
        add("hh_size", size, w)

order = [("unit_code", units), ("sex:age_group", [f"{s}:{a}" for a in ages for s in "12"]),
         ("area", ["rural", "urban"]), ("born_abroad", ["0", "1"]), ("hh_size", sizes)]
with open(f"{out}/controls.csv", "w") as f:
    f.write("margin,category,total\n")
    # Totals with 6 decimals: every margin sums to the same N up to ~1e-6 persons.
    for margin, cats in order:
        for c in cats:
            f.write(f"{margin},{c},{totals[(margin, c)]:.6f}\n")
