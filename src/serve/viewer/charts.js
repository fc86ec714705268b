// Charts for a clicked unit or crossing point, drawn with Observable Plot from the published
// tables: its monthly series, and its structure by sex and age group (children 0-17 one group).
// Withheld cells are drawn as such (a cross on the axis, a hatched bar), never as zeros.

import { naturalOrder } from "./data.js";

const SEX_COLOURS = ["#b2182b", "#2166ac"];
const WIDTH = 330;

function monthDate(value) {
  const match = /^(\d{4})-(\d{2})$/.exec(value);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) : null;
}

/** The monthly (or other time) series of `series.value` for one key, as an SVG figure. */
export function seriesChart(table, series, keyValue, formatter, selectedTime) {
  const time = table.dimension(series.time);
  if (!time) {
    return null;
  }
  const fixed = { ...(series.where || {}), [series.key]: keyValue };
  const cells = table.aggregate(series.value, fixed, [series.time]);
  const data = time.values.filter((t) => t !== time.total && cells.has(t)).map((t) => {
    const cell = cells.get(t);
    return { time: t, date: monthDate(t), value: cell.value, hidden: cell.hidden, partial: cell.partial,
      label: `${t}: ${formatter.cell(cell.value, cell.status).text}${cell.partial ? " (incomplete: some cells suppressed)" : ""}` };
  });
  if (!data.length) {
    return null;
  }
  const dated = data.every((d) => d.date);
  const x = dated ? "date" : "time";
  const shown = data.filter((d) => !d.hidden);
  const withheld = data.filter((d) => d.hidden);
  const count = table.count(series.value);
  const marks = [
    Plot.ruleY([0]),
    Plot.lineY(data.map((d) => ({ ...d, value: d.hidden ? NaN : d.value })), { x, y: "value", stroke: "#0b5cad", strokeWidth: 2 }),
    Plot.dot(shown, { x, y: "value", fill: (d) => (d.partial ? "#ffffff" : "#0b5cad"), stroke: "#0b5cad", r: 3.5, title: "label" }),
    Plot.dot(withheld, { x, y: 0, symbol: "times", stroke: "#6e6e6e", r: 5, strokeWidth: 2, title: "label" }),
  ];
  if (selectedTime && cells.has(selectedTime)) {
    marks.push(Plot.ruleX([dated ? monthDate(selectedTime) : selectedTime], { stroke: "#999999", strokeDasharray: "3,3" }));
  }
  const svg = Plot.plot({
    width: WIDTH,
    height: 190,
    marginLeft: 52,
    x: dated ? { type: "utc", label: null, ticks: Math.min(data.length, 6) } : { type: "point", label: null },
    y: { grid: true, label: count ? count.unit || count.title : null, zero: true },
    marks,
  });
  const note = withheld.length ? `${withheld.length} month(s) suppressed (×)` : "";
  return figure(svg, `Monthly series${note ? ` · ${note}` : ""}`, "series");
}

/** Sex by age group for one key (one month when `time` is given, else the whole period). */
export function structureChart(table, series, structure, keyValue, formatter, selectedTime) {
  const sex = table.dimension(structure.sex || "sex");
  const age = table.dimension(structure.age || "age_group");
  if (!sex || !age) {
    return null;
  }
  const fixed = { ...(series.where || {}), [series.key]: keyValue };
  if (selectedTime) {
    fixed[series.time] = selectedTime;
  }
  const cells = table.aggregate(series.value, fixed, [sex.name, age.name]);
  const sexes = (structure.sexes || sex.values.filter((v) => v !== sex.total)).slice(0, 2);
  const ages = age.values.filter((v) => v !== age.total).sort(structure.age_order ? () => 0 : naturalOrder);
  const labels = structure.labels || { F: "women", M: "men" };
  const data = [];
  for (const a of ages) {
    sexes.forEach((s, index) => {
      const cell = cells.get(`${s}\u0001${a}`);
      if (!cell) {
        return;
      }
      const sign = index === 0 ? -1 : 1;
      data.push({ age: a === "0-17" ? "0-17 (children)" : a, sex: labels[s] || s, hidden: cell.hidden, partial: cell.partial,
        x: cell.hidden ? 0 : sign * cell.value,
        label: `${labels[s] || s}, ${a}: ${formatter.cell(cell.value, cell.status).text}${cell.partial ? " (at least: some months suppressed)" : ""}` });
    });
  }
  if (!data.length) {
    return null;
  }
  const ageDomain = ages.map((a) => (a === "0-17" ? "0-17 (children)" : a)).reverse();
  const extent = Math.max(1, ...data.map((d) => Math.abs(d.x)));
  const svg = Plot.plot({
    width: WIDTH,
    height: 40 + 26 * ages.length,
    marginLeft: 100,
    x: { label: `← ${labels[sexes[0]] || sexes[0]} · ${labels[sexes[1]] || sexes[1]} →`, tickFormat: (v) => formatter.number(Math.abs(v)), domain: [-extent, extent], ticks: 4 },
    y: { domain: ageDomain, label: null },
    color: { domain: sexes.map((s) => labels[s] || s), range: SEX_COLOURS, legend: true },
    marks: [
      Plot.barX(data.filter((d) => !d.hidden), { x: "x", y: "age", fill: "sex", fillOpacity: (d) => (d.partial ? 0.45 : 0.9), title: "label" }),
      Plot.text(data.filter((d) => d.hidden), { x: (d) => (d.sex === (labels[sexes[0]] || sexes[0]) ? -extent * 0.05 : extent * 0.05), y: "age", text: () => "suppressed", fill: "#6e6e6e", fontSize: 10, textAnchor: "middle", title: "label" }),
      Plot.ruleX([0]),
    ],
  });
  const partial = data.some((d) => d.partial) ? " · pale bars: at least (some cells suppressed)" : "";
  const withheld = data.some((d) => d.hidden) ? " · some cells suppressed" : "";
  return figure(svg, `Structure by sex and age group${selectedTime ? `, ${selectedTime}` : ", whole period"}${partial}${withheld}`, "structure");
}

function figure(svg, caption, kind) {
  const element = document.createElement("figure");
  element.dataset.chart = kind;
  const label = document.createElement("figcaption");
  label.textContent = caption;
  element.append(label, svg);
  return element;
}
