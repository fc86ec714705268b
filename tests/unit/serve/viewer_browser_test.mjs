// Browser test of the viewer: Debian's chromium (headless, no sandbox, no background networking)
// driven by playwright-core loads the viewer twice, from `migratlas serve` on a free loopback port
// (started and stopped here) and as the exported static site on a plain static host (PMTiles over
// range requests). It waits for the map to be idle and checks that tiles loaded with no console
// or network error, that a click on a known unit shows a popup with its known value and charts,
// that the cross-table shows known cells (a suppressed one as suppressed), that the time slider
// recolours the units, and that the screenshots are not blank.
//
// Usage: node viewer_browser_test.mjs MIGRATLAS TILES_DIR FIXTURE_DIR NODE_MODULES OUT_DIR
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startStaticHost } from "./static_host.mjs";

const [migratlas, tilesDir, fixtureDir, nodeModules, outDir] = process.argv.slice(2);
const { chromium } = await import(pathToFileURL(path.join(nodeModules, "playwright-core/index.mjs")).href);
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

let failures = 0;
function check(condition, message) {
  if (condition) {
    console.log(`ok   ${message}`);
  } else {
    console.log(`FAIL ${message}`);
    failures++;
  }
}

// Expected values, read from the fixture itself (not typed in twice).
const units = JSON.parse(fs.readFileSync(path.join(fixtureDir, "units.geojson"), "utf8"));
const norte = units.features.find((f) => f.properties.code === "XA-01").properties;
const csv = fs.readFileSync(path.join(fixtureDir, "published", "events_monthly.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
const header = csv[0];
const cellOf = (wanted) => {
  const row = csv.slice(1).find((r) => Object.entries(wanted).every(([k, v]) => r[header.indexOf(k)] === v));
  return { value: row[header.indexOf("persons")], status: row[header.indexOf("persons_status")] };
};
const english = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });

function startServer() {
  const child = spawn(migratlas, ["serve", "--tiles", `atlas=${path.join(tilesDir, "atlas.mbtiles")}`,
    "--data", path.join(fixtureDir, "published"), "--viewer-config", path.join(fixtureDir, "viewer.json"),
    "--port", "0", "--bind", "127.0.0.1", "--threads", "2"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`migratlas serve did not start: ${stderr}`)), 15000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = /^Viewer:\s+(\S+)/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], stderr: () => stderr });
      }
    });
    child.on("exit", (code) => reject(new Error(`migratlas serve exited with ${code}: ${stderr}`)));
  });
}

/** Errors the viewer itself reported (map style or data problems shown in its status line). */
async function viewerErrors(page) {
  return page.evaluate(() => window.migratlasViewer.errors);
}

