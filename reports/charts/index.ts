import type { ChartDefinition } from "./chart.js";
import { cofwActivityChart } from "./cofw-activity.js";
import { deviceBytesChart } from "./device-bytes.js";
import { latencyCurvesChart } from "./latency-curves.js";
import { throughputChart } from "./throughput.js";

export type { ChartDefinition, ChartInput } from "./chart.js";

/**
 * The charts of a run's report, in the order report.html shows them. A new
 * chart is one file in this folder and one entry here; the crash campaign's
 * chart (states explored, failures by invariant) joins this list when that
 * issue lands, reading its data from an optional field of ChartInput and
 * returning undefined for runs without a campaign.
 */
export const RUN_CHARTS: readonly ChartDefinition[] = [
  { name: "throughput", caption: "Host IOPS per job and op over simulated time. Dashed rules mark session operations when they took effect.", build: throughputChart },
  {
    name: "latency-curves",
    caption: "Completion latency percentiles per job and op, before the first session started and with sessions live: the gap is the cost of copy-on-first-write. Every I/O of the run counts, warm-up included, so the figures can differ slightly from the headline's.",
    build: latencyCurvesChart,
  },
  { name: "cofw-activity", caption: "COFW copies per second and Cache LU chunks in use over simulated time.", build: cofwActivityChart },
  { name: "device-bytes", caption: "Bytes the engine wrote to the devices, by purpose: whole-run totals, and the rate over time of host data, chunk copies and metadata (the time series does not break out the format's and rollback's writes).", build: deviceBytesChart },
];
