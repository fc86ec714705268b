// Turns the viewer config into MapLibre style layers: classes become step/match expressions,
// statuses that hide a value draw as a hatch (as on the printed atlas), proportional circles and
// line widths scale with their property. A layer can colour by its tile property or, while the
// time slider is on a month, by the feature state the slider sets.

export const HATCH_IMAGE = "migratlas-hatch";
const NO_DATA = "#d9d9d9";

/** The MapLibre expression reading the layer's value: from the tile, or from the feature state. */
function valueExpression(layer, fromState) {
  return fromState ? ["feature-state", "value"] : ["get", layer.value.property];
}

function statusExpression(layer, fromState) {
  return fromState ? ["coalesce", ["feature-state", "status"], "no_data"] : ["coalesce", ["get", layer.value.status], "published"];
}

/** Colour of each feature: its class, grey for no data, the status colour for withheld values. */
export function colourExpression(layer, statuses, fromState = false) {
  if (!layer.value || !layer.classes.length) {
    return layer.colour;
  }
  const classes = fromState && layer.series_classes ? layer.series_classes : layer.classes;
  const value = valueExpression(layer, fromState);
  let byClass;
  if (classes.some((c) => c.value !== undefined)) {
    byClass = ["match", ["to-string", value]];
    for (const c of classes) {
      byClass.push(String(c.value), c.colour);
    }
    byClass.push(NO_DATA);
  } else {
    // As on the printed atlas (classes.json): class i holds min < value <= max, the first class
    // also its min; the last class may be open (max null).
    byClass = ["case"];
    for (const c of classes.slice(0, -1)) {
      byClass.push(["<=", ["to-number", value], Number(c.max)], c.colour);
    }
    byClass.push(classes[classes.length - 1].colour);
  }
  const expression = ["case"];
  for (const [name, info] of Object.entries(statuses)) {
    if (info.hidden) {
      expression.push(["==", statusExpression(layer, fromState), name], info.colour || "#bdbdbd");
    }
  }
  expression.push(["!=", ["typeof", value], "number"], NO_DATA, byClass);
  return expression;
}

/**
 * Opacity of the hatch: 1 where the value is withheld (over grey) or flagged with `hatch` (over
 * its class colour, as the atlas marks unreliable values), 0 elsewhere.
 * An opacity rather than a filter, because filters cannot read feature state (time slider).
 */
export function hatchOpacity(layer, statuses, fromState = false) {
  const hidden = Object.entries(statuses).filter(([, info]) => info.hidden || info.hatch).map(([name]) => name);
  return ["case", ["in", statusExpression(layer, fromState), ["literal", hidden]], 1, 0];
}

function geometryFilter(type) {
  return ["==", ["geometry-type"], type];
}

function combine(...filters) {
  const present = filters.filter(Boolean);
  return present.length === 0 ? undefined : present.length === 1 ? present[0] : ["all", ...present];
}

function radiusExpression(layer) {
  const size = layer.size;
  if (!size) {
    return 5;
  }
  const max = Number(size.max_value) || 1;
  const maxRadius = Number(size.max_radius) || 20;
  // Area proportional to the value: radius grows with its square root.
  return ["case", ["==", ["typeof", ["get", size.property]], "number"],
    ["max", 2.5, ["*", maxRadius, ["sqrt", ["/", ["to-number", ["get", size.property]], max]]]], 4];
}

function widthExpression(layer) {
  const width = layer.width;
  if (!width) {
    return 2;
  }
  if (!width.property) {
    return Number(width.max) || 2;  // a fixed width (the atlas's boundaries)
  }
  const max = Number(width.max_value) || 1;
  const maxWidth = Number(width.max) || 8;
  return ["case", ["==", ["typeof", ["get", width.property]], "number"],
    ["max", 1, ["*", maxWidth, ["/", ["to-number", ["get", width.property]], max]]], 1];
}

/** MapLibre refuses `filter: undefined`: leave the key out instead. */
function withFilter(definition, filter) {
  if (filter !== undefined) {
    definition.filter = filter;
  }
  return definition;
}

