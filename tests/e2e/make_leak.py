#!/usr/bin/env python3
"""Writes an unsuppressed copy of a CSV export: the first hidden leaf cell (primary) of
crossings_monthly gets its true value from the workspace and the status 'published'. Prints the cell
as the audit names it (key=code, ...). Usage: make_leak.py EXPORT_DIR WORKSPACE OUT_DIR"""
import csv
import shutil
import sqlite3
import sys
from pathlib import Path

export, workspace, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
shutil.rmtree(out, ignore_errors=True)
shutil.copytree(export, out)
table = "crossings_monthly"
path = out / f"{table}.csv"
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header = rows[0]
keys = ["month", "crossing_point", "direction", "nationality"]
at = [header.index(k) for k in keys]
value, status = header.index("crossings"), header.index("crossings_status")
db = sqlite3.connect(workspace)
for row in rows[1:]:
    if row[status] != "primary" or any(row[i] == "_T" for i in at):
        continue
    found = db.execute(f"SELECT crossings FROM {table} WHERE month=? AND crossing_point=? AND direction=? AND nationality=?",
                       [row[i] for i in at]).fetchone()
    if found is None:
        continue
    row[value], row[status] = str(found[0]), "published"
    print(", ".join(f"{k}={row[i]}" for k, i in zip(keys, at)))
    break
else:
    sys.exit("no primary leaf cell to leak")
with open(path, "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
