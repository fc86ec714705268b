// Loads the viewer config (format in docs/serving.md) and fills in what it leaves out, so that
// the rest of the viewer can rely on every field being there.

// The disclosure gate's cell statuses (src/disclose/published_layer.hpp): every one but
// `published` leaves the value empty. A config may relabel them or add its own.
const DEFAULT_STATUSES = {
  published: {},
  primary: { label: "suppressed: fewer persons than the disclosure threshold", short: "suppressed", hidden: true },
  primary_dominance: { label: "suppressed: dominated by one or two contributors", short: "suppressed", hidden: true },
  secondary: { label: "suppressed to protect another suppressed cell", short: "suppressed", hidden: true },
  withheld_quality: { label: "not published: survey estimate with a CV above the limit", short: "not reliable", hidden: true },
  derived_hidden: { label: "not published: derived from a suppressed value", short: "suppressed", hidden: true },
};

/** Resolves `url` against the page, so relative paths work on the server and on a static host. */
export function absolute(url) {
  return new URL(url, document.baseURI).href;
}

export async function loadConfig(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  return normalise(await response.json());
}

function normalise(config) {
  // The config relabels statuses or adds its own; the gate's stay known (the legend lists only
  // those the map shows).
  const statuses = { ...DEFAULT_STATUSES, ...(config.statuses || {}) };
  const cvCaution = config.cv_caution ?? 15;
  const layers = (config.layers || []).map((layer, index) => normaliseLayer(layer, index));
  const ids = new Set();
  for (const layer of layers) {
    if (ids.has(layer.id)) {
      throw new Error(`config: two layers have the id '${layer.id}'`);
    }
    ids.add(layer.id);
  }
  return {
    version: config.version || 1,
    title: config.title || "migratlas viewer",
    subtitle: config.subtitle || "",
    notes: config.notes || "",
    locale: config.locale || "en",
    view: config.view || {},
    background: config.background || "#eef2f5",
    tilesets: config.tilesets || {},
    data: config.data || null,
    totalCodes: config.total_codes || ["_T", "ALL", "TOTAL", "Total", "total"],
    statuses,
    cvCaution,
    layers,
    crosstab: config.crosstab === false ? null : { tables: null, default: {}, ...(config.crosstab || {}) },
  };
}

function normaliseLayer(layer, index) {
  for (const key of ["id", "tileset", "source_layer"]) {
    if (typeof layer[key] !== "string" || layer[key] === "") {
      throw new Error(`config: layers[${index}] needs a string '${key}'`);
    }
  }
  const value = typeof layer.value === "string" ? { property: layer.value } : layer.value || null;
  if (value && !value.status) {
    value.status = `${value.property}_status`;
  }
  return {
    title: layer.id,
    geometry: "auto",
    visible: true,
    group: null,
    colour: "#0072b2",
    opacity: 0.85,
    classes: [],
    series_classes: null,
    popup: [],
    ...layer,
    value,
    popup: (layer.popup || []).map((field) =>
      typeof field === "string" ? { property: field, label: field } : { label: field.property, ...field }),
  };
}
