import * as hdr from "hdr-histogram-js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../../../scenarios/runner/latency-histogram.js";
import { FIO_PERCENTILES } from "../../../scenarios/runner/op-stats.js";
import { CURVE_PERCENTILES } from "../../../scenarios/runner/time-series.js";
import { clampedPercentile } from "./hdr-oracle.js";

/** The JavaScript histogram fed value by value, as the runner did before: results files were made with it and must not change. */
function buildJsHistogram(significantDigits: 2 | 3): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: Number.MAX_SAFE_INTEGER, numberOfSignificantValueDigits: significantDigits });
}

const PERCENTILES = [...FIO_PERCENTILES, ...CURVE_PERCENTILES];

/** Max first: each reading must see the values recorded so far, whichever is read first. */
function readings(histogram: LatencyHistogram): number[] {
  return [histogram.maxValueNs, ...PERCENTILES.map((p) => histogram.valueAtPercentile(p))];
}

function jsReadings(histogram: hdr.Histogram): number[] {
  return [histogram.maxValue, ...PERCENTILES.map((p) => clampedPercentile(histogram, p))];
}

/**
 * Latencies as the simulator makes them: integer nanoseconds, mostly near a
 * device latency, some far in the tail, often the same value several times
 * in a row (fixed service times).
 */
const latenciesNs = fc
  .array(fc.tuple(fc.oneof(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 150 })
  .map((runs) => runs.flatMap(([valueNs, times]) => Array.from({ length: times }, () => valueNs)));

/** Records `values` into a new histogram of each kind; `check` reads them, then the WebAssembly one is freed. */
function withBoth(digits: 2 | 3, values: readonly number[], check: (wasm: LatencyHistogram, js: hdr.Histogram) => void): void {
  const wasm = new LatencyHistogram(digits);
  const js = buildJsHistogram(digits);
  try {
    for (const value of values) {
      wasm.record(value);
      js.recordValue(value);
    }
    check(wasm, js);
  } finally {
    wasm.destroy();
  }
}

describe("LatencyHistogram (hdr-histogram-js's WebAssembly build, runs of equal values recorded at once)", () => {
  it.each([2, 3] as const)("reads the same percentiles and max as the JavaScript histogram fed value by value (%i digits)", (digits) => {
    fc.assert(fc.property(latenciesNs, (values) => withBoth(digits, values, (wasm, js) => expect(readings(wasm)).toEqual(jsReadings(js)))));
  });

  it("reads the same between records, with a run of equal values still open", () => {
    fc.assert(
      fc.property(latenciesNs, latenciesNs, (first, second) =>
        withBoth(3, first, (wasm, js) => {
          expect(readings(wasm)).toEqual(jsReadings(js));
          for (const value of second) {
            wasm.record(value);
            js.recordValue(value);
          }
          expect(readings(wasm)).toEqual(jsReadings(js));
        }),
      ),
    );
  });

  it("adds histograms as the JavaScript histogram does (time-series buckets merge this way)", () => {
    fc.assert(
      fc.property(latenciesNs, latenciesNs, (first, second) =>
        withBoth(2, first, (wasmInto, jsInto) =>
          withBoth(2, second, (wasmFrom, jsFrom) => {
            wasmInto.add(wasmFrom);
            jsInto.add(jsFrom);
            expect(readings(wasmInto)).toEqual(jsReadings(jsInto));
            expect(readings(wasmFrom)).toEqual(jsReadings(jsFrom));
          }),
        ),
      ),
    );
  });

  it("is empty until something is recorded", () => {
    const histogram = new LatencyHistogram(2);
    try {
      expect(readings(histogram)).toEqual([0, ...PERCENTILES.map(() => 0)]);
    } finally {
      histogram.destroy();
    }
  });

  it("cannot be read once destroyed", () => {
    const histogram = new LatencyHistogram(2);
    histogram.record(1000);
    histogram.destroy();
    expect(() => histogram.valueAtPercentile(50)).toThrow(/destroyed/);
  });
});
