import { LatencyHistogram } from "./latency-histogram.js";
import { withDoubleFields } from "../../io/double-fields.js";
import { grown } from "../../io/grown.js";

/** fio's default completion-latency percentiles, keyed as fio's JSON keys them. */
export const FIO_PERCENTILES: readonly number[] = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];

export interface LatencyStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
  readonly N: number;
  /** Absent when N is 0, as fio leaves it out of a direction with no I/O (stat.c: `percentiles && samples`). */
  readonly percentile?: Record<string, number>;
}

/** One direction (read or write) of one job, shaped like fio's JSON `jobs[].read`. */
export interface FioDirection {
  readonly io_bytes: number;
  readonly bw_bytes: number;
  readonly iops: number;
  readonly total_ios: number;
  /** The measurement window in ms (to the µs; 0 for a direction with no I/O in it). */
  readonly runtime: number;
  readonly clat_ns: LatencyStats;
  readonly lat_ns: LatencyStats;
}

/**
 * Statistics of one direction of one job. Exact min, max, mean and standard
 * deviation (Welford); percentiles from an HDR histogram (3 significant
 * digits, as fio's own histogram is approximate too). The I/Os that complete
 * in the measurement window count, for bytes, IOPS and latencies alike (so
 * N is total_ios): the window starts when the warm-up ends (an I/O issued
 * before and completed after counts, as fio's ramp_time has it) and ends at
 * the last issue. A completion after the latest issue so far is held apart
 * until another issue brings the window past it; those left at the end are
 * the drain after the last arrival, which is not measured.
 * The histogram lives in WebAssembly memory: `destroy()` when done.
 */
export class OpStats {
  private readonly histogram = new LatencyHistogram(3);
  private count = 0;
  private meanNs = 0;
  private m2 = 0;
  private minNs = Number.POSITIVE_INFINITY;
  private maxNs = 0;
  private completedBytes = 0;
  private completedIos = 0;
  /** Completions after the latest issue (their bytes and latencies), and the run's issue count when they came. */
  private lateBytes = 0;
  /**
   * The late completions' latencies, the first `lateCount` of them: kept in a typed array that only grows, where an
   * array emptied by `length = 0` gave its storage back and was allocated again by the next completion (every closed-loop
   * completion is late until the next issue: 47 MB of a whole run's allocation).
   */
  private lateLatenciesNs = new Float64Array(16);
  private lateCount = 0;
  private lateAtIssues = -1;

  constructor() {
    // Bytes, and latency sums, past 2^30 (see withDoubleFields).
    withDoubleFields(this, ["meanNs", "m2", "maxNs", "completedBytes", "lateBytes"]);
  }

  private recordLatency(latencyNs: number): void {
    this.count++;
    const delta = latencyNs - this.meanNs;
    this.meanNs += delta / this.count;
    this.m2 += delta * (latencyNs - this.meanNs);
    if (latencyNs < this.minNs) this.minNs = latencyNs;
    if (latencyNs > this.maxNs) this.maxNs = latencyNs;
    this.histogram.record(Math.max(1, latencyNs));
  }

  /** A completion in the window: at or before the latest issue. `issues`: the run's issues so far. */
  recordCompletion(bytes: number, latencyNs: number, issues: number): void {
    this.settle(issues);
    this.completedIos++;
    this.completedBytes += bytes;
    this.recordLatency(latencyNs);
  }

  /** A completion after the latest issue so far: in the window only if an I/O is issued after it. */
  recordLateCompletion(bytes: number, latencyNs: number, issues: number): void {
    this.settle(issues);
    this.lateBytes += bytes;
    if (this.lateCount === this.lateLatenciesNs.length) this.lateLatenciesNs = grown(this.lateLatenciesNs, new Float64Array(2 * this.lateCount));
    this.lateLatenciesNs[this.lateCount++] = latencyNs;
    this.lateAtIssues = issues;
  }

  /** Counts the late completions an issue since has brought into the window. */
  private settle(issues: number): void {
    const count = this.lateCount;
    if (count === 0 || this.lateAtIssues === issues) return;
    this.completedIos += count;
    this.completedBytes += this.lateBytes;
    for (let i = 0; i < count; i++) this.recordLatency(this.lateLatenciesNs[i]!);
    this.lateCount = 0;
    this.lateBytes = 0;
  }

  /** Frees the histogram; the statistics cannot be read afterwards. */
  destroy(): void {
    this.histogram.destroy();
  }

  /** The results over a window of `windowNs`, once the run issued `issues` I/Os in all: late completions left are the drain's. */
  toFio(windowNs: number, issues: number): FioDirection {
    this.settle(issues);
    const seconds = windowNs / 1e9;
    const latency = this.latency();
    return {
      io_bytes: this.completedBytes,
      bw_bytes: seconds > 0 ? Math.round(this.completedBytes / seconds) : 0,
      iops: seconds > 0 ? round3(this.completedIos / seconds) : 0,
      total_ios: this.completedIos,
      // fio's runtime is whole ms and 0 for a direction with no I/O; here to the microsecond, so that iops and bw_bytes
      // are total_ios and io_bytes over it even for a short window.
      // Whole microseconds first: round3 of the ms value rounded 8,092,500 ns (8092.5 us) down, to 8.092, as
      // 8.0925 * 1000 is 8092.499999999999 in binary floating point.
      runtime: this.completedIos === 0 ? 0 : Math.round(windowNs / 1e3) / 1e3,
      // The simulated host submits with no delay, so fio's slat is 0 and lat equals clat.
      clat_ns: latency,
      lat_ns: latency,
    };
  }

  private latency(): LatencyStats {
    const figures = {
      min: this.count === 0 ? 0 : this.minNs,
      max: this.maxNs,
      mean: round3(this.meanNs),
      stddev: this.count < 2 ? 0 : round3(Math.sqrt(this.m2 / (this.count - 1))),
      N: this.count,
    };
    if (this.count === 0) return figures;
    const percentile: Record<string, number> = {};
    // The histogram rounds to 3 significant digits; an exact min and max are known, so no percentile may pass them.
    for (const p of FIO_PERCENTILES) percentile[p.toFixed(6)] = Math.min(this.maxNs, Math.max(this.minNs, this.histogram.valueAtPercentile(p)));
    return { ...figures, percentile };
  }
}

/** Rounded so that results files do not carry float noise in their last digits. */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
