import type { TopLevelSpec } from "vega-lite";
import { CHART_CONFIG, CHART_WIDTH_PX, PANEL_HEIGHT_PX, TIME_X, VEGA_LITE_SCHEMA, nsToMs } from "./common.js";
import type { ChartInput } from "./chart.js";

const HOST = "host data";
const COPIES = "chunk copies (COFW)";
const METADATA = "metadata";
/** Device writes the three counters do not cover: rollback's writes back to the Source LU (the format's, before time 0, are in no counter). */
const OTHER = "other (rollback)";
const CATEGORIES = [HOST, COPIES, METADATA, OTHER];
const COLORS = ["#4c78a8", "#f58518", "#54a24b", "#bab0ac"];
const MIB = 2 ** 20;

/**
 * Where the engine's device writes went: the whole run's totals from the
 * engine counters as one stacked bar, and the rate over time from the engine
 * series as a stacked area. Write amplification is the bar's length over its
 * host-data part. The series breaks out only host data, copies and metadata,
 * so "other" writes appear in the totals alone.
 */
export function deviceBytesChart({ results, timeSeries }: ChartInput): TopLevelSpec | undefined {
  const engine = results.engine;
  const otherBytes = Math.max(0, engine.deviceBytesWritten - engine.hostBytesWritten - engine.bytesCopied - engine.metadataBytesWritten);
  const totals = [
    { category: HOST, order: 0, mib: engine.hostBytesWritten / MIB },
    { category: COPIES, order: 1, mib: engine.bytesCopied / MIB },
    { category: METADATA, order: 2, mib: engine.metadataBytesWritten / MIB },
    { category: OTHER, order: 3, mib: otherBytes / MIB },
  ].filter((total) => total.mib > 0);
  if (totals.length === 0) return undefined;
  const bucketSeconds = timeSeries.bucketNs / 1e9;
  const rates = timeSeries.engine.flatMap((row) => [
    { time_ms: nsToMs(row.timeNs), category: HOST, order: 0, mib_per_sec: row.hostBytesWritten / MIB / bucketSeconds },
    { time_ms: nsToMs(row.timeNs), category: COPIES, order: 1, mib_per_sec: row.bytesCopied / MIB / bucketSeconds },
    { time_ms: nsToMs(row.timeNs), category: METADATA, order: 2, mib_per_sec: row.metadataBytesWritten / MIB / bucketSeconds },
  ]);
  // The legend lists what the run wrote (the series always has the first three), each category keeping its colour.
  const shown = CATEGORIES.filter((category, index) => index < 3 || totals.some((total) => total.category === category));
  const color = { field: "category", type: "nominal", title: "written for", scale: { domain: shown, range: shown.map((category) => COLORS[CATEGORIES.indexOf(category)] ?? "#888") } } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: "Device bytes written: host data, chunk copies and metadata",
      subtitle: `whole run including warm-up; write amplification ${engine.writeAmplification.toFixed(3)} (device bytes per host byte)`,
    },
    config: CHART_CONFIG,
    vconcat: [
      {
        width: CHART_WIDTH_PX,
        height: 36,
        data: { values: totals },
        mark: { type: "bar" },
        encoding: {
          x: { field: "mib", type: "quantitative", stack: "zero", title: "MiB written to the devices, whole run" },
          color,
          order: { field: "order", type: "quantitative" },
        },
      },
      {
        width: CHART_WIDTH_PX,
        height: PANEL_HEIGHT_PX,
        data: { values: rates },
        mark: { type: "area", interpolate: "step-after" },
        encoding: {
          x: TIME_X,
          y: { field: "mib_per_sec", type: "quantitative", stack: "zero", title: "write rate, without other (MiB/s)" },
          color,
          order: { field: "order", type: "quantitative" },
        },
      },
    ],
  };
}
