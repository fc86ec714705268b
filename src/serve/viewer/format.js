// How values and their reliability flags read on screen: the same words in popups, charts,
// the legend and the cross-table, so a suppressed cell is never shown as 0 or left blank.

export class Formatter {
  constructor(config) {
    this.statuses = config.statuses;
    this.cvCaution = config.cvCaution;
    this.integer = new Intl.NumberFormat(config.locale, { maximumFractionDigits: 0 });
    this.decimal = new Intl.NumberFormat(config.locale, { maximumFractionDigits: 1 });
  }

  number(value, unit = "") {
    if (value === null || value === undefined || value === "") {
      return "no data";
    }
    if (typeof value === "string" && Number.isNaN(Number(value))) {
      return value;  // a code or a name
    }
    if (Number.isNaN(Number(value))) {
      return "no data";
    }
    const n = Number(value);
    const text = Number.isInteger(n) ? this.integer.format(n) : this.decimal.format(n);
    return unit === "%" ? `${text}%` : text;
  }

  statusInfo(status) {
    return this.statuses[status] || (status && status !== "published" ? { label: status, short: status } : {});
  }

  isHidden(status) {
    return Boolean(this.statusInfo(status).hidden);
  }

  /**
   * {text, note, hidden}: "4,865"; "suppressed" with its explanation; "18.5 †" with the caution note.
   * `value` absent with a hidden status means the cell was withheld, not that it is zero.
   */
  cell(value, status, unit = "") {
    const info = this.statusInfo(status);
    if (info.hidden) {
      return { text: info.short || info.label || "suppressed", note: info.label || "", hidden: true };
    }
    const text = this.number(value, unit);
    return { text: info.mark ? `${text} ${info.mark}` : text, note: info.label || "", hidden: false };
  }
}

/** Escapes text for HTML built from feature properties and table values. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
