import * as hdr from "hdr-histogram-js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildLatencyHistogram } from "../../../scenarios/runner/latency-histogram.js";
import { FIO_PERCENTILES } from "../../../scenarios/runner/op-stats.js";
import { CURVE_PERCENTILES } from "../../../scenarios/runner/time-series.js";

/** The JavaScript histogram the runner used before: results files were made with it and must not change. */
function buildJsHistogram(significantDigits: 2 | 3): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: Number.MAX_SAFE_INTEGER, numberOfSignificantValueDigits: significantDigits });
}

/** Everything the runner reads from a histogram. */
function readings(histogram: hdr.Histogram): number[] {
  return [...FIO_PERCENTILES, ...CURVE_PERCENTILES].map((p) => histogram.getValueAtPercentile(p)).concat(histogram.maxValue, histogram.totalCount);
}

/** Latencies as the simulator makes them: integer nanoseconds, mostly near a device latency, some far in the tail. */
const latenciesNs = fc.array(fc.oneof(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })), { minLength: 1, maxLength: 300 });

describe("buildLatencyHistogram (hdr-histogram-js's WebAssembly build)", () => {
  it("builds a WebAssembly histogram", () => {
    const histogram = buildLatencyHistogram(3);
    expect(histogram).toBeInstanceOf(hdr.WasmHistogram);
    histogram.destroy();
  });

  it.each([2, 3] as const)("reads the same percentiles, max and count as the JavaScript histogram (%i digits)", (digits) => {
    fc.assert(
      fc.property(latenciesNs, (values) => {
        const wasm = buildLatencyHistogram(digits);
        const js = buildJsHistogram(digits);
        for (const value of values) {
          wasm.recordValue(value);
          js.recordValue(value);
        }
        try {
          expect(readings(wasm)).toEqual(readings(js));
        } finally {
          wasm.destroy();
        }
      }),
    );
  });

  it("adds histograms as the JavaScript histogram does (time-series buckets merge this way)", () => {
    fc.assert(
      fc.property(latenciesNs, latenciesNs, (first, second) => {
        const [wasmInto, wasmFrom] = [buildLatencyHistogram(2), buildLatencyHistogram(2)];
        const [jsInto, jsFrom] = [buildJsHistogram(2), buildJsHistogram(2)];
        for (const value of first) {
          wasmInto.recordValue(value);
          jsInto.recordValue(value);
        }
        for (const value of second) {
          wasmFrom.recordValue(value);
          jsFrom.recordValue(value);
        }
        wasmInto.add(wasmFrom);
        jsInto.add(jsFrom);
        try {
          expect(readings(wasmInto)).toEqual(readings(jsInto));
        } finally {
          wasmInto.destroy();
          wasmFrom.destroy();
        }
      }),
    );
  });

  it("cannot be read once destroyed", () => {
    const histogram = buildLatencyHistogram(2);
    histogram.recordValue(1000);
    histogram.destroy();
    expect(() => histogram.getValueAtPercentile(50)).toThrow(/destroyed/);
  });
});
