#!/usr/bin/env python3
"""Canonical text dump of a workspace GeoPackage, one file per table, for golden comparisons.

Usage: tools/dump_workspace.py WORKSPACE.gpkg OUT_DIR [--replace PREFIX=TOKEN ...]

Each <table>.txt has a header line (column:type) and the rows sorted as text. Reals are written with
12 significant digits, geometries as the SHA-256 (first 16 hex digits) of their GeoPackage blob, and
the run_log's timestamps and version are left out, so that the dump depends only on the data.
It reads the file with Python's sqlite3 module (a GeoPackage is an SQLite database): no GDAL needed.
"""
import hashlib
import os
import sqlite3
import sys

VOLATILE = {"run_log": {"started_utc", "finished_utc", "version"}}


def cell(value, replacements):
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "blob:" + hashlib.sha256(value).hexdigest()[:16]
    if isinstance(value, float):
        return format(value, ".12g")
    text = str(value)
    for prefix, token in replacements:
        text = text.replace(prefix, token)
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    workspace, out_dir = argv[1], argv[2]
    replacements = []
    rest = argv[3:]
    while rest:
        if rest[0] != "--replace" or len(rest) < 2 or "=" not in rest[1]:
            sys.exit("dump_workspace.py: expected --replace PREFIX=TOKEN, got " + " ".join(rest))
        prefix, token = rest[1].split("=", 1)
        replacements.append((prefix, token))
        rest = rest[2:]
    os.makedirs(out_dir, exist_ok=True)
    db = sqlite3.connect("file:" + workspace + "?mode=ro", uri=True)
    tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents ORDER BY table_name")]
    for table in tables:
        columns = [(r[1], r[2]) for r in db.execute(f'PRAGMA table_info("{table}")')]
        keep = [(i, name, kind) for i, (name, kind) in enumerate(columns)
                if name != "fid" and name not in VOLATILE.get(table, set())]
        rows = []
        for row in db.execute(f'SELECT * FROM "{table}"'):
            rows.append("\t".join(cell(row[i], replacements) for i, _, _ in keep))
        rows.sort()
        with open(os.path.join(out_dir, table + ".txt"), "w", encoding="utf-8", newline="\n") as out:
            out.write("\t".join(f"{name}:{kind}" for _, name, kind in keep) + "\n")
            for line in rows:
                out.write(line + "\n")
    print(f"dump_workspace: {len(tables)} tables from {workspace} -> {out_dir}")


if __name__ == "__main__":
    main(sys.argv)
