import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TraceSpec } from "../scenarios/model.js";
import { TRACE_DEFAULTS } from "../scenarios/schema/defaults.js";
import { parseText } from "../scenarios/traces/common.js";
import { DisksimParser } from "../scenarios/traces/disksim.js";
import { traceSourceFromText } from "../scenarios/traces/trace-source.js";
import { runChildForResult } from "./child-process.js";
import type { Figure } from "./figures.js";
import { sampleRate, timeOnce, type SampleOptions } from "./sampling.js";
import type { TraceFileResult } from "./trace-file-child.js";

const SAMPLED_REQUESTS = 100_000;
const WHOLE_REQUESTS = 1_000_000;
const SAMPLING: SampleOptions = { timeMs: 1500, minIterations: 5, warmupIterations: 1, warmupTimeMs: 200 };
/**
 * DiskSim requests parsed per second: the rate at which the parse of the
 * wsrch fixture (24,783 requests, 680 KB) stays under the 200 ms it was once
 * held to by a timed unit test, which the bench now measures instead.
 */
export const TRACE_PARSE_TARGET_PER_SECOND = 124_000;

/** DiskSim lines (time_ns device sector sectors flags), deterministic: one read in three, addresses over 48 GiB. */
export function disksimText(requests: number): string {
  const lines: string[] = [];
  let timeNs = 0;
  for (let i = 0; i < requests; i++) {
    timeNs += 1000 + ((i * 7919) % 5000);
    lines.push(`${timeNs} 0 ${(i * 104729) % 100_000_000} 8 ${i % 3 === 0 ? 1 : 0}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Trace reading: the DiskSim parser alone, sampled with tinybench on 100k
 * requests, and the whole path a run takes before its first I/O (parse,
 * order, fit onto the Source LU, columns) timed once on 1M requests.
 */
export function* traceFigures(): Generator<Figure> {
  const sampledText = disksimText(SAMPLED_REQUESTS);
  const sampled = sampleRate("trace parse", SAMPLED_REQUESTS, () => parseText(new DisksimParser("bench.trace"), sampledText), SAMPLING);
  yield {
    id: "trace.disksimParse.sampled",
    label: "trace: DiskSim requests parsed/s",
    value: sampled.perSecond,
    unit: "/s",
    target: { op: ">=", value: TRACE_PARSE_TARGET_PER_SECOND },
    detail: { how: `tinybench, ${SAMPLED_REQUESTS / 1000}k requests per sample`, ...sampled },
  };
  const wholeText = disksimText(WHOLE_REQUESTS);
  const spec: TraceSpec = { ...TRACE_DEFAULTS, kind: "trace", name: "bench", format: "disksim", path: "bench.trace", timeUnit: "ns" };
  const whole = timeOnce(() => traceSourceFromText(spec, wholeText, { capacityBytes: 64 * 2 ** 30, sectorSizeBytes: 512 }).lengthIos ?? 0);
  yield {
    id: "trace.disksimSource.wholeRun",
    label: "trace: 1M DiskSim requests read and placed, requests/s",
    value: (whole.value / whole.ms) * 1000,
    unit: "/s",
    detail: { how: `one run of ${WHOLE_REQUESTS / 1e6}M requests through traceSourceFromText`, requests: whole.value, wallMs: whole.ms },
  };
}

const TRACE_FILE_TIMEOUT_MS = 300_000;
/** Requests in the generated MSR Cambridge file. */
const TRACE_FILE_LINES = 2_000_000;
const FIRST_FILETIME = 128166372003061629n;

/**
 * An MSR Cambridge trace as IOTTA publishes it (Windows line ends, FILETIME
 * ticks, a host name, a response time), deterministic, written a piece at a
 * time.
 */
function writeMsrTrace(path: string, lines: number): void {
  const fd = openSync(path, "w");
  try {
    let piece = "";
    for (let i = 0; i < lines; i++) {
      const ticks = FIRST_FILETIME + BigInt(i * 2711);
      const offsetBytes = ((i * 104_729) % 16_000_000) * 4096;
      piece += `${ticks},hm,${i % 2},${i % 3 === 0 ? "Read" : "Write"},${offsetBytes},${i % 5 === 0 ? 65536 : 4096},${(i * 7919) % 90_000}\r\n`;
      if (piece.length >= 1 << 20) {
        writeSync(fd, piece);
        piece = "";
      }
    }
    writeSync(fd, piece);
  } finally {
    closeSync(fd);
  }
}

/**
 * A large trace file read as a run reads it, in a child process of its own
 * (see trace-file-child.ts; this process writes the file): its rate, and the
 * resident memory it takes, which no other figure shows (a run holds the
 * whole trace in columns before its first I/O). No target: the issue names
 * none.
 */
export async function traceFileFigures(): Promise<Figure[]> {
  const directory = mkdtempSync(join(tmpdir(), "cofwsim-bench-trace-"));
  let r: TraceFileResult;
  try {
    const path = join(directory, "bench.csv");
    writeMsrTrace(path, TRACE_FILE_LINES);
    r = (await runChildForResult<TraceFileResult>("trace-file-child", [path], TRACE_FILE_TIMEOUT_MS, "trace-file benchmark child")).result;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  if (r.requests !== TRACE_FILE_LINES) throw new Error(`trace-file benchmark: ${r.requests} requests read of the file's ${TRACE_FILE_LINES} lines`);
  const MiB = 2 ** 20;
  const millions = TRACE_FILE_LINES / 1e6;
  const detail = {
    how: `child process; a generated ${millions}M-line MSR Cambridge CSV of ${(r.fileBytes / MiB).toFixed(0)} MiB read through traceSource (read, parsed, ordered, placed) in ${(r.readMs / 1000).toFixed(2)} s; RSS ${(r.rssBeforeBytes / MiB).toFixed(0)} MiB before the read`,
    ...r,
  };
  return [
    { id: "trace.msrFile.wholeRun", label: `trace: ${millions}M-line MSR Cambridge file read and placed, requests/s`, value: (r.requests / r.readMs) * 1000, unit: "/s", detail },
    { id: "trace.msrFile.peakRss", label: `trace: ${millions}M-line MSR Cambridge file, peak RSS`, value: r.peakRssBytes, unit: "bytes", detail },
  ];
}
