// The legend and the layer switcher: one entry per visible layer with its classes (the same
// labels and colours as the printed atlas), the sign for withheld values, and symbol sizes.

import { escapeHtml } from "./format.js";

/**
 * `present(layer)` gives the statuses its loaded features carry, so the legend explains only the
 * signs the map shows (as the atlas legend lists only the classes on the page).
 */
export function renderLegend(container, config, formatter, visible, timeMode, present = () => null) {
  const parts = [];
  for (const layer of config.layers) {
    // Untitled layers are the atlas's unlabelled background (legend: false on the pages).
    if (!visible.has(layer.id) || !layer.title) {
      continue;
    }
    const classes = timeMode && layer.series_classes && layer.series ? layer.series_classes : layer.classes;
    const shape = layer.geometry === "line" ? "line" : layer.geometry === "point" ? "circle" : "";
    const items = [];
    if (classes.length) {
      for (const c of classes) {
        items.push(item(swatch(shape, c.colour), c.label || classLabel(c, formatter)));
      }
    } else if (!layer.value) {
      // A context layer (boundaries, a background fill): one line, no heading repeating it.
      parts.push(`<div class="legend-layer" data-layer="${escapeHtml(layer.id)}">${item(swatch(shape, layer.colour), layer.title)}</div>`);
      continue;
    } else {
      items.push(item(swatch(shape, layer.colour), layer.value.label || layer.title));
    }
    if (layer.value) {
      const shown = present(layer);
      const wanted = (name) => !shown || shown.has(name);
      const hatched = new Map();  // one legend line per label (several statuses can share one)
      for (const [name, info] of Object.entries(config.statuses)) {
        if ((info.hidden || info.hatch) && wanted(name) && !hatched.has(info.label || name)) {
          hatched.set(info.label || name, name);
          items.push(item(`<span class="swatch hatch" title="${escapeHtml(name)}"></span>`, info.label || name));
        }
      }
      if (layer.popup.some((f) => f.cv) && (!shown || shown.has("cv_caution"))) {
        items.push(item('<span class="flag">†</span>', `CV above ${formatter.number(config.cvCaution)}%: use with caution`));
      }
      for (const [name, info] of Object.entries(config.statuses)) {
        if (info.mark && wanted(name)) {
          items.push(item(`<span class="flag">${escapeHtml(info.mark)}</span>`, info.label));
        }
      }
      if (!shown || shown.has("no_data")) {
        items.push(item(swatch(shape, "#d9d9d9"), "no data"));
      }
    }
    if (layer.size) {
      const max = Number(layer.size.max_value);
      for (const fraction of [1, 0.25]) {
        const radius = Math.max(2.5, (layer.size.max_radius || 20) * Math.sqrt(fraction));
        items.push(item(`<svg width="${2 * radius + 2}" height="${2 * radius + 2}" aria-hidden="true"><circle cx="${radius + 1}" cy="${radius + 1}" r="${radius}" fill="${layer.colour}" fill-opacity="0.7" stroke="#fff"/></svg>`,
          formatter.number(max * fraction, layer.size.unit || "")));
      }
    }
    const monthly = timeMode && layer.series && layer.classes.length;
    parts.push(`<div class="legend-layer" data-layer="${escapeHtml(layer.id)}"><h3>${escapeHtml(layer.title)}${monthly ? " (month)" : ""}</h3>${items.join("")}</div>`);
  }
  container.innerHTML = parts.join("") || "<p>No layer shown.</p>";
}

function classLabel(c, formatter) {
  if (c.value !== undefined) {
    return String(c.value);
  }
  if (c.max === null || c.max === undefined) {
    return `${formatter.number(c.min)} or more`;
  }
  return `${formatter.number(c.min)} – ${formatter.number(c.max)}`;
}

function swatch(shape, colour) {
  if (shape === "line") {
    return `<span class="swatch line" style="border-top-color:${colour};border-top-width:3px"></span>`;
  }
  return `<span class="swatch ${shape}" style="background:${colour}"></span>`;
}

function item(sign, label) {
  return `<div class="legend-item">${sign}<span>${escapeHtml(label)}</span></div>`;
}

/**
 * Checkboxes for the layers; layers sharing a `group` are alternatives (radio buttons), so two
 * choropleths of the same units never cover each other.
 */
export function renderLayerSwitcher(container, config, visible, onChange) {
  container.innerHTML = "";
  for (const layer of config.layers) {
    if (!layer.title) {
      continue;  // untitled background layers stay as they are
    }
    const row = document.createElement("label");
    row.className = "layer-row";
    const input = document.createElement("input");
    input.type = layer.group ? "radio" : "checkbox";
    if (layer.group) {
      input.name = `group-${layer.group}`;
    }
    input.value = layer.id;
    input.checked = visible.has(layer.id);
    input.dataset.layer = layer.id;
    input.addEventListener("change", () => {
      if (layer.group) {
        for (const other of config.layers) {
          if (other.group === layer.group) {
            visible.delete(other.id);
          }
        }
        visible.add(layer.id);
      } else if (input.checked) {
        visible.add(layer.id);
      } else {
        visible.delete(layer.id);
      }
      onChange();
    });
    row.append(input, document.createTextNode(layer.title));
    container.append(row);
  }
}