/** Loads the viewer in a fresh page and records every console error and failed request. */
async function openViewer(context, url, label) {
  const page = await context.newPage();
  const problems = [];
  const responses = [];
  page.on("console", (message) => {
    if (message.type() === "error") {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on("response", (response) => {
    responses.push({ url: response.url(), status: response.status() });
    if (response.status() >= 400) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  await page.goto(url);
  await page.evaluate(() => window.migratlasViewer.ready);
  await page.waitForFunction(() => {
    const map = window.migratlasViewer.map;
    return map.loaded() && map.areTilesLoaded() && !map.isMoving();
  }, null, { timeout: 15000 });
  console.log(`---- ${label}: viewer loaded`);
  return { page, problems, responses };
}

async function clickAt(page, lngLat) {
  const point = await page.evaluate((ll) => window.migratlasViewer.map.project(ll), lngLat);
  const box = await page.locator("#map").boundingBox();
  await page.mouse.click(box.x + point.x, box.y + point.y);
}

/** Distinct colours and pixels near `rgb` in a PNG, measured by the browser's own decoder. */
async function imageStats(page, png, rgbs) {
  return page.evaluate(async ({ data, rgbs }) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    const colours = new Set();
    const near = rgbs.map(() => 0);
    for (let i = 0; i < pixels.length; i += 4) {
      colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
      rgbs.forEach((rgb, k) => {
        if (Math.abs(pixels[i] - rgb[0]) + Math.abs(pixels[i + 1] - rgb[1]) + Math.abs(pixels[i + 2] - rgb[2]) < 40) {
          near[k]++;
        }
      });
    }
    return { colours: colours.size, near, pixels: pixels.length / 4 };
  }, { data: png.toString("base64"), rgbs });
}

async function checkScreenshot(page, file, label) {
  const png = await page.screenshot({ path: file });
  // The fixture's class colours: 2,000-4,999 (#fdbb84, Norte) and 5,000+ (#e34a33, Sur) at opacity 0.85.
  const stats = await imageStats(page, png, [[253, 192, 139], [230, 99, 74]]);
  check(stats.colours > 50, `${label}: screenshot ${path.basename(file)} is not blank (${stats.colours} colours)`);
  check(stats.near[0] > 2000 && stats.near[1] > 2000, `${label}: both class colours are drawn (${stats.near.join(", ")} pixels)`);
}

async function renderedUnits(page, layer = "units-persons") {
  return page.evaluate((id) => {
    const map = window.migratlasViewer.map;
    return [...new Set(map.queryRenderedFeatures({ layers: [`${id}:fill`] }).map((f) => f.properties.code))].sort();
  }, layer);
}

const started = Date.now();
const server = await startServer();
const site = path.join(outDir, "site");
// The static site is generated without a viewer config, from the atlas's classes.json: the
// layers, classes and series are what `serve` derives from the tiles, the atlas and the tables.
const exported = spawnSync(migratlas, ["serve", "--tiles", `atlas=${path.join(tilesDir, "atlas.pmtiles")}`, "--data",
  path.join(fixtureDir, "published"), "--classes", path.join(fixtureDir, "classes.json"), "--static-out", site], { encoding: "utf8" });
check(exported.status === 0, `static site written (${exported.stdout.trim() || exported.stderr.trim()})`);
const host = await startStaticHost(site);
const profile = fs.mkdtempSync(path.join(outDir, "chromium-profile-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 860 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--enable-unsafe-swiftshader", "--disable-dev-shm-usage"],
});

try {
  // 1. The viewer from `migratlas serve`.
  const { page, problems, responses } = await openViewer(context, server.url, "served");
  const tiles = responses.filter((r) => /\/atlas\/\d+\/\d+\/\d+\.pbf$/.test(r.url));
  check(tiles.length > 0 && tiles.every((r) => r.status === 200 || r.status === 204),
    `served: ${tiles.length} tile requests answered 200/204`);
  check(JSON.stringify(await renderedUnits(page)) === JSON.stringify(["XA-01", "XA-02", "XA-03", "XA-04"]), "served: the four units are drawn");
  await checkScreenshot(page, path.join(outDir, "viewer-served.png"), "served");

  await clickAt(page, [-69.75, 1.25]);  // inside Norte, away from the corridor and the points
  await page.waitForSelector(".maplibregl-popup-content .popup");
  const popup = await page.locator(".maplibregl-popup-content .popup").innerText();
  check(popup.includes("Norte") && popup.includes(english.format(norte.persons)), `served: the popup of Norte shows ${english.format(norte.persons)} persons`);
  check(popup.includes("CV 6.1%"), "served: the popup shows the survey estimate's CV");
  await page.locator(".maplibregl-popup-close-button").click();
  await clickAt(page, [-68.25, 1.75]);  // Este: survey CV 21.7%, published with the caution mark
  await page.waitForFunction(() => document.querySelector(".maplibregl-popup-content .popup h3")?.textContent === "Este");
  const este = await page.locator(".maplibregl-popup-content .popup").innerText();
  check(este.includes("CV 21.7% †") && este.includes("use with caution"), "served: a CV above 15% is flagged in the popup");
  await page.locator(".maplibregl-popup-close-button").click();
  await clickAt(page, [-69.75, 0.25]);  // Oeste: suppressed count, estimate withheld for quality
  await page.waitForFunction(() => document.querySelector(".maplibregl-popup-content .popup h3")?.textContent === "Oeste");
  const oeste = await page.locator(".maplibregl-popup-content .popup").innerText();
  check(oeste.includes("suppressed (< 10)") && oeste.includes("not reliable") && !/\b0\b/.test(oeste.replace(/XA-0\d/g, "")),
    "served: Oeste's suppressed count and withheld estimate read as such, never as 0");
  await page.locator(".maplibregl-popup-close-button").click();
  await clickAt(page, [-69.75, 1.25]);
  await page.waitForFunction(() => document.querySelector(".maplibregl-popup-content .popup h3")?.textContent === "Norte");
  await page.waitForSelector('#details figure[data-chart="series"] svg');
  const points = await page.locator('#details figure[data-chart="series"] svg circle').count();
  check(points === 6, `served: the monthly series chart has 6 months (${points} points)`);
  check(await page.locator('#details figure[data-chart="structure"] svg rect').count() >= 8,
    "served: the sex by age group chart is drawn");

  const expected = cellOf({ month: "2024-03", unit_code: "XA-01", sex: "F", age_group: "_T", nationality: "VEN" });
  const cell = page.locator('table.crosstab td[data-row="VEN"][data-column="F"]');
  check((await cell.innerText()).trim() === english.format(Number(expected.value)),
    `served: cross-table nationality x sex, 2024-03, Norte: VEN women = ${expected.value}`);
  await page.selectOption('select[name="filter-unit_code"]', "XA-03");
  const hidden = cellOf({ month: "2024-03", unit_code: "XA-03", sex: "F", age_group: "_T", nationality: "VEN" });
  const hiddenCell = page.locator('table.crosstab td[data-row="VEN"][data-column="F"]');
  check(hidden.status === "primary" && (await hiddenCell.getAttribute("class")).includes("suppressed") &&
    (await hiddenCell.innerText()).includes("suppressed"), `served: a suppressed cell (Oeste, VEN women, ${hidden.status}) reads as suppressed`);
  await page.selectOption('select[name="filter-unit_code"]', "XA-04");
  await page.selectOption('select[name="rows"]', "age_group");
  const children = cellOf({ month: "2024-03", unit_code: "XA-04", sex: "_T", age_group: "0-17", nationality: "_T" });
  const childCell = (await page.locator('table.crosstab td[data-row="0-17"][data-column="_T"]').innerText()).trim();
  check(childCell === (children.status !== "published" ? "suppressed" : english.format(Number(children.value))),
    `served: rows switched to age group: Sur, children 0-17, total = ${childCell}`);

  // Time slider to March: the units take the month's values.
  await page.locator("#time-slider").fill("3");
  await page.waitForFunction(() => document.getElementById("time-label").textContent.includes("2024-03"));
  const march = cellOf({ month: "2024-03", unit_code: "XA-01", sex: "_T", age_group: "_T", nationality: "_T" });
  const state = await page.evaluate(() => window.migratlasViewer.map.getFeatureState({ source: "atlas", sourceLayer: "units", id: "XA-01" }));
  check(state.value === Number(march.value), `served: the slider at 2024-03 gives Norte ${march.value} persons (${state.value})`);
  check((await page.locator("#legend-items").innerText()).includes("(month)"), "served: the legend shows the monthly classes");
  await page.locator(".maplibregl-popup-close-button").click();
  await clickAt(page, [-69.75, 1.25]);
  await page.waitForFunction(() => document.querySelector(".maplibregl-popup-content .popup tr[data-property=month]"), null, { timeout: 10000 });
  const monthRow = await page.locator(".maplibregl-popup-content .popup tr[data-property=month]").innerText();
  check(monthRow.includes("2024-03") && monthRow.includes(english.format(Number(march.value))), `served: the popup adds the month's value (${monthRow.replace(/\s+/g, " ")})`);
  await page.waitForFunction(() => window.migratlasViewer.map.loaded());
  await page.screenshot({ path: path.join(outDir, "viewer-served-march.png") });
  problems.push(...(await viewerErrors(page)).map((e) => `viewer: ${e}`));
  check(problems.length === 0, `served: no console, network or viewer errors${problems.length ? `: ${problems.join("; ")}` : ""}`);
  await page.close();

  // 2. The static site on a plain static host: PMTiles through range requests.
  const staticUrl = `http://127.0.0.1:${host.address().port}/index.html`;
  const second = await openViewer(context, staticUrl, "static");
  const ranges = second.responses.filter((r) => r.url.endsWith("/tiles/atlas.pmtiles"));
  check(ranges.length > 0 && ranges.every((r) => r.status === 206), `static: ${ranges.length} range requests to atlas.pmtiles answered 206`);
  check(JSON.stringify(await renderedUnits(second.page, "arrivals")) === JSON.stringify(["XA-01", "XA-02", "XA-03", "XA-04"]), "static: the four units are drawn");
  const outlines = await second.page.evaluate(() => window.migratlasViewer.map.queryRenderedFeatures({ layers: ["unit_lines:line"] }).length);
  check(outlines > 0, `static: the atlas's unit boundaries (an outline layer) are drawn over the choropleth (${outlines} features)`);
  const legend = await second.page.locator("#legend-items").innerText();
  check(legend.includes("2,001 - 5,000") && legend.includes("Suppressed: fewer than 10 persons"),
    "static: the legend has the atlas's class labels and hatch");
  await checkScreenshot(second.page, path.join(outDir, "viewer-static.png"), "static");
  await clickAt(second.page, [-69.75, 1.25]);
  await second.page.waitForSelector(".maplibregl-popup-content .popup");
  check((await second.page.locator(".maplibregl-popup-content .popup").innerText()).includes(english.format(norte.persons)),
    "static: the popup of Norte shows the same value");
  await second.page.waitForSelector('#details figure[data-chart="series"] svg');
  second.problems.push(...(await viewerErrors(second.page)).map((e) => `viewer: ${e}`));
  check(second.problems.length === 0, `static: no console, network or viewer errors${second.problems.length ? `: ${second.problems.join("; ")}` : ""}`);
} catch (error) {
  check(false, `browser test raised: ${error.stack || error}`);
} finally {
  await context.close();
  host.close();
  fs.rmSync(profile, { recursive: true, force: true });
  server.child.kill("SIGTERM");
  const code = await new Promise((resolve) => server.child.on("exit", (c) => resolve(c)));
  check(code === 0, `migratlas serve stopped cleanly on SIGTERM (exit ${code})`);
  check(/stopped after \d+ requests/.test(server.stderr()), "migratlas serve printed what it served");
}
console.log(`browser test: ${failures} failure(s) in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${outDir}`);
process.exit(failures ? 1 : 0);
