import type { TraceSpec } from "../scenarios/model.js";
import { TRACE_DEFAULTS } from "../scenarios/schema/defaults.js";
import { parseText } from "../scenarios/traces/common.js";
import { DisksimParser } from "../scenarios/traces/disksim.js";
import { traceSourceFromText } from "../scenarios/traces/trace-source.js";
import type { Figure } from "./figures.js";
import { sampleRate, timeOnce, type SampleOptions } from "./sampling.js";

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
