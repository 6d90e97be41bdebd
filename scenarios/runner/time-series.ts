import type { EngineCounters } from "../../engine/index.js";
import { LatencyHistogram } from "./latency-histogram.js";
import { MAX_FIXED_BUCKETS } from "../limits.js";
import { BadValueError } from "../../io/bad-value-error.js";

/**
 * Samples a run in simulated-time buckets. With no bucket size given, buckets
 * start at 1 ms and double (merging neighbours) whenever there would be more
 * than MAX_BUCKETS, so any run length gives a readable series of bounded
 * size. Rows are tidy (one observation per row) and carry units in their
 * names, ready for CSV and vega-lite.
 */
export const MAX_BUCKETS = 400;
const INITIAL_BUCKET_NS = 1_000_000;

export interface HostSeriesRow {
  readonly timeNs: number;
  readonly job: string;
  readonly op: "read" | "write";
  readonly ios: number;
  readonly iops: number;
  readonly bandwidthBytesPerSec: number;
  readonly latencyP50Ns: number;
  readonly latencyP99Ns: number;
  readonly latencyMaxNs: number;
}

export interface EngineSeriesRow {
  readonly timeNs: number;
  readonly cofwCopies: number;
  readonly copiesPerSec: number;
  readonly metadataWrites: number;
  readonly flushes: number;
  readonly hostBytesWritten: number;
  readonly bytesCopied: number;
  readonly metadataBytesWritten: number;
  readonly cacheChunksUsed: number;
  readonly liveSessions: number;
}

/** Latency at a percentile, per job and op, before and after the first session started. */
export interface LatencyCurveRow {
  readonly job: string;
  readonly op: "read" | "write";
  readonly phase: "before-first-session" | "with-sessions";
  readonly percentile: number;
  readonly latencyNs: number;
}

export interface TimeSeries {
  readonly bucketNs: number;
  readonly host: readonly HostSeriesRow[];
  readonly engine: readonly EngineSeriesRow[];
  readonly latencyCurves: readonly LatencyCurveRow[];
}

/** Percentiles of the latency curves: dense in the tail, where COFW shows. */
export const CURVE_PERCENTILES: readonly number[] = [1, 5, 10, 25, 50, 75, 90, 95, 98, 99, 99.5, 99.9, 99.95, 99.99, 100];

const newHistogram = (): LatencyHistogram => new LatencyHistogram(2);

interface HostCell {
  ios: number;
  bytes: number;
  histogram: LatencyHistogram;
}

/**
 * One job's direction, made once per job so that recording an I/O builds no
 * strings and, most of the time, looks nothing up: it remembers the cell it
 * recorded into last and its two latency curves.
 */
export class SeriesKey {
  readonly before: string;
  readonly after: string;
  /** The recorder's cache: the host cell of bucket `cellIndex`, valid while the recorder's layout is `cellLayout`. */
  cell: HostCell | undefined;
  cellIndex = -1;
  cellLayout = -1;
  beforeCurve: LatencyHistogram | undefined;
  afterCurve: LatencyHistogram | undefined;

  constructor(readonly key: string) {
    this.before = `${key}\u0000before-first-session`;
    this.after = `${key}\u0000with-sessions`;
  }
}

interface EngineCell {
  cofwCopies: number;
  metadataWrites: number;
  flushes: number;
  hostBytesWritten: number;
  bytesCopied: number;
  metadataBytesWritten: number;
  /** Gauges: the value at the end of the bucket. */
  cacheChunksUsed: number;
  liveSessions: number;
}

/** Its histograms live in WebAssembly memory: `destroy()` it when done. */
export class TimeSeriesRecorder {
  private bucketNs: number;
  private readonly fixed: boolean;
  /** Per bucket index: per "job\u0000op" key. */
  private host: Array<Map<string, HostCell>> = [];
  private engine: EngineCell[] = [];
  private readonly curves = new Map<string, LatencyHistogram>();
  /** Changes whenever buckets are merged, which invalidates every SeriesKey's cached cell. */
  private layout = 0;
  private last: { cofwCopies: number; metadataWrites: number; flushes: number; hostBytesWritten: number; bytesCopied: number; metadataBytesWritten: number } = {
    cofwCopies: 0,
    metadataWrites: 0,
    flushes: 0,
    hostBytesWritten: 0,
    bytesCopied: 0,
    metadataBytesWritten: 0,
  };

  constructor(bucketNs: number | undefined) {
    this.fixed = bucketNs !== undefined;
    this.bucketNs = bucketNs ?? INITIAL_BUCKET_NS;
  }

  /** The sampling period the runner should use for engine samples: the smallest bucket. */
  get samplePeriodNs(): number {
    return this.fixed ? this.bucketNs : INITIAL_BUCKET_NS;
  }

  /** The keys of one job's direction, made once per job so the per-I/O path builds no strings. */
  seriesKey(job: string, op: "read" | "write"): SeriesKey {
    return new SeriesKey(`${job}\u0000${op}`);
  }

