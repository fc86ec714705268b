// Independent check of a PMTiles archive with the JavaScript decoders a web viewer uses: the `pmtiles`
// package reads the archive (header, root and leaf directories, gzip), @mapbox/vector-tile + pbf
// decode the tiles the manifest (written by the C++ test from the MBTiles twin) asks for.
// Usage: node decode_tiles.mjs ARCHIVE.pmtiles MANIFEST.json   (exit 1 and a list when anything is wrong)
import fs from 'node:fs';
import { PMTiles } from 'pmtiles';
import { VectorTile, classifyRings } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

class FileSource {
  constructor(path) {
    this.path = path;
    this.fd = fs.openSync(path, 'r');
  }
  getKey() {
    return this.path;
  }
  async getBytes(offset, length) {
    const buffer = Buffer.alloc(length);
    fs.readSync(this.fd, buffer, 0, length, offset);
    return { data: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + length) };
  }
}

const [archivePath, manifestPath] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const archive = new PMTiles(new FileSource(archivePath));
const problems = [];
const header = await archive.getHeader();
if (header.specVersion !== 3) problems.push(`spec version ${header.specVersion}`);
if (!header.clustered) problems.push('not clustered');
if (header.tileType !== 1) problems.push(`tile type ${header.tileType}, not MVT`);
if (header.tileCompression !== 2) problems.push(`tile compression ${header.tileCompression}, not gzip`);
if (header.numAddressedTiles !== manifest.tiles.length) {
  problems.push(`${header.numAddressedTiles} addressed tiles, the MBTiles has ${manifest.tiles.length}`);
}
const metadata = await archive.getMetadata();
const ids = (metadata.vector_layers || []).map((l) => l.id).join(',');
if (ids !== manifest.layers.join(',')) problems.push(`vector_layers ${ids}, expected ${manifest.layers.join(',')}`);

function signedArea(ring) {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j].x - ring[i].x) * (ring[i].y + ring[j].y);
  return sum;
}

let features = 0;
for (const t of manifest.tiles.filter((tile) => tile.bytes !== undefined)) {
  const name = `${t.z}/${t.x}/${t.y}`;
  const response = await archive.getZxy(t.z, t.x, t.y);
  if (!response) {
    problems.push(`${name}: missing from the PMTiles archive`);
    continue;
  }
  const data = new Uint8Array(response.data);
  if (data.length !== t.bytes) problems.push(`${name}: ${data.length} bytes, the MBTiles tile has ${t.bytes}`);
  const tile = new VectorTile(new PbfReader(data));
  for (const [layerName, layer] of Object.entries(tile.layers)) {
    if (layer.extent !== 4096 || layer.version !== 2) problems.push(`${name} ${layerName}: extent ${layer.extent}, version ${layer.version}`);
    if (t.counts && t.counts[layerName] !== layer.length) {
      problems.push(`${name} ${layerName}: ${layer.length} features, GDAL decoded ${t.counts[layerName]}`);
    }
    for (let i = 0; i < layer.length; ++i) {
      const feature = layer.feature(i);
      ++features;
      const geometry = feature.loadGeometry();
      if (feature.type === 3) {
        for (const polygon of classifyRings(geometry)) {
          polygon.forEach((ring, k) => {
            const closed = ring.length >= 4 && ring[0].x === ring[ring.length - 1].x && ring[0].y === ring[ring.length - 1].y;
            if (!closed) problems.push(`${name} ${layerName} feature ${feature.id}: ring not closed or too short`);
            // MVT 2.1: exterior rings have a positive area in tile coordinates (y down), holes negative.
            if ((k === 0) !== (signedArea(ring) > 0)) problems.push(`${name} ${layerName} feature ${feature.id}: ring ${k} winds the wrong way`);
          });
        }
      }
      feature.toGeoJSON(t.x, t.y, t.z);
    }
  }
}
const outside = await archive.getZxy(header.maxZoom, 0, 0);
if (outside && manifest.tiles.every((t) => !(t.z === header.maxZoom && t.x === 0 && t.y === 0))) {
  problems.push('a tile that was never written is answered');
}
console.log(JSON.stringify({ tiles: manifest.tiles.length, features, leafDirectoryBytes: header.leafDirectoryLength, problems: problems.length }));
for (const p of problems.slice(0, 20)) console.error(p);
process.exit(problems.length === 0 ? 0 : 1);
