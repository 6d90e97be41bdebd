import * as hdr from "hdr-histogram-js";

export type LatencyHistogram = hdr.Histogram;

/**
 * An HDR histogram of latencies in nanoseconds (1 ns to 2^53 - 1 ns) from
 * hdr-histogram-js's WebAssembly build. The runner records three latencies
 * per host I/O; the WebAssembly histogram records one in about 20 ns, where
 * the JavaScript one takes 130-250 ns (its bucket index goes through
 * Math.log2 and Math.pow). Both keep the same counts, so percentiles do not
 * change (test/scenarios/runner/latency-histogram.test.ts holds them to it).
 *
 * A WebAssembly histogram lives in the module's own memory, which the
 * garbage collector does not see: whoever builds one must `destroy()` it.
 * The module is compiled on first use (about 30 ms), so commands that never
 * run a scenario do not pay for it.
 */
export function buildLatencyHistogram(significantDigits: 2 | 3): LatencyHistogram {
  hdr.initWebAssemblySync();
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: Number.MAX_SAFE_INTEGER, numberOfSignificantValueDigits: significantDigits, useWebAssembly: true });
}
