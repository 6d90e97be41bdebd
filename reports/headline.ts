import type { RunResults, WallFigures } from "../scenarios/runner/results.js";
import type { TimeSeries } from "../scenarios/runner/time-series.js";
import { bytesToMiB, formatDurationNs, formatFixed, formatInteger, formatPercent, formatRate, formatSizeBytes, nsToMicros, nsToMillis } from "./format.js";

/**
 * The headline of a run as plain text tables: report.html and summary.md both
 * render these, so the two always show the same figures with the same
 * rounding. Cells are unescaped text; each renderer escapes for its format.
 */
export interface TextTable {
  readonly columns: ReadonlyArray<{ readonly label: string; readonly numeric: boolean }>;
  readonly rows: ReadonlyArray<readonly string[]>;
}

const text = (label: string) => ({ label, numeric: false });
const number = (label: string) => ({ label, numeric: true });

/** fio's JSON keys of the percentiles in the headline. */
const P50 = "50.000000";
const P99 = "99.000000";
const P99_9 = "99.900000";

/** fio-style figures per job and direction; directions with no I/O in the window are left out. */
/** What the host table counts, said under it in report.html and summary.md. */
export const JOBS_TABLE_CAPTION = "fio-style: I/Os completed in the measurement window (one issued in the warm-up counts, as after fio's ramp_time); clat is completion latency.";

export function jobsTable(results: RunResults): TextTable {
  const rows: string[][] = [];
  for (const job of results.jobs) {
    for (const op of ["read", "write"] as const) {
      const d = job[op];
      if (d.total_ios === 0) continue;
      const clat = d.clat_ns;
      rows.push([
        job.jobname,
        op,
        formatRate(d.iops),
        bytesToMiB(d.bw_bytes),
        nsToMicros(clat.mean),
        nsToMicros(clat.percentile?.[P50] ?? 0),
        nsToMicros(clat.percentile?.[P99] ?? 0),
        nsToMicros(clat.percentile?.[P99_9] ?? 0),
        nsToMicros(clat.max),
        formatInteger(d.total_ios),
      ]);
    }
  }
  return {
    columns: [
      text("job"),
      text("op"),
      number("IOPS"),
      number("bandwidth (MiB/s)"),
      number("clat mean (µs)"),
      number("clat p50 (µs)"),
      number("clat p99 (µs)"),
      number("clat p99.9 (µs)"),
      number("clat max (µs)"),
      number("total I/Os"),
    ],
    rows,
  };
}

/** The engine counters of the whole run (warm-up included), with what each one means. */
export function engineTable(results: RunResults): TextTable {
  const e = results.engine;
  const rows: Array<[string, string, string]> = [
    ["COFW copies", formatInteger(e.cofwCopies), `${bytesToMiB(e.bytesCopied)} MiB copied`],
    ["copies per host write", formatFixed(e.copiesPerHostWrite, 4), `of ${formatInteger(e.hostWrites)} host writes`],
    ["write amplification", formatFixed(e.writeAmplification, 3), `${bytesToMiB(e.deviceBytesWritten)} MiB written to the devices for ${bytesToMiB(e.hostBytesWritten)} MiB of host data`],
    ["metadata writes", formatInteger(e.metadataWrites), `${bytesToMiB(e.metadataBytesWritten)} MiB`],
    ["engine flushes", formatInteger(e.flushes), `${formatInteger(e.hostFlushes)} host flushes asked for`],
    ["Cache LU chunks used", `${formatInteger(e.cacheChunksUsed)} / ${formatInteger(e.cacheChunksTotal)}`, `${formatPercent(e.cacheChunksUsed, e.cacheChunksTotal)} at the end of the run`],
    ["sessions started", formatInteger(e.sessionsStarted), ""],
    ["sessions terminated", formatInteger(e.sessionsTerminated), "by a full Cache LU"],
    ["copy waits", formatInteger(e.copyWaits), "host writes that waited for a copy already in progress"],
    ["host reads", formatInteger(e.hostReads), `and ${formatInteger(e.phantomReads)} Phantom LU reads`],
    ["rollback chunks", formatInteger(e.rollbackChunks), "chunks written back to the Source LU"],
    ["recovery (ms)", formatFixed(e.recoveryNs / 1e6, 3), `a fresh mount after the run: ${bytesToMiB(e.recoveryBytesRead)} MiB read, ${formatInteger(e.recoveryRegionsRebuilt)} regions rebuilt`],
  ];
  return { columns: [text("counter"), number("value"), text("detail")], rows };
}

export function sessionsTimelineTable(results: RunResults): TextTable {
  return {
    columns: [text("action"), number("slot"), number("requested at (ms)"), number("done at (ms)"), number("took (µs)"), number("sequence"), text("error")],
    rows: results.sessions.map((session) => [
      session.action,
      String(session.slot),
      nsToMillis(session.requestedAtNs),
      session.doneAtNs === undefined ? "" : nsToMillis(session.doneAtNs),
      session.doneAtNs === undefined ? "" : nsToMicros(session.doneAtNs - session.requestedAtNs),
      session.sequence === undefined ? "" : String(session.sequence),
      session.error ?? "",
    ]),
  };
}

/** What was run: identity first (scenario, seed, version, hash), then the set-up and the measured window. */
export function manifestRows(results: RunResults, timeSeries: TimeSeries): Array<[string, string]> {
  const { manifest, engine, window } = results;
  return [
    ["scenario", `${manifest.scenario.name} (${manifest.scenario.file})`],
    ["seed", manifest.seed],
    ["cofwsim version", manifest.cofwsimVersion],
    ["scenario content hash (sha256)", manifest.scenario.contentHash],
    ["Source LU", results.devices.source],
    ["Cache LU", results.devices.cache],
    ["engine", `${engine.commitPolicy}, ${formatSizeBytes(engine.chunkSizeBytes)} chunks, ${formatSizeBytes(engine.regionSizeBytes)} regions`],
    ["measurement window", `${nsToMillis(window.startNs)} to ${nsToMillis(window.endNs)} ms (${nsToMillis(window.endNs - window.startNs)} ms of simulated time)`],
    ["simulated end", `${nsToMillis(window.simulatedEndNs)} ms (the Cache LU format took ${nsToMillis(window.formatNs)} ms before time 0)`],
    ["time-series bucket", formatDurationNs(timeSeries.bucketNs)],
  ];
}

/** A run's wall figures, or rows of another job's own (a crash campaign counts states, not host I/Os). */
export type WallSection = WallFigures | { readonly rows: ReadonlyArray<readonly [figure: string, value: string]> };

export function wallTable(wall: WallSection): TextTable {
  if ("rows" in wall) return { columns: [text("figure"), number("value")], rows: wall.rows.map((row) => [...row]) };
  return {
    columns: [text("figure"), number("value")],
    rows: [
      ["wall time (s)", formatFixed(wall.wallSeconds, 3)],
      ["of it, reading the workloads: traces, fio files (s)", formatFixed(wall.workloadReadSeconds, 3)],
      ["kernel events", formatInteger(wall.events)],
      ["events per wall second", formatInteger(wall.eventsPerSecond)],
      ["simulated time per wall time", formatFixed(wall.simulatedToWallRatio, 3)],
      ["host I/Os per wall second", formatInteger(wall.hostIosPerWallSecond)],
      ["peak resident memory (MiB)", bytesToMiB(wall.peakRssBytes)],
    ],
  };
}
