// The cross-table: the user picks a published table, two of its breakdowns (rows and columns),
// the count, and a value for every other breakdown; cells come from the published margins, so
// a suppressed cell shows as suppressed and a sum over suppressed cells as a lower bound.

import { escapeHtml } from "./format.js";

export class CrossTable {
  constructor(controls, output, dataPackage, config, formatter) {
    this.controls = controls;
    this.output = output;
    this.dataPackage = dataPackage;
    this.config = config;
    this.formatter = formatter;
    this.state = { ...(config.crosstab.default || {}) };
    this.state.filters = { ...(this.state.filters || {}) };
    this.table = null;
  }

  tableNames() {
    const names = this.dataPackage.resources().map((r) => r.name);
    const wanted = this.config.crosstab.tables;
    return wanted ? names.filter((n) => wanted.includes(n)) : names;
  }

  async start() {
    const names = this.tableNames();
    if (!names.length) {
      return false;
    }
    if (!names.includes(this.state.table)) {
      this.state.table = names[0];
    }
    await this.load(this.state.table);
    return true;
  }

  async load(name) {
    this.table = await this.dataPackage.table(name);
    this.state.table = name;
    const dims = this.table.dimensions.map((d) => d.name);
    const withTotals = this.table.dimensions.filter((d) => d.total).map((d) => d.name);
    if (!dims.includes(this.state.rows)) {
      this.state.rows = withTotals[0] || dims[0];
    }
    if (!dims.includes(this.state.columns) || this.state.columns === this.state.rows) {
      this.state.columns = withTotals.find((d) => d !== this.state.rows) || dims.find((d) => d !== this.state.rows);
    }
    if (!this.table.counts.some((c) => c.name === this.state.count)) {
      this.state.count = this.table.counts[0]?.name;
    }
    this.render();
  }

  /** Shows the cross-table for one key value (a clicked unit or point), when the table has that key. */
  async focus(keyField, keyValue) {
    if (!this.table || !this.table.dimension(keyField)) {
      return;
    }
    this.state.filters[keyField] = keyValue;
    this.render();
  }

  render() {
    this.renderControls();
    this.renderTable();
  }

  select(label, name, options, value, onChange) {
    const wrapper = document.createElement("label");
    wrapper.textContent = label;
    const select = document.createElement("select");
    select.name = name;
    for (const [optionValue, optionLabel] of options) {
      const option = document.createElement("option");
      option.value = optionValue;
      option.textContent = optionLabel;
      option.selected = optionValue === value;
      select.append(option);
    }
    select.addEventListener("change", () => onChange(select.value));
    wrapper.append(select);
    this.controls.append(wrapper);
  }

  renderControls() {
    this.controls.innerHTML = "";
    const table = this.table;
    this.select("Table", "table", this.tableNames().map((n) => [n, this.dataPackage.resource(n).title || n]), table.name,
      (value) => this.load(value));
    const dims = table.dimensions.map((d) => [d.name, d.title]);
    this.select("Rows", "rows", dims, this.state.rows, (value) => {
      if (value === this.state.columns) {
        this.state.columns = this.state.rows;
      }
      this.state.rows = value;
      this.render();
    });
    this.select("Columns", "columns", dims, this.state.columns, (value) => {
      if (value === this.state.rows) {
        this.state.rows = this.state.columns;
      }
      this.state.columns = value;
      this.render();
    });
    this.select("Count", "count", table.counts.map((c) => [c.name, c.title]), this.state.count, (value) => {
      this.state.count = value;
      this.render();
    });
    for (const dimension of table.dimensions) {
      if (dimension.name === this.state.rows || dimension.name === this.state.columns) {
        continue;
      }
      const options = dimension.values.map((v) => [v, v === dimension.total ? "total" : v]);
      if (!dimension.total) {
        options.unshift(["", "all (sum)"]);
      }
      const current = this.filterValue(dimension);
      this.select(dimension.title, `filter-${dimension.name}`, options, current, (value) => {
        this.state.filters[dimension.name] = value;
        this.renderTable();
      });
    }
  }

  /**
   * The value a breakdown that is neither rows nor columns is held at: the user's choice, else
   * its total, else its first value (one month, one unit: a sum over those would mix published
   * and suppressed cells into lower bounds; "all (sum)" stays one click away).
   */
  filterValue(dimension) {
    if (dimension.name in this.state.filters) {
      return this.state.filters[dimension.name];
    }
    return dimension.total || dimension.values[0] || "";
  }

  renderTable() {
    const table = this.table;
    const rows = table.dimension(this.state.rows);
    const columns = table.dimension(this.state.columns);
    const fixed = {};
    for (const dimension of table.dimensions) {
      if (dimension === rows || dimension === columns) {
        continue;
      }
      const value = this.filterValue(dimension);
      if (value !== "") {
        fixed[dimension.name] = value;
      }
    }
    const cells = table.aggregate(this.state.count, fixed, [rows.name, columns.name]);
    const label = (d, v) => (v === d.total ? "Total" : v);
    const header = columns.values.map((c) => `<th scope="col" class="${c === columns.total ? "total" : ""}">${escapeHtml(label(columns, c))}</th>`).join("");
    const body = rows.values.map((r) => {
      const tds = columns.values.map((c) => {
        const cell = cells.get(`${r}\u0001${c}`);
        const total = r === rows.total || c === columns.total ? " total" : "";
        if (!cell) {
          return `<td class="empty${total}" data-row="${escapeHtml(r)}" data-column="${escapeHtml(c)}">–</td>`;
        }
        const shown = this.formatter.cell(cell.value, cell.status);
        const text = cell.partial ? `≥ ${shown.text}` : shown.text;
        const title = cell.partial ? "at least: the sum includes suppressed cells" : shown.note;
        const kind = cell.hidden ? " suppressed" : cell.partial ? " partial" : "";
        return `<td class="${kind}${total}" data-row="${escapeHtml(r)}" data-column="${escapeHtml(c)}"${title ? ` title="${escapeHtml(title)}"` : ""}>${escapeHtml(text)}</td>`;
      }).join("");
      return `<tr><th scope="row" class="${r === rows.total ? "total" : ""}">${escapeHtml(label(rows, r))}</th>${tds}</tr>`;
    }).join("");
    const count = table.count(this.state.count);
    const caption = `${escapeHtml(table.title)}: ${escapeHtml(count.title)}${count.unit ? ` (${escapeHtml(count.unit)})` : ""}, ` +
      `${escapeHtml(rows.title)} × ${escapeHtml(columns.title)}` +
      (Object.keys(fixed).length ? `; ${Object.entries(fixed).map(([k, v]) => `${escapeHtml(k)} = ${escapeHtml(v === table.dimension(k).total ? "total" : v)}`).join(", ")}` : "");
    this.output.innerHTML = `<p class="hint">${caption}</p><table class="crosstab" data-table="${escapeHtml(table.name)}">` +
      `<thead><tr><th scope="col">${escapeHtml(rows.title)} \\ ${escapeHtml(columns.title)}</th>${header}</tr></thead><tbody>${body}</tbody></table>`;
  }
}