  recordIo(timeNs: number, series: SeriesKey, bytes: number, latencyNs: number, sessionsStarted: boolean): void {
    const cached = series.cell;
    const cell = cached !== undefined && series.cellIndex === this.indexOf(timeNs) && series.cellLayout === this.layout ? cached : this.hostCell(timeNs, series);
    const valueNs = Math.max(1, latencyNs);
    cell.ios++;
    cell.bytes += bytes;
    cell.histogram.record(valueNs);
    const curve = sessionsStarted ? (series.afterCurve ??= this.curve(series.after)) : (series.beforeCurve ??= this.curve(series.before));
    curve.record(valueNs);
  }

  /** Engine counters at the end of the bucket that contains `timeNs`. */
  sampleEngine(timeNs: number, counters: EngineCounters, liveSessions: number): void {
    const index = this.indexOf(timeNs);
    this.checkFixedBuckets(index);
    while (this.engine.length <= index) this.engine.push({ cofwCopies: 0, metadataWrites: 0, flushes: 0, hostBytesWritten: 0, bytesCopied: 0, metadataBytesWritten: 0, cacheChunksUsed: 0, liveSessions: 0 });
    const cell = this.engine[index]!;
    cell.cofwCopies += counters.cofwCopies - this.last.cofwCopies;
    cell.metadataWrites += counters.metadataWrites - this.last.metadataWrites;
    cell.flushes += counters.flushes - this.last.flushes;
    cell.hostBytesWritten += counters.hostBytesWritten - this.last.hostBytesWritten;
    cell.bytesCopied += counters.bytesCopied - this.last.bytesCopied;
    cell.metadataBytesWritten += counters.metadataBytesWritten - this.last.metadataBytesWritten;
    cell.cacheChunksUsed = counters.chunksInUse;
    cell.liveSessions = liveSessions;
    this.last = {
      cofwCopies: counters.cofwCopies,
      metadataWrites: counters.metadataWrites,
      flushes: counters.flushes,
      hostBytesWritten: counters.hostBytesWritten,
      bytesCopied: counters.bytesCopied,
      metadataBytesWritten: counters.metadataBytesWritten,
    };
    this.coarsenIfNeeded();
  }

  /**
   * The engine samples a sampler taking one every `periodNs` from `fromNs` to
   * `toNs` would have taken while nothing happened (counters and sessions as
   * in the last sample): one per bucket they fall in, since the others would
   * add nothing to a bucket already sampled. The same buckets and values as
   * taking each of them, for a run that idles for hours of simulated time.
   */
  sampleEngineIdle(fromNs: number, toNs: number, periodNs: number, counters: EngineCounters, liveSessions: number): void {
    for (let timeNs = fromNs; timeNs <= toNs; ) {
      this.sampleEngine(timeNs, counters, liveSessions);
      // On to the next bucket (sampling may have coarsened them). Only a sample's bucket matters, not its exact
      // time, and `toNs` is a sample time, so the next bucket has a sample in range exactly when it starts by `toNs`.
      timeNs = Math.max(timeNs + periodNs, (this.indexOf(timeNs) + 1) * this.bucketNs);
    }
  }

  /**
   * The series, rates per second of the time each bucket covers: the whole
   * bucket, but for the one the run ends in (`endNs`, since the Cache LU was
   * ready), which covers only up to the end. Divided by the whole bucket, the
   * last one drew a collapse of throughput that never happened.
   */
  finish(endNs: number): TimeSeries {
    const secondsOf = (index: number): number => {
      const coveredNs = Math.min(this.bucketNs, endNs - index * this.bucketNs);
      return (coveredNs > 0 ? coveredNs : this.bucketNs) / 1e9;
    };
    const host: HostSeriesRow[] = [];
    this.host.forEach((cells, index) => {
      const seconds = secondsOf(index);
      for (const key of [...cells.keys()].sort()) {
        const cell = cells.get(key)!;
        const [job, op] = key.split("\u0000") as [string, "read" | "write"];
        host.push({
          timeNs: index * this.bucketNs,
          job,
          op,
          ios: cell.ios,
          iops: round3(cell.ios / seconds),
          bandwidthBytesPerSec: Math.round(cell.bytes / seconds),
          latencyP50Ns: cell.histogram.valueAtPercentile(50),
          latencyP99Ns: cell.histogram.valueAtPercentile(99),
          latencyMaxNs: cell.histogram.maxValueNs,
        });
      }
    });
    const engine: EngineSeriesRow[] = this.engine.map((cell, index) => ({
      timeNs: index * this.bucketNs,
      cofwCopies: cell.cofwCopies,
      copiesPerSec: round3(cell.cofwCopies / secondsOf(index)),
      metadataWrites: cell.metadataWrites,
      flushes: cell.flushes,
      hostBytesWritten: cell.hostBytesWritten,
      bytesCopied: cell.bytesCopied,
      metadataBytesWritten: cell.metadataBytesWritten,
      cacheChunksUsed: cell.cacheChunksUsed,
      liveSessions: cell.liveSessions,
    }));
    const latencyCurves: LatencyCurveRow[] = [];
    for (const key of [...this.curves.keys()].sort()) {
      const [job, op, phase] = key.split("\u0000") as [string, "read" | "write", LatencyCurveRow["phase"]];
      const histogram = this.curves.get(key)!;
      for (const percentile of CURVE_PERCENTILES) latencyCurves.push({ job, op, phase, percentile, latencyNs: histogram.valueAtPercentile(percentile) });
    }
    return { bucketNs: this.bucketNs, host, engine, latencyCurves };
  }

