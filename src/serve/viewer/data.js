// The published tables behind the map: a Frictionless data package (datapackage.json with one
// Table Schema per CSV), loaded on demand, and the one operation charts, time slider and
// cross-table need: totals of a count over chosen breakdowns, with suppression kept visible.

import { absolute } from "./config.js";

export class DataPackage {
  constructor(descriptor, url, config) {
    this.descriptor = descriptor;
    this.url = url;
    this.config = config;
    this.tables = new Map();
  }

  static async load(url, config) {
    const response = await fetch(url);
    if (!response.ok) {
      throw new Error(`${url}: HTTP ${response.status}`);
    }
    return new DataPackage(await response.json(), absolute(url), config);
  }

  resources() {
    return (this.descriptor.resources || []).filter((r) => r.schema && typeof r.path === "string");
  }

  resource(name) {
    return this.resources().find((r) => r.name === name) || null;
  }

  /** The table `name`, fetched and parsed once. */
  async table(name) {
    if (!this.tables.has(name)) {
      const resource = this.resource(name);
      if (!resource) {
        throw new Error(`data package has no table '${name}'`);
      }
      const url = new URL(resource.path, this.url).href;
      this.tables.set(name, fetch(url).then(async (response) => {
        if (!response.ok) {
          throw new Error(`${resource.path}: HTTP ${response.status}`);
        }
        return new Table(resource, d3.csvParse(await response.text()), this.config);
      }));
    }
    return this.tables.get(name);
  }
}

export class Table {
  constructor(resource, rows, config) {
    this.resource = resource;
    this.name = resource.name;
    this.title = resource.title || resource.name;
    this.statuses = config.statuses;
    const fields = resource.schema.fields || [];
    const primaryKey = new Set([].concat(resource.schema.primaryKey || []));
    const names = new Set(fields.map((f) => f.name));
    const isDimension = (f) => f.role === "key" || (!f.role && primaryKey.has(f.name));
    const isCount = (f) => f.role === "count" || f.role === "measure" ||
      (!f.role && !primaryKey.has(f.name) && (f.type === "integer" || f.type === "number"));
    this.dimensions = fields.filter(isDimension).map((f) => {
      const seen = [...new Set(rows.map((row) => row[f.name]))];
      const declared = f.constraints && Array.isArray(f.constraints.enum) ? f.constraints.enum.map(String) : null;
      const values = declared ? declared.filter((v) => seen.includes(v)).concat(seen.filter((v) => !declared.includes(v))) : seen.sort(naturalOrder);
      const total = values.find((v) => config.totalCodes.includes(v)) || null;
      return { name: f.name, title: f.title || f.name, description: f.description || "", values, total };
    });
    this.counts = fields.filter((f) => isCount(f) && !isDimension(f)).map((f) => ({
      name: f.name,
      title: f.title || f.name,
      unit: f.unit || "",
      status: names.has(`${f.name}_status`) ? `${f.name}_status` : null,
    }));
    this.rows = rows;
  }

  dimension(name) {
    return this.dimensions.find((d) => d.name === name) || null;
  }

  count(name) {
    return this.counts.find((c) => c.name === name) || this.counts[0] || null;
  }

  isHidden(row, count) {
    const status = count.status ? row[count.status] : "";
    return row[count.name] === "" || row[count.name] === undefined || Boolean(this.statuses[status]?.hidden);
  }

  /**
   * Totals of count `countName` for each combination of the `groupBy` dimensions, with the
   * dimensions in `fixed` held at the given value. A dimension in neither is held at its total
   * code when the table has one (the published margin), and summed over otherwise.
   * Each cell is {value, status, hidden, partial, rows}: `hidden` when the only row is
   * suppressed; `partial` when some summed rows are (the value is then a lower bound).
   */
  aggregate(countName, fixed = {}, groupBy = []) {
    const count = this.count(countName);
    const cells = new Map();
    if (!count) {
      return cells;
    }
    const held = this.dimensions.filter((d) => !(d.name in fixed) && !groupBy.includes(d.name) && d.total);
    const fixedEntries = Object.entries(fixed);
    for (const row of this.rows) {
      if (fixedEntries.some(([name, value]) => row[name] !== value)) {
        continue;
      }
      if (held.some((d) => row[d.name] !== d.total)) {
        continue;
      }
      const key = groupBy.map((name) => row[name]).join("\u0001");
      let cell = cells.get(key);
      if (!cell) {
        cell = { value: 0, statuses: new Set(), hidden: false, partial: false, rows: 0, hiddenRows: 0 };
        cells.set(key, cell);
      }
      cell.rows += 1;
      const status = count.status ? row[count.status] || "published" : "published";
      cell.statuses.add(status);
      if (this.isHidden(row, count)) {
        cell.hiddenRows += 1;
      } else {
        cell.value += Number(row[count.name]);
      }
    }
    for (const cell of cells.values()) {
      cell.hidden = cell.hiddenRows === cell.rows;
      cell.partial = cell.hiddenRows > 0 && !cell.hidden;
      const shown = [...cell.statuses].filter((s) => s !== "published");
      cell.status = cell.hidden ? [...cell.statuses].find((s) => this.statuses[s]?.hidden) || "suppressed"
        : shown.find((s) => !this.statuses[s]?.hidden) || "published";
      if (cell.hidden) {
        cell.value = null;
      }
    }
    return cells;
  }
}

/** "0-17" < "18-29" < "65+", "2024-02" < "2024-10", then text. */
export function naturalOrder(a, b) {
  const na = parseFloat(a);
  const nb = parseFloat(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb) && na !== nb) {
    return na - nb;
  }
  return String(a).localeCompare(String(b), "en", { numeric: true });
}
