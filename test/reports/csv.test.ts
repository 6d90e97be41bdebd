import { describe, expect, it } from "vitest";
import { engineSeriesTable, hostSeriesTable, latencyCurvesTable, runCsvTables, sessionsTable, toCsv } from "../../reports/csv.js";
import type { RunResults } from "../../scenarios/runner/results.js";
import type { TimeSeries } from "../../scenarios/runner/time-series.js";
import { shortRun } from "./fixture.js";

/** RFC 4180, enough to read back what csv-stringify wrote: quoted cells may hold commas, quotes ("") and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted) {
      if (char === '"' && text.charAt(i + 1) === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += char;
  }
  expect(cell === "" && row.length === 0, "the file ends with a line end").toBe(true);
  return rows;
}

const awkwardJob = 'db, "primary"\nshard 2';

const series: TimeSeries = {
  bucketNs: 1_000_000,
  host: [
    { timeNs: 0, job: awkwardJob, op: "write", ios: 10, iops: 10_000, bandwidthBytesPerSec: 40_960_000, latencyP50Ns: 90_000, latencyP99Ns: 120_000, latencyMaxNs: 130_000 },
    { timeNs: 1_000_000, job: "reader", op: "read", ios: 3, iops: 3_000, bandwidthBytesPerSec: 12_288_000, latencyP50Ns: 80_500, latencyP99Ns: 81_000, latencyMaxNs: 81_000 },
  ],
  engine: [
    { timeNs: 0, cofwCopies: 2, copiesPerSec: 2_000, metadataWrites: 4, flushes: 1, hostBytesWritten: 40_960, bytesCopied: 131_072, metadataBytesWritten: 2_048, cacheChunksUsed: 2, liveSessions: 1 },
  ],
  latencyCurves: [
    { job: awkwardJob, op: "write", phase: "before-first-session", percentile: 99.9, latencyNs: 91_000 },
    { job: awkwardJob, op: "write", phase: "with-sessions", percentile: 100, latencyNs: 650_000 },
  ],
};

const sessions = [
  { action: "start", slot: 0, requestedAtNs: 100, doneAtNs: 250, sequence: 1 },
  { action: "stop", slot: 5, requestedAtNs: 300, error: "cannot stop slot 5: no live session in it" },
] as const;
const results = { sessions } as unknown as RunResults;

describe("run CSV files", () => {
  it("have one tidy table per concern, with units in the column names", () => {
    expect(runCsvTables(results, series).map((table) => table.fileName)).toEqual(["host-timeseries.csv", "engine-timeseries.csv", "latency-curves.csv", "sessions.csv"]);
    expect(hostSeriesTable(series).columns).toEqual(["time_ns", "bucket_ns", "job", "op", "ios", "iops", "bandwidth_bytes_per_sec", "latency_p50_ns", "latency_p99_ns", "latency_max_ns"]);
    expect(engineSeriesTable(series).columns).toEqual([
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
    ]);
    expect(latencyCurvesTable(series).columns).toEqual(["job", "op", "phase", "percentile", "latency_ns"]);
    expect(sessionsTable(results).columns).toEqual(["action", "slot", "requested_at_ns", "done_at_ns", "sequence", "error"]);
  });

  it("read back to the values written, quoting included; absent session fields are empty cells", () => {
    const host = parseCsv(toCsv(hostSeriesTable(series)));
    expect(host).toEqual([
      ["time_ns", "bucket_ns", "job", "op", "ios", "iops", "bandwidth_bytes_per_sec", "latency_p50_ns", "latency_p99_ns", "latency_max_ns"],
      ["0", "1000000", awkwardJob, "write", "10", "10000", "40960000", "90000", "120000", "130000"],
      ["1000000", "1000000", "reader", "read", "3", "3000", "12288000", "80500", "81000", "81000"],
    ]);
    expect(parseCsv(toCsv(engineSeriesTable(series)))[1]).toEqual(["0", "1000000", "2", "2000", "4", "1", "40960", "131072", "2048", "2", "1"]);
    expect(parseCsv(toCsv(latencyCurvesTable(series))).slice(1)).toEqual([
      [awkwardJob, "write", "before-first-session", "99.9", "91000"],
      [awkwardJob, "write", "with-sessions", "100", "650000"],
    ]);
    expect(parseCsv(toCsv(sessionsTable(results))).slice(1)).toEqual([
      ["start", "0", "100", "250", "1", ""],
      ["stop", "5", "300", "", "", "cannot stop slot 5: no live session in it"],
    ]);
  });

  it("are the same bytes for the same run, with one row per series row", () => {
    const first = shortRun();
    const second = shortRun();
    const render = (input: typeof first) => runCsvTables(input.results, input.timeSeries).map(toCsv);
    expect(render(second)).toEqual(render(first));
    const [host, engine, curves, sessionRows] = render(first).map(parseCsv);
    expect(host?.length).toBe(first.timeSeries.host.length + 1);
    expect(engine?.length).toBe(first.timeSeries.engine.length + 1);
    expect(curves?.length).toBe(first.timeSeries.latencyCurves.length + 1);
    expect(sessionRows?.length).toBe(first.results.sessions.length + 1);
  });
});
