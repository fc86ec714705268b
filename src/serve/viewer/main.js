// The migratlas viewer: MapLibre GL JS map of the atlas layers (from `migratlas serve` TileJSON
// or from PMTiles files on any static host), legend, layer switcher, popups with reliability
// flags, time slider, charts and cross-table from the published tables. Config: config.json.

import { absolute, loadConfig } from "./config.js";
import { DataPackage } from "./data.js";
import { Formatter } from "./format.js";
import { renderLayerSwitcher, renderLegend } from "./legend.js";
import { hoverHtml, popupHtml } from "./popup.js";
import { HATCH_IMAGE, hatchImage, styleLayers } from "./style.js";
import { seriesChart, structureChart } from "./charts.js";
import { CrossTable } from "./crosstab.js";
import { TimeSlider } from "./time.js";

const viewer = { ready: null, errors: [], map: null, config: null };
window.migratlasViewer = viewer;

function status(message, isError = false) {
  const element = document.getElementById("status");
  element.textContent = message;
  element.classList.toggle("error", isError);
  if (isError) {
    viewer.errors.push(message);
  }
}

function sources(config) {
  const result = {};
  let needsPmtiles = false;
  for (const [name, tileset] of Object.entries(config.tilesets)) {
    const promoteId = {};
    for (const layer of config.layers) {
      if (layer.tileset === name && layer.key) {
        promoteId[layer.source_layer] = layer.key;
      }
    }
    let url;
    if (tileset.pmtiles) {
      url = `pmtiles://${absolute(tileset.pmtiles)}`;
      needsPmtiles = true;
    } else if (tileset.tilejson) {
      url = absolute(tileset.tilejson);
    } else {
      throw new Error(`config: tileset '${name}' needs "tilejson" or "pmtiles"`);
    }
    result[name] = { type: "vector", url, promoteId, attribution: tileset.attribution || "" };
  }
  if (needsPmtiles) {
    const protocol = new pmtiles.Protocol();
    maplibregl.addProtocol("pmtiles", protocol.tile);
  }
  return result;
}

function initialView(config) {
  const view = config.view;
  if (view.bounds) {
    return { bounds: view.bounds, fitBoundsOptions: { padding: 24 } };
  }
  return { center: view.center || [0, 0], zoom: view.zoom ?? 1 };
}

