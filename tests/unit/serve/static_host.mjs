// A minimal static web host for the browser test of the exported viewer site: plain files with
// their MIME types and single byte-range requests (what the pmtiles protocol needs), like any
// static host (nginx, S3, GitHub Pages). Not part of migratlas.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8",
  ".pmtiles": "application/vnd.pmtiles",
};

export function startStaticHost(root) {
  const base = fs.realpathSync(root);
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    let file = path.join(base, decodeURIComponent(url.pathname));
    if (url.pathname.endsWith("/")) {
      file = path.join(file, "index.html");
    }
    let real;
    try {
      real = fs.realpathSync(file);
    } catch {
      response.writeHead(404).end();
      return;
    }
    if (!real.startsWith(base + path.sep) || !fs.statSync(real).isFile()) {
      response.writeHead(404).end();
      return;
    }
    const size = fs.statSync(real).size;
    const headers = { "Content-Type": TYPES[path.extname(real)] || "application/octet-stream", "Accept-Ranges": "bytes" };
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range || "");
    if (range) {
      let start = range[1] === "" ? size - Number(range[2]) : Number(range[1]);
      let end = range[1] === "" || range[2] === "" ? size - 1 : Math.min(Number(range[2]), size - 1);
      if (start < 0) {
        start = 0;
      }
      if (start > end || start >= size) {
        response.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
        return;
      }
      response.writeHead(206, { ...headers, "Content-Range": `bytes ${start}-${end}/${size}`, "Content-Length": end - start + 1 });
      if (request.method === "HEAD") {
        response.end();
      } else {
        fs.createReadStream(real, { start, end }).pipe(response);
      }
      return;
    }
    response.writeHead(200, { ...headers, "Content-Length": size });
    if (request.method === "HEAD") {
      response.end();
    } else {
      fs.createReadStream(real).pipe(response);
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
