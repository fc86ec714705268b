#!/usr/bin/env python3
"""Deterministic synthetic inputs for tools/bench-tiles: flow lines and points over South America.

Usage: gen_tiles_bench.py OUTDIR [N_LINES=100000] [N_POINTS=2000000] [SEED=20241201]
Writes OUTDIR/flows.csv (WKT LINESTRING of 25 vertices bent like a great-circle arc between two of 400
places, origin, destination, persons, year) and OUTDIR/points.csv (lon, lat, persons, kind, year:
points around 300 towns, denser near the large ones, plus 10% scattered). Same arguments give
byte-identical files.
"""
import itertools
import random
import sys

out = sys.argv[1]
n_lines = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
n_points = int(sys.argv[3]) if len(sys.argv) > 3 else 2_000_000
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 20241201)

# A rough box of the continent; places are kept where the continent is (a coarse land test).
WEST, EAST, SOUTH, NORTH = -81.0, -35.0, -55.0, 12.0


def on_land(lon, lat):
    # Thin out the Pacific west of the Andes and the Atlantic bulge: a crude outline is enough.
    if lat > 0 and lon > -50:
        return False
    if lat < -20 and lon > -40 - (lat + 20) * 0.6:
        return False
    if lat < -40 and lon > -62:
        return False
    west_coast = -81 + max(0.0, (-lat - 5)) * 0.12 if lat < -5 else -80
    return lon > west_coast


def place():
    while True:
        lon = rng.uniform(WEST, EAST)
        lat = rng.uniform(SOUTH, NORTH)
        if on_land(lon, lat):
            return lon, lat


places = [place() for _ in range(400)]
weights = [rng.paretovariate(1.2) for _ in places]
cumulative = list(itertools.accumulate(weights))
kinds = ["asylum", "labour", "family", "transit", "return", "other"]

with open(f"{out}/flows.csv", "w") as f:
    f.write("WKT,origin,destination,persons,year\n")
    for _ in range(n_lines):
        a, b = rng.choices(range(len(places)), cum_weights=cumulative, k=2)
        if a == b:
            b = (b + 1) % len(places)
        (x0, y0), (x1, y1) = places[a], places[b]
        # A bent arc: the control point is pushed off the chord by a fifth of its length.
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        dx, dy = x1 - x0, y1 - y0
        bend = rng.uniform(0.1, 0.3)
        cx, cy = mx - dy * bend, my + dx * bend
        coords = []
        for i in range(25):
            t = i / 24
            x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1
            y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1
            coords.append(f"{x:.5f} {y:.5f}")
        persons = int(rng.paretovariate(1.1) * 10)
        f.write(f"\"LINESTRING ({', '.join(coords)})\",P{a:03d},P{b:03d},{persons},{rng.randrange(2015, 2025)}\n")

towns = places[:300]
town_cumulative = list(itertools.accumulate(weights[:300]))
town_range = range(len(towns))
with open(f"{out}/points.csv", "w") as f:
    f.write("lon,lat,persons,kind,year\n")
    for _ in range(n_points):
        if rng.random() < 0.1:
            lon, lat = place()
        else:
            t = rng.choices(town_range, cum_weights=town_cumulative)[0]
            spread = 0.05 + 0.4 * rng.random() ** 3
            lon = towns[t][0] + rng.gauss(0, spread)
            lat = towns[t][1] + rng.gauss(0, spread)
        f.write(f"{lon:.6f},{lat:.6f},{1 + int(rng.expovariate(0.3))},{kinds[rng.randrange(6)]},{rng.randrange(2015, 2025)}\n")
