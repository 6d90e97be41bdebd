/**
 * The sweep's charts as vega-lite specs: over one varied parameter a line
 * chart per metric, over two a heatmap (first parameter down, second across),
 * over more the same heatmap in one panel per combination of the others.
 * Parameters keep their --vary order on the axes (16KiB before 256KiB),
 * which sorting the strings would not. Data is inlined, so each .vl.json
 * renders on its own.
 */
import type { TopLevelSpec } from "vega-lite";
import type { MetricColumn } from "./metrics.js";
import type { VaryAxis } from "./points.js";
import type { PointRow } from "./sweep-document.js";

export interface ChartMetric {
  readonly column: MetricColumn;
  readonly title: string;
  /** For the colour legend, which truncates long titles. */
  readonly short: string;
}

export const CHART_METRICS: readonly ChartMetric[] = [
  { column: "write_clat_p99_ns", title: "host write latency p99 (ns)", short: "p99 (ns)" },
  { column: "write_iops", title: "host write IOPS", short: "IOPS" },
  { column: "write_amplification", title: "write amplification (device bytes / host bytes)", short: "ratio" },
  { column: "cache_chunks_used", title: "Cache LU chunks used at the end of the run", short: "chunks" },
  { column: "cache_peak_bytes", title: "Cache LU space at its peak (bytes)", short: "bytes" },
  { column: "recovery_ns", title: "recovery: mount after the run (simulated ns)", short: "ns" },
];

export interface SweepChart {
  /** File name without extension, e.g. `heatmap-write_iops`. */
  readonly name: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

/** Panels per row when a heatmap is split by a third parameter and more. */
const PANELS_PER_ROW = 4;
/** Width of a heatmap cell and of a line chart's step, in px. */
const STEP_PX = 72;

/** Field names free of dots (vega-lite reads `engine.chunkSize` as a nested field). */
const paramField = (axis: number) => `p${axis}`;
const PANEL_FIELD = "panel";
const VALUE_FIELD = "value";

function panelLabel(vary: readonly VaryAxis[], values: readonly string[]): string {
  return vary
    .slice(2)
    .map((axis, i) => `${axis.path}=${values[i + 2] ?? ""}`)
    .join(", ");
}

function chartData(vary: readonly VaryAxis[], rows: readonly PointRow[], metric: ChartMetric): Array<Record<string, string | number>> {
  const data: Array<Record<string, string | number>> = [];
  for (const row of rows) {
    const value = row.metrics[metric.column];
    if (value === null) continue;
    const datum: Record<string, string | number> = { [VALUE_FIELD]: value };
    vary.forEach((_, i) => (datum[paramField(i)] = row.values[i] ?? ""));
    if (vary.length > 2) datum[PANEL_FIELD] = panelLabel(vary, row.values);
    data.push(datum);
  }
  return data;
}

const CONFIG = { background: "white", font: "sans-serif", view: { stroke: null } } as const;

/** A chart's file name: one definition for the charts and for the names a reused directory is cleared of. */
const lineChartName = (column: string): string => `line-${column}`;
const heatmapName = (column: string): string => `heatmap-${column}`;

/**
 * Columns charted by earlier versions and no longer: their charts are cleared
 * from a reused directory as well, where they would look current (the end-of-run
 * cache_used_bytes showed an overflowed Cache LU as empty).
 */
const RETIRED_CHART_COLUMNS: readonly string[] = ["cache_used_bytes"];

function lineChart(vary: readonly VaryAxis[], rows: readonly PointRow[], metric: ChartMetric): SweepChart {
  const axis = vary[0]!;
  const title = `${metric.title} by ${axis.path}`;
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    config: CONFIG,
    data: { values: chartData(vary, rows, metric) },
    width: { step: STEP_PX },
    height: 240,
    mark: { type: "line", point: true, tooltip: true },
    encoding: {
      x: { field: paramField(0), type: "ordinal", sort: [...axis.values], title: axis.path, axis: { labelAngle: 0 } },
      y: { field: VALUE_FIELD, type: "quantitative", title: metric.short, scale: { zero: false } },
    },
  } as TopLevelSpec;
  return { name: lineChartName(metric.column), title, spec };
}

function heatmap(vary: readonly VaryAxis[], rows: readonly PointRow[], metric: ChartMetric): SweepChart {
  const down = vary[0]!;
  const across = vary[1]!;
  const data = chartData(vary, rows, metric);
  const values = data.map((datum) => Number(datum[VALUE_FIELD]));
  // Labels switch to black on the light half of the colour scale, to stay readable.
  const middle = values.length === 0 ? 0 : (Math.min(...values) + Math.max(...values)) / 2;
  const rest = vary.slice(2);
  const title = `${metric.title} by ${down.path} and ${across.path}${rest.length > 0 ? `, per ${rest.map((axis) => axis.path).join(" and ")}` : ""}`;
  const cells = {
    width: { step: STEP_PX },
    height: { step: 32 },
    encoding: {
      x: { field: paramField(1), type: "ordinal", sort: [...across.values], title: across.path, axis: { labelAngle: 0 } },
      y: { field: paramField(0), type: "ordinal", sort: [...down.values], title: down.path },
    },
    layer: [
      { mark: { type: "rect", tooltip: true }, encoding: { color: { field: VALUE_FIELD, type: "quantitative", title: metric.short, scale: { scheme: "viridis" } } } },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: {
          text: { field: VALUE_FIELD, type: "quantitative", format: ".3~s" },
          color: { condition: { test: `datum.${VALUE_FIELD} > ${middle}`, value: "black" }, value: "white" },
        },
      },
    ],
  };
  const spec =
    rest.length === 0
      ? { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title, config: CONFIG, data: { values: data }, ...cells }
      : {
          $schema: "https://vega.github.io/schema/vega-lite/v6.json",
          title,
          config: CONFIG,
          data: { values: data },
          facet: { field: PANEL_FIELD, type: "ordinal", title: null, sort: [...new Set(rows.map((row) => panelLabel(vary, row.values)))] },
          columns: PANELS_PER_ROW,
          spec: cells,
          resolve: { scale: { color: "shared" } },
        };
  return { name: heatmapName(metric.column), title, spec: spec as TopLevelSpec };
}

/** Every name a sweep's chart can have (line charts for one axis, heatmaps for more), whatever the axes, and the retired ones. */
export function sweepChartNames(metrics: readonly ChartMetric[] = CHART_METRICS): string[] {
  return [...metrics.map((metric) => metric.column), ...RETIRED_CHART_COLUMNS].flatMap((column) => [lineChartName(column), heatmapName(column)]);
}

export function sweepCharts(vary: readonly VaryAxis[], rows: readonly PointRow[], metrics: readonly ChartMetric[] = CHART_METRICS): SweepChart[] {
  return metrics.map((metric) => (vary.length === 1 ? lineChart(vary, rows, metric) : heatmap(vary, rows, metric)));
}
