import { statSync } from "node:fs";
import type { TraceSpec } from "../scenarios/model.js";
import { TRACE_DEFAULTS } from "../scenarios/schema/defaults.js";
import { traceSource } from "../scenarios/traces/trace-source.js";
import { doneWithParent, peakRssSoFarBytes, sendToParent } from "./child-process.js";

/** What the trace-file child measured, as sent to the parent. */
export interface TraceFileResult {
  readonly fileBytes: number;
  readonly requests: number;
  readonly readMs: number;
  /** Resident memory just before the file was read, and the process's peak (getrusage) after. */
  readonly rssBeforeBytes: number;
  readonly peakRssBytes: number;
}

/**
 * Child-process entry: `node dist/bench/trace-file-child.js <file.csv>`.
 * Reads an MSR Cambridge trace as a run does before its first I/O
 * (traceSource: the file a piece at a time, parsed into columns, ordered and
 * placed on a 64 TiB Source LU), in a fresh process so that its peak
 * resident memory is this reading's (the parent writes the file).
 */
const path = process.argv[2];
if (path === undefined) {
  console.error("usage: node dist/bench/trace-file-child.js <msr-cambridge.csv>");
  process.exit(2);
}
const spec: TraceSpec = { ...TRACE_DEFAULTS, kind: "trace", name: "bench", format: "msr-cambridge", path, timeUnit: "ns" };
const rssBeforeBytes = process.memoryUsage().rss;
const started = performance.now();
const source = traceSource(spec, { capacityBytes: 64 * 2 ** 40, sectorSizeBytes: 512 });
const readMs = performance.now() - started;
const result: TraceFileResult = {
  fileBytes: statSync(path).size,
  requests: source.lengthIos ?? 0,
  readMs,
  rssBeforeBytes,
  peakRssBytes: peakRssSoFarBytes(),
};
await sendToParent(result);
doneWithParent();
