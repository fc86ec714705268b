// Loads the viewer config (format in docs/serving.md) and fills in what it leaves out, so that
// the rest of the viewer can rely on every field being there.

const DEFAULT_STATUSES = {
  published: {},
  suppressed: { label: "suppressed by disclosure control", short: "suppressed", hidden: true },
  caution: { label: "use with caution (CV between 15% and 30%)", short: "caution", mark: "†" },
  unreliable: { label: "not reliable (CV above 30%)", short: "unreliable", hidden: true },
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
  // A config that lists its statuses gets exactly those (the disclosure stage's vocabulary);
  // one that does not gets the defaults.
  const statuses = config.statuses ? { published: {}, ...config.statuses } : { ...DEFAULT_STATUSES };
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
