import { stringify } from "csv-stringify/sync";
import type { RunResults } from "../scenarios/runner/results.js";
import type { TimeSeries } from "../scenarios/runner/time-series.js";

/**
 * The CSV files of a run: one tidy table per concern (one observation per
 * row), a header row, units in the column names. Times are simulated
 * nanoseconds since the Cache LU was ready, as in results.json; a time-series
 * row's time is the start of its bucket, and a bucket in which a job's
 * direction completed no I/O has no host row. Values are written exactly as
 * the runner computed them, so the same run gives the same bytes.
 */
export type CsvCell = string | number;

/** The CSV files of a run's report, one per table of runCsvTables. */
export const RUN_CSV_FILES = { host: "host-timeseries.csv", engine: "engine-timeseries.csv", latencyCurves: "latency-curves.csv", sessions: "sessions.csv" } as const;

export interface CsvTable {
  readonly fileName: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly CsvCell[]>;
}

export function hostSeriesTable(timeSeries: TimeSeries): CsvTable {
  return {
    fileName: RUN_CSV_FILES.host,
    columns: ["time_ns", "bucket_ns", "job", "op", "ios", "iops", "bandwidth_bytes_per_sec", "latency_p50_ns", "latency_p99_ns", "latency_max_ns"],
    rows: timeSeries.host.map((row) => [row.timeNs, timeSeries.bucketNs, row.job, row.op, row.ios, row.iops, row.bandwidthBytesPerSec, row.latencyP50Ns, row.latencyP99Ns, row.latencyMaxNs]),
  };
}

export function engineSeriesTable(timeSeries: TimeSeries): CsvTable {
  return {
    fileName: RUN_CSV_FILES.engine,
    columns: [
      "time_ns",
      "bucket_ns",
      "cofw_copies",
      "copies_per_sec",
      "metadata_writes",
      "flushes",
      "host_bytes_written",
      "bytes_copied",
      "metadata_bytes_written",
      "cache_chunks_used",
      "live_sessions",
    ],
    rows: timeSeries.engine.map((row) => [
      row.timeNs,
      timeSeries.bucketNs,
      row.cofwCopies,
      row.copiesPerSec,
      row.metadataWrites,
      row.flushes,
      row.hostBytesWritten,
      row.bytesCopied,
      row.metadataBytesWritten,
      row.cacheChunksUsed,
      row.liveSessions,
    ]),
  };
}

export function latencyCurvesTable(timeSeries: TimeSeries): CsvTable {
  return {
    fileName: RUN_CSV_FILES.latencyCurves,
    columns: ["job", "op", "phase", "percentile", "latency_ns"],
    rows: timeSeries.latencyCurves.map((row) => [row.job, row.op, row.phase, row.percentile, row.latencyNs]),
  };
}

/** Absent fields (a session operation that failed has no done time) are empty cells, not zeros. */
export function sessionsTable(results: RunResults): CsvTable {
  return {
    fileName: RUN_CSV_FILES.sessions,
    columns: ["action", "slot", "requested_at_ns", "done_at_ns", "sequence", "error"],
    rows: results.sessions.map((session) => [session.action, session.slot, session.requestedAtNs, session.doneAtNs ?? "", session.sequence ?? "", session.error ?? ""]),
  };
}

export function runCsvTables(results: RunResults, timeSeries: TimeSeries): CsvTable[] {
  return [hostSeriesTable(timeSeries), engineSeriesTable(timeSeries), latencyCurvesTable(timeSeries), sessionsTable(results)];
}

/** RFC 4180 quoting where a cell needs it, "\n" line ends on every platform. */
export function toCsv(table: CsvTable): string {
  return stringify([table.columns, ...table.rows], { record_delimiter: "unix" });
}
