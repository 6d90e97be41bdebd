/**
 * A sweep point's headline metrics: one flat row per point, every name with
 * its unit, so sweep.csv can be read without this file. Host figures are
 * summed over the scenario's jobs (IOPS and bandwidth add up); latency
 * percentiles, means and maxima are the worst job's, since the slowest job is the one a user
 * notices. Recovery is what a fresh mount of the Cache LU after the run costs
 * (see measureRecovery in scenarios/runner/run-scenario.ts). Cache LU space
 * is the peak the run reached, not what is left at its end (see
 * peakCacheChunks).
 */
import type { RunResults } from "../../scenarios/runner/results.js";
import type { TimeSeries } from "../../scenarios/runner/time-series.js";

/** A metric: a number, or null where it does not exist (latency of a direction with no I/O, any metric of a failed point). */
export type MetricValue = number | null;

export const METRIC_COLUMNS = [
  "read_iops",
  "read_bw_bytes_per_s",
  "read_clat_mean_ns",
  "read_clat_p50_ns",
  "read_clat_p99_ns",
  "read_clat_p99_9_ns",
  "read_clat_max_ns",
  "write_iops",
  "write_bw_bytes_per_s",
  "write_clat_mean_ns",
  "write_clat_p50_ns",
  "write_clat_p99_ns",
  "write_clat_p99_9_ns",
  "write_clat_max_ns",
  "total_iops",
  "cofw_copies",
  "copies_per_host_write",
  "write_amplification",
  "host_bytes_written",
  "bytes_copied",
  "metadata_bytes_written",
  "device_bytes_written",
  "metadata_writes",
  "engine_flushes",
  "host_flushes",
  "copy_waits",
  "cache_chunks_used",
  "cache_peak_bytes",
  "sessions_terminated",
  "rollback_chunks",
  "recovery_ns",
  "recovery_bytes_read",
  "recovery_regions_rebuilt",
] as const;

export type MetricColumn = (typeof METRIC_COLUMNS)[number];
export type HeadlineMetrics = Record<MetricColumn, MetricValue>;

/** fio's JSON keys of the percentiles reported. */
const PERCENTILE_KEYS = { p50: "50.000000", p99: "99.000000", p99_9: "99.900000" } as const;

/** As the runner rounds IOPS: no float noise in the last digits of the CSV. */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * The most Cache LU chunks in use at once: the engine series' samples (one
 * at the end of every bucket) and the run's end. Usage at the end alone says
 * too little: sessions that stopped, or that a full Cache LU terminated,
 * freed their chunks, so a run that needed all of the Cache LU can end at 0.
 * Chunks taken and freed again between two samples are not seen.
 */
function peakCacheChunks(results: RunResults, timeSeries: TimeSeries): number {
  return timeSeries.engine.reduce((peak, row) => Math.max(peak, row.cacheChunksUsed), results.engine.cacheChunksUsed);
}

export function headlineMetrics(results: RunResults, timeSeries: TimeSeries): HeadlineMetrics {
  const direction = (op: "read" | "write") => {
    const measured = results.jobs.map((job) => job[op]).filter((d) => d.clat_ns.N > 0);
    const worstOf = (value: (latency: (typeof measured)[number]["clat_ns"]) => number): MetricValue => (measured.length === 0 ? null : Math.max(...measured.map((d) => value(d.clat_ns))));
    const worst = (key: string): MetricValue => worstOf((latency) => latency.percentile?.[key] ?? 0);
    return {
      iops: round3(results.jobs.reduce((sum, job) => sum + job[op].iops, 0)),
      bwBytesPerSec: results.jobs.reduce((sum, job) => sum + job[op].bw_bytes, 0),
      mean: worstOf((latency) => latency.mean),
      p50: worst(PERCENTILE_KEYS.p50),
      p99: worst(PERCENTILE_KEYS.p99),
      p99_9: worst(PERCENTILE_KEYS.p99_9),
      max: worstOf((latency) => latency.max),
    };
  };
  const read = direction("read");
  const write = direction("write");
  const engine = results.engine;
  return {
    read_iops: read.iops,
    read_bw_bytes_per_s: read.bwBytesPerSec,
    read_clat_mean_ns: read.mean,
    read_clat_p50_ns: read.p50,
    read_clat_p99_ns: read.p99,
    read_clat_p99_9_ns: read.p99_9,
    read_clat_max_ns: read.max,
    write_iops: write.iops,
    write_bw_bytes_per_s: write.bwBytesPerSec,
    write_clat_mean_ns: write.mean,
    write_clat_p50_ns: write.p50,
    write_clat_p99_ns: write.p99,
    write_clat_p99_9_ns: write.p99_9,
    write_clat_max_ns: write.max,
    total_iops: round3(read.iops + write.iops),
    cofw_copies: engine.cofwCopies,
    copies_per_host_write: engine.copiesPerHostWrite,
    write_amplification: engine.writeAmplification,
    host_bytes_written: engine.hostBytesWritten,
    bytes_copied: engine.bytesCopied,
    metadata_bytes_written: engine.metadataBytesWritten,
    device_bytes_written: engine.deviceBytesWritten,
    metadata_writes: engine.metadataWrites,
    engine_flushes: engine.flushes,
    host_flushes: engine.hostFlushes,
    copy_waits: engine.copyWaits,
    cache_chunks_used: engine.cacheChunksUsed,
    // Chunk counts of different chunk sizes do not compare; the space they hold does.
    cache_peak_bytes: peakCacheChunks(results, timeSeries) * engine.chunkSizeBytes,
    sessions_terminated: engine.sessionsTerminated,
    rollback_chunks: engine.rollbackChunks,
    recovery_ns: engine.recoveryNs,
    recovery_bytes_read: engine.recoveryBytesRead,
    recovery_regions_rebuilt: engine.recoveryRegionsRebuilt,
  };
}

export function emptyMetrics(): HeadlineMetrics {
  return Object.fromEntries(METRIC_COLUMNS.map((column) => [column, null])) as HeadlineMetrics;
}
