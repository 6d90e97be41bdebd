import type { TopLevelSpec } from "vega-lite";
import type { LatencyCurveRow } from "../../scenarios/runner/time-series.js";
import { CHART_CONFIG, VEGA_LITE_SCHEMA, seriesLabel } from "./common.js";
import type { ChartInput } from "./chart.js";

const PHASES: ReadonlyArray<LatencyCurveRow["phase"]> = ["before-first-session", "with-sessions"];
const PHASE_COLORS = ["#4c78a8", "#e45756"];
/** Axis ticks: the percentiles people quote. The maximum sits one "nine" past the last finite percentile. */
const TICK_PERCENTILES = [50, 90, 99, 99.9, 99.99, 99.999];
const FACET_WIDTH_PX = 300;
const FACET_HEIGHT_PX = 200;

/** How many nines a percentile has: p90 -> 1, p99 -> 2, p99.9 -> 3. Spreads the tail, where COFW copies show. */
const nines = (percentile: number): number => -Math.log10(1 - percentile / 100);
const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
const percentileLabel = (percentile: number): string => (percentile === 100 ? "max" : `p${percentile}`);

/**
 * Completion latency at each percentile, per job and op, before and after the
 * first session started: x on a "nines" scale (p50, p90, p99, p99.9...), y
 * log-scaled, one small chart per job and op.
 */
export function latencyCurvesChart({ timeSeries }: ChartInput): TopLevelSpec | undefined {
  const rows = timeSeries.latencyCurves;
  if (rows.length === 0) return undefined;
  const finite = rows.filter((row) => row.percentile < 100).map((row) => nines(row.percentile));
  const maxNines = round6((finite.length === 0 ? 0 : Math.max(...finite)) + 1);
  const x = (percentile: number): number => (percentile >= 100 ? maxNines : round6(nines(percentile)));
  const values = rows.map((row) => ({ series: seriesLabel(row.job, row.op), phase: row.phase, percentile: percentileLabel(row.percentile), nines: x(row.percentile), latency_us: row.latencyNs / 1e3 }));
  const ticks = [...TICK_PERCENTILES.filter((percentile) => x(percentile) < maxNines).map((percentile) => ({ at: x(percentile), label: percentileLabel(percentile) })), { at: maxNines, label: "max" }];
  // Vega expressions have no lookup tables: map each tick back to its percentile name with a chain of conditions.
  const labelExpr = ticks.reduceRight((otherwise, tick) => `abs(datum.value - ${tick.at}) < 1e-6 ? '${tick.label}' : ${otherwise}`, "''");
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: "Latency percentiles before and after the first session", subtitle: "completion latency per job and op; x spaced by nines (p90, p99, p99.9...)" },
    config: CHART_CONFIG,
    data: { values },
    facet: { field: "series", type: "nominal", title: null, sort: "ascending" },
    columns: 2,
    spec: {
      width: FACET_WIDTH_PX,
      height: FACET_HEIGHT_PX,
      mark: { type: "line", point: true, strokeWidth: 1.5 },
      encoding: {
        x: { field: "nines", type: "quantitative", title: "percentile", scale: { domain: [0, maxNines] }, axis: { values: ticks.map((tick) => tick.at), labelExpr, grid: true } },
        y: { field: "latency_us", type: "quantitative", title: "completion latency (µs, log scale)", scale: { type: "log" } },
        color: { field: "phase", type: "nominal", title: "phase", scale: { domain: [...PHASES], range: PHASE_COLORS } },
        order: { field: "nines", type: "quantitative" },
      },
    },
  };
}
