#!/usr/bin/env python3
"""Test-only PMTiles v3 writer: copies the tiles of an MBTiles file into a PMTiles archive.

Written from the PMTiles v3 specification (protomaps/PMTiles spec/v3/spec.md) so that the tests
and the benchmark can read PMTiles before `migratlas tiles` writes them: Hilbert tile ids,
identical tiles stored once, run-length entries for consecutive repeats, a clustered data section,
gzip directories and metadata, leaf directories when the root would not fit in 16 KiB.

usage: mbtiles_to_pmtiles.py IN.mbtiles OUT.pmtiles [--leaf-size N] [--force-leaves] [--no-internal-gzip]
"""
import argparse
import gzip
import hashlib
import json
import sqlite3
import struct
import sys


def hilbert_id(z, x, y):
    acc = ((1 << (2 * z)) - 1) // 3
    n = 1 << z
    d = 0
    s = n // 2
    while s > 0:
        rx = 1 if x & s else 0
        ry = 1 if y & s else 0
        d += s * s * ((3 * rx) ^ ry)
        if ry == 0:
            if rx == 1:
                x = n - 1 - x
                y = n - 1 - y
            x, y = y, x
        s //= 2
    return acc + d


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_directory(entries):
    """entries: list of (tile_id, offset, length, run_length) in ascending tile_id."""
    out = bytearray(varint(len(entries)))
    last = 0
    for tile_id, _, _, _ in entries:
        out += varint(tile_id - last)
        last = tile_id
    for _, _, _, run in entries:
        out += varint(run)
    for _, _, length, _ in entries:
        out += varint(length)
    for i, (_, offset, _, _) in enumerate(entries):
        if i > 0 and offset == entries[i - 1][1] + entries[i - 1][2]:
            out += varint(0)
        else:
            out += varint(offset + 1)
    return bytes(out)


def compress(data, internal_gzip):
    return gzip.compress(data, compresslevel=9, mtime=0) if internal_gzip else data


def build_directories(entries, leaf_size, internal_gzip, force_leaves=False):
    """Root directory bytes and leaf section bytes; leaves only when the root alone is too big."""
    root = compress(encode_directory(entries), internal_gzip)
    if len(root) <= 16384 - 127 and not force_leaves:
        return root, b""
    while True:
        leaves = bytearray()
        root_entries = []
        for start in range(0, len(entries), leaf_size):
            chunk = entries[start:start + leaf_size]
            leaf = compress(encode_directory(chunk), internal_gzip)
            root_entries.append((chunk[0][0], len(leaves), len(leaf), 0))
            leaves += leaf
        root = compress(encode_directory(root_entries), internal_gzip)
        if len(root) <= 16384 - 127:
            return root, bytes(leaves)
        leaf_size *= 2


def read_mbtiles(path):
    db = sqlite3.connect(path)
    metadata = {}
    for name, value in db.execute("SELECT name, value FROM metadata"):
        if name == "json":
            metadata.update(json.loads(value))
        else:
            metadata[name] = value
    tiles = []
    for z, x, tms_y, data in db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles"):
        y = (1 << z) - 1 - tms_y
        tiles.append((hilbert_id(z, x, y), bytes(data)))
    tiles.sort()
    return metadata, tiles


def write_pmtiles(metadata, tiles, out_path, leaf_size=4096, internal_gzip=True, force_leaves=False):
    data = bytearray()
    offsets = {}
    entries = []
    for tile_id, blob in tiles:
        digest = hashlib.sha256(blob).digest()
        if digest not in offsets:
            offsets[digest] = (len(data), len(blob))
            data += blob
        offset, length = offsets[digest]
        last = entries[-1] if entries else None
        if last and last[0] + last[3] == tile_id and last[1] == offset:
            entries[-1] = (last[0], last[1], last[2], last[3] + 1)
        else:
            entries.append((tile_id, offset, length, 1))
    root, leaves = build_directories(entries, leaf_size, internal_gzip, force_leaves)
    meta = compress(json.dumps(metadata, separators=(",", ":")).encode(), internal_gzip)

    zooms = sorted({tile_zoom(t) for t, _ in tiles}) or [0]
    bounds = [float(v) for v in str(metadata.get("bounds", "-180,-85.0511,180,85.0511")).split(",")]
    center = [float(v) for v in str(metadata.get("center", "0,0,0")).split(",")]
    tile_gzip = bool(tiles) and tiles[0][1][:2] == b"\x1f\x8b"

    root_offset = 127
    meta_offset = root_offset + len(root)
    leaf_offset = meta_offset + len(meta)
    data_offset = leaf_offset + len(leaves)
    header = b"PMTiles" + bytes([3])
    header += struct.pack("<QQQQQQQQ", root_offset, len(root), meta_offset, len(meta), leaf_offset, len(leaves),
                          data_offset, len(data))
    header += struct.pack("<QQQ", sum(e[3] for e in entries), len(entries), len(offsets))
    header += bytes([1, 2 if internal_gzip else 1, 2 if tile_gzip else 1, 1, zooms[0], zooms[-1]])
    header += struct.pack("<iiii", *[round(v * 1e7) for v in bounds])
    header += bytes([int(center[2])]) + struct.pack("<ii", round(center[0] * 1e7), round(center[1] * 1e7))
    assert len(header) == 127
    with open(out_path, "wb") as out:
        out.write(header + root + meta + leaves + bytes(data))
    return {"entries": len(entries), "contents": len(offsets), "leaves": len(leaves) > 0}


def tile_zoom(tile_id):
    z = 0
    while ((1 << (2 * (z + 1))) - 1) // 3 <= tile_id:
        z += 1
    return z


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mbtiles")
    parser.add_argument("pmtiles")
    parser.add_argument("--leaf-size", type=int, default=4096, help="entries per leaf directory (when leaves are needed)")
    parser.add_argument("--force-leaves", action="store_true", help="use leaf directories even when the root would fit")
    parser.add_argument("--no-internal-gzip", action="store_true", help="store directories and metadata uncompressed")
    args = parser.parse_args()
    metadata, tiles = read_mbtiles(args.mbtiles)
    if not tiles:
        sys.exit(f"{args.mbtiles}: no tiles")
    stats = write_pmtiles(metadata, tiles, args.pmtiles, args.leaf_size, not args.no_internal_gzip, args.force_leaves)
    print(f"{args.pmtiles}: {len(tiles)} tiles, {stats['entries']} entries, {stats['contents']} contents, "
          f"leaf directories: {'yes' if stats['leaves'] else 'no'}")


if __name__ == "__main__":
    main()
