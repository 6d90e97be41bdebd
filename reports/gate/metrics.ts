import type { RunResults } from "../../scenarios/runner/results.js";

/** Which way a metric should move. `either`: it should not move at all; a change beyond the tolerance either way fails. */
export type Direction = "higher-is-better" | "lower-is-better" | "either";
export const DIRECTIONS: readonly Direction[] = ["higher-is-better", "lower-is-better", "either"];

/** A headline metric's value in one run, keyed by a stable id. */
export type MetricValues = Record<string, number>;

/** fio's JSON keys of the headline percentiles, and the short names the gate gives them. */
const PERCENTILES: ReadonlyArray<readonly [fioKey: string, name: string]> = [
  ["50.000000", "p50"],
  ["99.000000", "p99"],
  ["99.900000", "p99.9"],
];

/** Engine counters in the gate, all lower-is-better by default: each is work or loss paid for the same host I/O. */
export const ENGINE_METRICS = ["cofwCopies", "copiesPerHostWrite", "writeAmplification", "metadataWrites", "flushes", "cacheChunksUsed", "sessionsTerminated"] as const;

/**
 * The headline metrics of a run. Ids:
 * - `jobs.<job>.<read|write>.<iops | bw_bytes | clat_ns.mean | clat_ns.p50 | clat_ns.p99 | clat_ns.p99.9>`,
 *   for each direction that completed I/O in the measurement window (a
 *   write-only job has no read figures: zeros would only pad the table, and
 *   a direction that stops doing I/O then shows up as `missing`);
 * - `engine.<counter>` for ENGINE_METRICS;
 * - `run.problems`: problems the run reported (failed session operations...).
 * Keys come out sorted so files and tables do not depend on insertion order.
 */
export function headlineMetrics(results: RunResults): MetricValues {
  const values: MetricValues = {};
  for (const job of results.jobs) {
    for (const op of ["read", "write"] as const) {
      const direction = job[op];
      if (direction.total_ios === 0) continue;
      const prefix = `jobs.${job.jobname}.${op}`;
      values[`${prefix}.iops`] = direction.iops;
      values[`${prefix}.bw_bytes`] = direction.bw_bytes;
      values[`${prefix}.clat_ns.mean`] = direction.clat_ns.mean;
      for (const [fioKey, name] of PERCENTILES) values[`${prefix}.clat_ns.${name}`] = direction.clat_ns.percentile?.[fioKey] ?? 0;
    }
  }
  for (const counter of ENGINE_METRICS) values[`engine.${counter}`] = results.engine[counter];
  values["run.problems"] = results.problems.length;
  return sortKeys(values);
}

/**
 * The built-in direction of a metric id: throughput (IOPS, bandwidth) is
 * better higher; latencies, engine work (copies, metadata writes, flushes,
 * write amplification), Cache LU use, lost sessions and problems are better
 * lower. An id the gate does not know must not move (`either`).
 */
export function defaultDirection(metricId: string): Direction {
  if (/\.(iops|bw_bytes)$/.test(metricId)) return "higher-is-better";
  if (/\.clat_ns\./.test(metricId)) return "lower-is-better";
  if (metricId.startsWith("engine.") || metricId === "run.problems") return "lower-is-better";
  return "either";
}

/** The unit a metric id is in, for tables. */
export function metricUnit(metricId: string): string {
  if (metricId.endsWith(".iops")) return "IO/s";
  if (metricId.endsWith(".bw_bytes")) return "B/s";
  if (metricId.includes(".clat_ns.")) return "ns";
  if (metricId === "engine.copiesPerHostWrite" || metricId === "engine.writeAmplification") return "ratio";
  if (metricId === "engine.cacheChunksUsed") return "chunks";
  if (metricId === "engine.sessionsTerminated") return "sessions";
  return "count";
}

export function sortKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key]!;
  return sorted;
}
