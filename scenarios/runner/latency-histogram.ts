import * as hdr from "hdr-histogram-js";

/**
 * The range a histogram is first built for: 2^24 ns (16.8 ms), past most
 * device latencies. It grows (hdr's autoResize, its default) when a larger
 * value comes or a larger histogram is added, and the range changes no
 * bucket's bounds, so readings are those of a histogram built for 2^53 - 1
 * ns. Built for 2^53 - 1 ns from the start, a two-digit histogram's counts
 * took 24 KiB of WebAssembly memory and a three-digit one's 176 KiB, and a
 * run makes one per time-series cell (1,215 on bench/whole-run.yaml): their
 * first touch was 11% of that run's page faults (30.5k -> 27.2k minor
 * faults, docs/performance-log.md).
 */
const INITIAL_HIGHEST_TRACKABLE_NS = 2 ** 24;

/**
 * An HDR histogram of latencies in nanoseconds (1 ns to 2^53 - 1 ns), from
 * hdr-histogram-js's WebAssembly build. The runner records three latencies
 * per host I/O, so recording is made cheap twice over:
 * - The WebAssembly histogram records a value in about 20 ns, where the
 *   JavaScript one takes 130-250 ns (its bucket index goes through
 *   Math.log2 and Math.pow). Both keep the same counts, so percentiles do
 *   not change.
 * - A value equal to the one before is only counted here, and the run is
 *   recorded in one call when another value comes or the histogram is read.
 *   Simulated devices with fixed service times give the same latency again
 *   and again (95% of a 4 KiB random-write run, 64% with 8 sessions copying).
 * test/scenarios/runner/latency-histogram.test.ts holds readings to be those
 * of the JavaScript histogram fed value by value.
 *
 * A WebAssembly histogram lives in the module's own memory, which the
 * garbage collector does not see: whoever builds one must `destroy()` it.
 * The module is compiled on first use (about 30 ms), so commands that never
 * run a scenario do not pay for it.
 */
export class LatencyHistogram {
  private readonly histogram: hdr.Histogram;
  /** The run of equal values not yet in `histogram`. */
  private runValueNs = 0;
  private runCount = 0;

  constructor(significantDigits: 2 | 3) {
    hdr.initWebAssemblySync();
    this.histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: INITIAL_HIGHEST_TRACKABLE_NS, autoResize: true, numberOfSignificantValueDigits: significantDigits, useWebAssembly: true });
  }

  record(valueNs: number): void {
    if (valueNs === this.runValueNs) {
      this.runCount++;
      return;
    }
    this.flush();
    this.runValueNs = valueNs;
    this.runCount = 1;
  }

  /**
   * The value at `percentile`, within the smallest and largest values
   * recorded: HDR answers with the top of the value's bucket, which can lie
   * past the largest value (a CSV row's p99 above its max). 0 when empty.
   */
  valueAtPercentile(percentile: number): number {
    this.flush();
    const histogram = this.histogram;
    if (histogram.totalCount === 0) return 0;
    return Math.max(histogram.minNonZeroValue, Math.min(histogram.maxValue, histogram.getValueAtPercentile(percentile)));
  }

  /** The largest value recorded, to the histogram's precision (0 when empty). */
  get maxValueNs(): number {
    this.flush();
    return this.histogram.maxValue;
  }

  /** Adds `other`'s values to this histogram. */
  add(other: LatencyHistogram): void {
    this.flush();
    other.flush();
    this.histogram.add(other.histogram);
  }

  /** Frees the WebAssembly memory; the histogram cannot be used afterwards. */
  destroy(): void {
    this.runCount = 0;
    this.histogram.destroy();
  }

  private flush(): void {
    if (this.runCount === 0) return;
    this.histogram.recordValueWithCount(this.runValueNs, this.runCount);
    this.runCount = 0;
  }
}