/** The MapLibre layers of one config layer, bottom to top; each id starts with the layer's id. */
export function styleLayers(layer, statuses) {
  const source = layer.tileset;
  const common = { source, "source-layer": layer.source_layer, layout: { visibility: layer.visible ? "visible" : "none" } };
  if (layer.minzoom !== undefined) {
    common.minzoom = layer.minzoom;
  }
  if (layer.maxzoom !== undefined) {
    common.maxzoom = layer.maxzoom;
  }
  const filter = layer.filter;
  const out = [];
  const wants = (type) => layer.geometry === type || layer.geometry === "auto";
  if (wants("polygon")) {
    const polygons = combine(filter, layer.geometry === "auto" ? geometryFilter("Polygon") : null);
    out.push(withFilter({ ...common, id: `${layer.id}:fill`, type: "fill",
      paint: { "fill-color": colourExpression(layer, statuses), "fill-opacity": layer.opacity } }, polygons));
    if (layer.value) {
      out.push(withFilter({ ...common, id: `${layer.id}:hatch`, type: "fill",
        paint: { "fill-pattern": HATCH_IMAGE, "fill-opacity": hatchOpacity(layer, statuses) } }, polygons));
    }
    out.push(withFilter({ ...common, id: `${layer.id}:outline`, type: "line",
      paint: { "line-color": layer.outline || "#ffffff", "line-width": ["interpolate", ["linear"], ["zoom"], 3, 0.4, 10, 1.5] } }, polygons));
    out.push(withFilter({ ...common, id: `${layer.id}:selected`, type: "line",
      paint: { "line-color": "#111111", "line-width": ["case", ["boolean", ["feature-state", "selected"], false], 3, 0] } }, polygons));
  }
  if (wants("line")) {
    out.push(withFilter({ ...common, id: `${layer.id}:line`, type: "line",
      layout: { ...common.layout, "line-cap": "round" },
      paint: { "line-color": colourExpression(layer, statuses), "line-width": widthExpression(layer), "line-opacity": layer.opacity } },
      combine(filter, layer.geometry === "auto" ? geometryFilter("LineString") : null)));
  }
  if (wants("point")) {
    out.push(withFilter({ ...common, id: `${layer.id}:circle`, type: "circle",
      paint: {
        "circle-color": colourExpression(layer, statuses),
        "circle-radius": radiusExpression(layer),
        "circle-opacity": layer.opacity,
        "circle-stroke-color": ["case", ["boolean", ["feature-state", "selected"], false], "#111111", "#ffffff"],
        "circle-stroke-width": ["case", ["boolean", ["feature-state", "selected"], false], 3, 1],
      } }, combine(filter, layer.geometry === "auto" ? geometryFilter("Point") : null)));
  }
  return out;
}

/** Paint properties to switch when the time slider moves between the period and a month. */
export function timePaint(layer, statuses, fromState) {
  const colour = colourExpression(layer, statuses, fromState);
  const paints = [];
  if (layer.geometry === "polygon" || layer.geometry === "auto") {
    paints.push([`${layer.id}:fill`, "fill-color", colour]);
    if (layer.value) {
      paints.push([`${layer.id}:hatch`, "fill-opacity", hatchOpacity(layer, statuses, fromState)]);
    }
  }
  if (layer.geometry === "line" || layer.geometry === "auto") {
    paints.push([`${layer.id}:line`, "line-color", colour]);
  }
  if (layer.geometry === "point" || layer.geometry === "auto") {
    paints.push([`${layer.id}:circle`, "circle-color", colour]);
  }
  return paints;
}

/** A 12×12 diagonal hatch, the viewer's sign for a withheld value (the atlas uses the same). */
export function hatchImage() {
  const size = 12;
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = (x + y) % 6 < 1.5;
      const i = (y * size + x) * 4;
      pixels.set(on ? [110, 110, 110, 255] : [255, 255, 255, 150], i);
    }
  }
  return { width: size, height: size, data: pixels };
}

/** Every MapLibre layer id of the config layers. */
export function layerIds(layers, statuses) {
  return layers.flatMap((layer) => styleLayers(layer, statuses).map((l) => l.id));
}
