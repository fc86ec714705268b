// Hover and click popups: the indicators of a unit, point or corridor with their reliability
// flags (a withheld value reads "suppressed", never 0), and the month's value while the time
// slider is on a month.

import { escapeHtml } from "./format.js";

export function popupHtml(layer, feature, formatter, monthly) {
  const properties = feature.properties || {};
  const title = layer.label ? properties[layer.label] : layer.title;
  const rows = [];
  const fields = layer.popup.length ? layer.popup : Object.keys(properties).map((p) => ({ property: p, label: p }));
  for (const field of fields) {
    if (!(field.property in properties) && !field.status) {
      continue;
    }
    const status = field.status ? properties[field.status] : undefined;
    const cell = formatter.cell(properties[field.property], status, field.unit || "");
    let extra = "";
    if (field.cv && typeof properties[field.cv] === "number" && !cell.hidden) {
      const cv = properties[field.cv];
      const caution = cv > formatter.cvCaution;
      extra = ` <span class="hint${caution ? " flag" : ""}">CV ${formatter.number(cv)}%${caution ? " †" : ""}</span>`;
      if (caution && !cell.note) {
        cell.note = `CV above ${formatter.number(formatter.cvCaution)}%: use with caution`;
      }
    }
    const note = cell.note ? ` title="${escapeHtml(cell.note)}"` : "";
    rows.push(`<tr data-property="${escapeHtml(field.property)}"><td>${escapeHtml(field.label)}</td>` +
      `<td class="value${cell.hidden ? " suppressed" : ""}"${note}>${escapeHtml(cell.text)}${extra}</td></tr>`);
    if (cell.note && !cell.hidden) {
      rows.push(`<tr><td></td><td class="hint">${escapeHtml(cell.note)}</td></tr>`);
    } else if (cell.hidden && cell.note) {
      rows.push(`<tr><td></td><td class="hint">${escapeHtml(cell.note)}</td></tr>`);
    }
  }
  if (monthly) {
    const cell = formatter.cell(monthly.value, monthly.status);
    rows.push(`<tr data-property="month"><td>${escapeHtml(monthly.label)}</td><td class="value">${escapeHtml(cell.text)}</td></tr>`);
  }
  const hint = layer.series ? `<p class="hint">Charts for this ${layer.geometry === "point" ? "point" : "unit"} are in the panel on the right.</p>` : "";
  return `<div class="popup" data-layer="${escapeHtml(layer.id)}"><h3>${escapeHtml(title ?? "")}</h3><table>${rows.join("")}</table>${hint}</div>`;
}

export function hoverHtml(layer, feature, formatter) {
  const properties = feature.properties || {};
  const title = layer.label ? properties[layer.label] : layer.title;
  if (!layer.value) {
    return `<strong>${escapeHtml(title ?? "")}</strong>`;
  }
  const cell = formatter.cell(properties[layer.value.property], properties[layer.value.status], layer.value.unit || "");
  return `<strong>${escapeHtml(title ?? "")}</strong>: ${escapeHtml(cell.text)}`;
}
