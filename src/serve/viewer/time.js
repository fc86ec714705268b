// The time slider: position 0 is the whole period (the tiles' own values); every other position
// is one month of the layers' published monthly series, applied to the map as feature state.

import { timePaint } from "./style.js";

export class TimeSlider {
  constructor(section, map, config, dataPackage, onChange) {
    this.section = section;
    this.slider = section.querySelector("input");
    this.output = section.querySelector("output");
    this.map = map;
    this.config = config;
    this.dataPackage = dataPackage;
    this.onChange = onChange;
    this.layers = config.layers.filter((l) => l.series && l.value && l.key);
    this.times = [];
    this.current = null;  // null: whole period
    this.monthly = new Map();  // layer id -> Map(key -> cell) for the current month
  }

  async start() {
    if (!this.layers.length || !this.dataPackage) {
      return false;
    }
    const times = new Set();
    for (const layer of this.layers) {
      const table = await this.dataPackage.table(layer.series.table);
      const dimension = table.dimension(layer.series.time);
      for (const value of dimension ? dimension.values : []) {
        if (value !== dimension.total) {
          times.add(value);
        }
      }
    }
    this.times = [...times].sort();
    if (!this.times.length) {
      return false;
    }
    this.slider.max = String(this.times.length);
    this.slider.addEventListener("input", () => this.set(Number(this.slider.value)));
    this.section.hidden = false;
    return true;
  }

  async set(position) {
    this.current = position === 0 ? null : this.times[position - 1];
    this.output.textContent = this.current ? `month: ${this.current}` : "whole period";
    for (const layer of this.layers) {
      await this.apply(layer);
    }
    this.onChange(this.current);
  }

  async apply(layer) {
    const statuses = this.config.statuses;
    const fromState = this.current !== null;
    const source = layer.tileset;
    this.map.removeFeatureState({ source, sourceLayer: layer.source_layer });
    this.monthly.delete(layer.id);
    if (fromState) {
      const table = await this.dataPackage.table(layer.series.table);
      const cells = table.aggregate(layer.series.value, { ...(layer.series.where || {}), [layer.series.time]: this.current }, [layer.series.key]);
      for (const [key, cell] of cells) {
        this.map.setFeatureState({ source, sourceLayer: layer.source_layer, id: key },
          { value: cell.hidden ? null : cell.value, status: cell.status });
      }
      this.monthly.set(layer.id, cells);
    }
    for (const [id, property, value] of timePaint(layer, statuses, fromState)) {
      if (this.map.getLayer(id)) {
        this.map.setPaintProperty(id, property, value);
      }
    }
  }

  /** The current month's cell of a feature, for its popup; null on the whole period. */
  cell(layer, key) {
    const cells = this.monthly.get(layer.id);
    return cells ? cells.get(String(key)) || { value: null, status: "no_data" } : null;
  }
}
