import type { TopLevelSpec } from "vega-lite";
import { formatDurationNs } from "../format.js";
import { CHART_CONFIG, CHART_HEIGHT_PX, CHART_WIDTH_PX, TIME_X, VEGA_LITE_SCHEMA, nsToMs, seriesLabel, sessionMarkerLayers } from "./common.js";
import type { ChartInput } from "./chart.js";

/**
 * Host IOPS per job and direction over simulated time, with the session
 * operations marked. The series has no row for a bucket in which a job's
 * direction completed nothing; those buckets are drawn as 0 IOPS, or the line
 * would bridge a stall (a rollback, a full queue) as if I/O had continued.
 */
export function throughputChart({ results, timeSeries }: ChartInput): TopLevelSpec | undefined {
  if (timeSeries.host.length === 0) return undefined;
  const iopsBySeries = new Map<string, Map<number, number>>();
  for (const row of timeSeries.host) {
    const label = seriesLabel(row.job, row.op);
    const buckets = iopsBySeries.get(label) ?? new Map<number, number>();
    buckets.set(row.timeNs, row.iops);
    iopsBySeries.set(label, buckets);
  }
  // A fold, not Math.max(...rows): a fixed small bucket can give more rows than a call has room for arguments.
  const lastBucketNs = timeSeries.host.reduce((last, row) => Math.max(last, row.timeNs), 0);
  const values = [...iopsBySeries.keys()].sort().flatMap((series) => {
    const buckets = iopsBySeries.get(series)!;
    const rows: Array<{ time_ms: number; series: string; iops: number }> = [];
    for (let timeNs = 0; timeNs <= lastBucketNs; timeNs += timeSeries.bucketNs) rows.push({ time_ms: nsToMs(timeNs), series, iops: buckets.get(timeNs) ?? 0 });
    return rows;
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: "Host throughput over time", subtitle: `IOPS per job and op in ${formatDurationNs(timeSeries.bucketNs)} buckets; dashed lines: session operations` },
    width: CHART_WIDTH_PX,
    height: CHART_HEIGHT_PX,
    config: CHART_CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: "line", interpolate: "step-after", strokeWidth: 1.5 },
        encoding: {
          x: TIME_X,
          y: { field: "iops", type: "quantitative", title: "IOPS (host I/Os per second)" },
          color: { field: "series", type: "nominal", title: "job / op", sort: "ascending" },
        },
      },
      ...sessionMarkerLayers(results),
    ],
  };
}