async function start() {
  const config = await loadConfig("config.json");
  viewer.config = config;
  document.title = config.title;
  document.getElementById("title").textContent = config.title;
  document.getElementById("subtitle").textContent = config.subtitle;
  document.getElementById("notes").textContent = config.notes;
  const formatter = new Formatter(config);
  const dataPackage = config.data ? await DataPackage.load(config.data, config).catch((error) => {
    status(`published tables: ${error.message}`, true);
    return null;
  }) : null;

  const map = new maplibregl.Map({
    container: "map",
    style: {
      version: 8,
      sources: sources(config),
      layers: [{ id: "background", type: "background", paint: { "background-color": config.background } },
        ...config.layers.flatMap((layer) => styleLayers(layer, config.statuses))],
    },
    ...initialView(config),
    attributionControl: { compact: true },
    // Offline: no glyphs, sprites or telemetry requested from anywhere.
    collectResourceTiming: false,
  });
  viewer.map = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  let userMoved = false;
  map.on("movestart", (event) => {
    if (event.originalEvent) {
      userMoved = true;
    }
  });
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  map.on("styleimagemissing", (event) => {
    if (event.id === HATCH_IMAGE) {
      map.addImage(HATCH_IMAGE, hatchImage());
    }
  });
  map.on("error", (event) => status(`map: ${event.error?.message || event.error || "error"}`, true));

  const visible = new Set(config.layers.filter((l) => l.visible).map((l) => l.id));
  const groups = new Set();
  for (const layer of config.layers) {
    // One visible layer per group: the first one listed as visible.
    if (layer.group && visible.has(layer.id)) {
      if (groups.has(layer.group)) {
        visible.delete(layer.id);
      }
      groups.add(layer.group);
    }
  }
  const slider = new TimeSlider(document.getElementById("time"), map, config, dataPackage, () => {
    refresh();
    if (selection) {
      showDetails(selection.layer, selection.feature);
    }
  });
  const refresh = () => {
    for (const layer of config.layers) {
      for (const styleLayer of styleLayers(layer, config.statuses)) {
        if (map.getLayer(styleLayer.id)) {
          map.setLayoutProperty(styleLayer.id, "visibility", visible.has(layer.id) ? "visible" : "none");
        }
      }
    }
    renderLegend(document.getElementById("legend-items"), config, formatter, visible, slider.current !== null,
      (layer) => presentStatuses(layer));
  };
  // Statuses of the values the layer draws from its loaded features, "no_data" when a value is
  // missing, "cv_caution" when a popup estimate has a high CV; null before any tile has loaded.
  const presentStatuses = (layer) => {
    if (!map.getSource(layer.tileset) || !map.isSourceLoaded(layer.tileset)) {
      return null;
    }
    // The map draws only the value's status; the popup fields add the CV caution mark.
    const fields = [layer.value].filter((f) => f && f.status);
    const found = new Set();
    for (const feature of map.querySourceFeatures(layer.tileset, { sourceLayer: layer.source_layer, filter: layer.filter })) {
      const p = feature.properties;
      const monthly = slider.current !== null && layer.key ? slider.cell(layer, p[layer.key]) : null;
      if (monthly) {
        found.add(monthly.status);
        if (monthly.value === null && !formatter.isHidden(monthly.status)) {
          found.add("no_data");
        }
      } else if (layer.value && typeof p[layer.value.property] !== "number" && !formatter.isHidden(p[layer.value.status])) {
        found.add("no_data");
      }
      for (const field of fields) {
        if (p[field.status] !== undefined) {
          found.add(p[field.status]);
        }
      }
      for (const field of layer.popup) {
        if (field.cv && typeof p[field.cv] === "number" && p[field.cv] > config.cvCaution && !formatter.isHidden(p[field.status])) {
          found.add("cv_caution");
        }
      }
    }
    return found;
  };
  map.on("sourcedata", (event) => {
    if (event.isSourceLoaded && event.sourceDataType !== "metadata") {
      scheduleLegend();
    }
  });
  let legendTimer = null;
  const scheduleLegend = () => {
    clearTimeout(legendTimer);
    legendTimer = setTimeout(() => renderLegend(document.getElementById("legend-items"), config, formatter, visible,
      slider.current !== null, (layer) => presentStatuses(layer)), 100);
  };
  renderLayerSwitcher(document.getElementById("layer-list"), config, visible, refresh);

  // A style the map refuses would never fire "load": fail instead of waiting for ever.
  await new Promise((resolve, reject) => {
    map.once("load", resolve);
    map.once("error", (event) => (map.loaded() ? null : reject(new Error(`map: ${event.error?.message || "style error"}`))));
  });
  refresh();
  if (!config.view.bounds && !config.view.center) {
    // No view configured: frame what the tilesets cover.
    const boxes = Object.keys(config.tilesets).map((name) => map.getSource(name)?.bounds).filter(Boolean);
    if (boxes.length) {
      const union = boxes.reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
      map.fitBounds(union, { padding: 24, animate: false });
      config.view.bounds = union;
    }
  }

  // Popups: the topmost visible feature under the pointer.
  const interactive = () => config.layers.filter((l) => visible.has(l.id)).reverse()
    .flatMap((layer) => styleLayers(layer, config.statuses).filter((s) => !s.id.endsWith(":outline") && !s.id.endsWith(":selected") && !s.id.endsWith(":hatch")).map((s) => s.id));
  const layerOf = (styleId) => config.layers.find((l) => styleId.startsWith(`${l.id}:`));
  const hover = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: "hover-popup", offset: 8 });
  map.on("mousemove", (event) => {
    const [feature] = map.queryRenderedFeatures(event.point, { layers: interactive().filter((id) => map.getLayer(id)) });
    map.getCanvas().style.cursor = feature ? "pointer" : "";
    if (!feature) {
      hover.remove();
      return;
    }
    hover.setLngLat(event.lngLat).setHTML(hoverHtml(layerOf(feature.layer.id), feature, formatter)).addTo(map);
  });
  map.on("mouseout", () => hover.remove());

  let selection = null;
  const click = new maplibregl.Popup({ closeButton: true, maxWidth: "340px" });
  const crosstab = dataPackage && config.crosstab ? new CrossTable(document.getElementById("crosstab-controls"),
    document.getElementById("crosstab-table"), dataPackage, config, formatter) : null;

  const select = (layer, feature) => {
    if (selection && selection.feature.id !== undefined) {
      map.setFeatureState({ source: selection.layer.tileset, sourceLayer: selection.layer.source_layer, id: selection.feature.id }, { selected: false });
    }
    selection = layer ? { layer, feature } : null;
    if (selection && feature.id !== undefined) {
      map.setFeatureState({ source: layer.tileset, sourceLayer: layer.source_layer, id: feature.id }, { selected: true });
    }
  };

  const showDetails = async (layer, feature) => {
    const panel = document.getElementById("details");
    const body = document.getElementById("details-body");
    const key = layer.key ? feature.properties[layer.key] : undefined;
    if (!layer.series || !dataPackage || key === undefined) {
      panel.hidden = true;
      return;
    }
    document.getElementById("details-title").textContent = layer.label ? feature.properties[layer.label] : String(key);
    body.innerHTML = "";
    panel.hidden = false;
    try {
      const table = await dataPackage.table(layer.series.table);
      const series = seriesChart(table, layer.series, String(key), formatter, slider.current);
      const structure = structureChart(table, layer.series, layer.structure || {}, String(key), formatter, slider.current);
      body.append(...[series, structure].filter(Boolean));
      if (!series && !structure) {
        body.textContent = `No published rows for ${key} in ${table.title}.`;
      }
      const source = document.createElement("p");
      source.className = "hint";
      source.textContent = `Source: ${table.title} (published table ${table.name}).`;
      body.append(source);
      if (crosstab && crosstab.table && crosstab.table.name !== table.name && crosstab.tableNames().includes(table.name)) {
        await crosstab.load(table.name);
      }
      await crosstab?.focus(layer.series.key, String(key));
    } catch (error) {
      status(`charts: ${error.message}`, true);
    }
    map.resize();
  };

  map.on("click", (event) => {
    const [feature] = map.queryRenderedFeatures(event.point, { layers: interactive().filter((id) => map.getLayer(id)) });
    if (!feature) {
      return;
    }
    const layer = layerOf(feature.layer.id);
    const key = layer.key ? feature.properties[layer.key] : undefined;
    const month = slider.current && key !== undefined ? slider.cell(layer, key) : null;
    const monthly = month ? { ...month, label: `${layer.value?.label || layer.value?.property || "value"} in ${slider.current}` } : null;
    hover.remove();
    click.setLngLat(event.lngLat).setHTML(popupHtml(layer, feature, formatter, monthly)).addTo(map);
    select(layer, feature);
    showDetails(layer, feature);
  });
  document.getElementById("details-close").addEventListener("click", () => {
    document.getElementById("details").hidden = true;
    select(null, null);
    map.resize();
  });

  if (await slider.start().catch((error) => status(`time slider: ${error.message}`, true))) {
    refresh();
  }
  if (crosstab && await crosstab.start().catch((error) => status(`cross-table: ${error.message}`, true))) {
    document.getElementById("crosstab").hidden = false;
    map.resize();
    // The map shrank to make room: frame the configured view again unless the user moved it.
    if (!userMoved && config.view.bounds) {
      map.fitBounds(config.view.bounds, { padding: 24, animate: false });
    }
  }
  Object.assign(viewer, { slider, crosstab, formatter });
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once("idle", resolve)));
  status("");
}

viewer.ready = start().catch((error) => {
  status(`viewer: ${error.message}`, true);
  throw error;
});