  /** Frees the histograms; nothing can be recorded or finished afterwards. */
  destroy(): void {
    for (const cells of this.host) for (const cell of cells.values()) cell.histogram.destroy();
    for (const curve of this.curves.values()) curve.destroy();
  }

  private indexOf(timeNs: number): number {
    return Math.floor(Math.max(0, timeNs) / this.bucketNs);
  }

  /** The cell of `series` in the bucket of `timeNs`, made if need be, and remembered in `series`. */
  private hostCell(timeNs: number, series: SeriesKey): HostCell {
    const cells = this.hostBucket(timeNs);
    let cell = cells.get(series.key);
    if (cell === undefined) {
      cell = { ios: 0, bytes: 0, histogram: newHistogram() };
      cells.set(series.key, cell);
    }
    series.cell = cell;
    series.cellIndex = this.indexOf(timeNs);
    series.cellLayout = this.layout;
    return cell;
  }

  private curve(curveKey: string): LatencyHistogram {
    let curve = this.curves.get(curveKey);
    if (curve === undefined) {
      curve = newHistogram();
      this.curves.set(curveKey, curve);
    }
    return curve;
  }

  private hostBucket(timeNs: number): Map<string, HostCell> {
    const index = this.indexOf(timeNs);
    this.checkFixedBuckets(index);
    while (this.host.length <= index) this.host.push(new Map());
    const cells = this.host[index]!;
    this.coarsenIfNeeded();
    return this.host[this.indexOf(timeNs)] ?? cells;
  }

  /**
   * A given bucket size may not make more than twice MAX_FIXED_BUCKETS
   * buckets: bad input (BadValueError), told as soon as the run passes them.
   * Twice: `validate` holds stop.runtime to MAX_FIXED_BUCKETS, and a run goes
   * on past its runtime while the I/Os in flight drain and later session
   * operations come.
   */
  private checkFixedBuckets(index: number): void {
    const limit = 2 * MAX_FIXED_BUCKETS;
    if (!this.fixed || index < limit) return;
    throw new BadValueError(
      `report.bucket of ${this.bucketNs} ns makes more than ${limit.toLocaleString("en-US")} buckets: the run passed ${(index * this.bucketNs).toLocaleString("en-US")} ns of simulated time; give a larger report.bucket, or none (1 ms, doubled as needed to keep at most ${MAX_BUCKETS})`,
    );
  }

  /** Doubles the bucket size, merging pairs, while there are too many buckets (never with a fixed size). */
  private coarsenIfNeeded(): void {
    if (this.fixed) return;
    while (Math.max(this.host.length, this.engine.length) > MAX_BUCKETS) {
      this.bucketNs *= 2;
      this.layout++;
      const host: Array<Map<string, HostCell>> = [];
      for (let i = 0; i < this.host.length; i += 2) {
        const merged = this.host[i]!;
        for (const [key, cell] of this.host[i + 1] ?? new Map<string, HostCell>()) {
          const into = merged.get(key);
          if (into === undefined) merged.set(key, cell);
          else {
            into.ios += cell.ios;
            into.bytes += cell.bytes;
            into.histogram.add(cell.histogram);
            cell.histogram.destroy();
          }
        }
        host.push(merged);
      }
      this.host = host;
      const engine: EngineCell[] = [];
      for (let i = 0; i < this.engine.length; i += 2) {
        const a = this.engine[i]!;
        const b = this.engine[i + 1];
        engine.push(
          b === undefined
            ? a
            : {
                cofwCopies: a.cofwCopies + b.cofwCopies,
                metadataWrites: a.metadataWrites + b.metadataWrites,
                flushes: a.flushes + b.flushes,
                hostBytesWritten: a.hostBytesWritten + b.hostBytesWritten,
                bytesCopied: a.bytesCopied + b.bytesCopied,
                metadataBytesWritten: a.metadataBytesWritten + b.metadataBytesWritten,
                cacheChunksUsed: b.cacheChunksUsed,
                liveSessions: b.liveSessions,
              },
        );
      }
      this.engine = engine;
    }
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
