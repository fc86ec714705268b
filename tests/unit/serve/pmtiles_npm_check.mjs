// Independent check of the test-only PMTiles writer: the `pmtiles` npm package (the reference
// JavaScript reader the viewer uses) must find every tile of the MBTiles, byte for byte, in each
// PMTiles variant, and no tile where the MBTiles has none.
// Usage: node pmtiles_npm_check.mjs NODE_MODULES TILES_DIR
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { pathToFileURL } from "node:url";

const [nodeModules, tilesDir] = process.argv.slice(2);
const { PMTiles } = await import(pathToFileURL(path.join(nodeModules, "pmtiles/dist/esm/index.js")).href);

class FileSource {
  constructor(file) { this.file = file; this.fd = fs.openSync(file, "r"); }
  getKey() { return this.file; }
  async getBytes(offset, length) {
    const buffer = Buffer.alloc(length);
    fs.readSync(this.fd, buffer, 0, length, offset);
    return { data: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + length) };
  }
}

const manifest = JSON.parse(fs.readFileSync(path.join(tilesDir, "manifest.json"), "utf8"));
let failures = 0;
for (const name of ["atlas.pmtiles", "atlas_leaves.pmtiles", "atlas_plain.pmtiles"]) {
  const archive = new PMTiles(new FileSource(path.join(tilesDir, name)));
  const header = await archive.getHeader();
  if (header.specVersion !== 3 || header.numAddressedTiles !== Object.keys(manifest).length) {
    console.error(`${name}: header says version ${header.specVersion}, ${header.numAddressedTiles} tiles`);
    failures++;
  }
  for (const [zxy, sha] of Object.entries(manifest)) {
    const [z, x, y] = zxy.split("/").map(Number);
    const tile = await archive.getZxy(z, x, y);
    const got = tile ? crypto.createHash("sha256").update(Buffer.from(tile.data)).digest("hex") : "missing";
    if (got !== sha) {
      console.error(`${name}: tile ${zxy} differs (${got})`);
      failures++;
    }
  }
  if (await archive.getZxy(9, 0, 0)) {
    console.error(`${name}: tile 9/0/0 should be absent`);
    failures++;
  }
  const metadata = await archive.getMetadata();
  if (!Array.isArray(metadata.vector_layers) || metadata.vector_layers.length !== 3) {
    console.error(`${name}: metadata lacks the three vector_layers`);
    failures++;
  }
}
if (failures > 0) {
  console.error(`${failures} failure(s)`);
  process.exit(1);
}
console.log(`pmtiles npm reader: ${Object.keys(manifest).length} tiles match in 3 archives`);
