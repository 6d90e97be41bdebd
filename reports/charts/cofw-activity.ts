import type { TopLevelSpec } from "vega-lite";
import { formatInteger } from "../format.js";
import { CHART_CONFIG, CHART_WIDTH_PX, PANEL_HEIGHT_PX, TIME_X, VEGA_LITE_SCHEMA, nsToMs, sessionMarkerLayers, type LayerChild } from "./common.js";
import type { ChartInput } from "./chart.js";

/** Draw the Cache LU's capacity only once usage comes near it; below that it would flatten the usage line to nothing. */
const CAPACITY_LINE_FROM_FRACTION = 0.5;
const CAPACITY_COLOR = "#c0392b";

/**
 * The engine's side of the run: COFW copies per second, and the Cache LU
 * chunks in use (what a full Cache LU would terminate sessions over), one
 * above the other on the same time axis, session operations marked on both.
 */
export function cofwActivityChart({ results, timeSeries }: ChartInput): TopLevelSpec | undefined {
  if (timeSeries.engine.length === 0) return undefined;
  const values = timeSeries.engine.map((row) => ({ time_ms: nsToMs(row.timeNs), copies_per_sec: row.copiesPerSec, cache_chunks_used: row.cacheChunksUsed }));
  const totalChunks = results.engine.cacheChunksTotal;
  const peakChunks = timeSeries.engine.reduce((peak, row) => Math.max(peak, row.cacheChunksUsed), 0);
  const capacityValues = [{ chunks: totalChunks, label: `Cache LU capacity: ${formatInteger(totalChunks)} chunks` }];
  const capacityY = { field: "chunks", type: "quantitative" } as const;
  const capacity: LayerChild[] =
    peakChunks >= CAPACITY_LINE_FROM_FRACTION * totalChunks
      ? [
          { data: { values: capacityValues }, mark: { type: "rule", color: CAPACITY_COLOR, strokeDash: [6, 3] }, encoding: { y: capacityY } },
          {
            data: { values: capacityValues },
            mark: { type: "text", color: CAPACITY_COLOR, align: "right", baseline: "bottom", dx: -4, dy: -3, fontSize: 10 },
            encoding: { y: capacityY, x: { value: CHART_WIDTH_PX }, text: { field: "label", type: "nominal" } },
          },
        ]
      : [];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: "COFW copy rate and Cache LU usage", subtitle: `copies per second, and chunks in use of the Cache LU's ${formatInteger(totalChunks)}; dashed lines: session operations` },
    config: CHART_CONFIG,
    vconcat: [
      {
        width: CHART_WIDTH_PX,
        height: PANEL_HEIGHT_PX,
        layer: [
          {
            data: { values },
            mark: { type: "line", interpolate: "step-after", color: "#f58518", strokeWidth: 1.5 },
            encoding: { x: TIME_X, y: { field: "copies_per_sec", type: "quantitative", title: "COFW copies per second" } },
          },
          ...sessionMarkerLayers(results),
        ],
      },
      {
        width: CHART_WIDTH_PX,
        height: PANEL_HEIGHT_PX,
        layer: [
          {
            data: { values },
            mark: { type: "area", interpolate: "step-after", color: "#54a24b", opacity: 0.35, line: { color: "#54a24b" } },
            encoding: { x: TIME_X, y: { field: "cache_chunks_used", type: "quantitative", title: "Cache LU chunks in use" } },
          },
          ...capacity,
          ...sessionMarkerLayers(results),
        ],
      },
    ],
  };
}
