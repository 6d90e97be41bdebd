import * as hdr from "hdr-histogram-js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { zeroCounters } from "../../../engine/counters.js";
import { CURVE_PERCENTILES, MAX_BUCKETS, TimeSeriesRecorder } from "../../../scenarios/runner/time-series.js";
import { clampedPercentile } from "./hdr-oracle.js";

interface Io {
  readonly timeNs: number;
  readonly job: "a" | "b";
  readonly op: "read" | "write";
  readonly bytes: number;
  readonly latencyNs: number;
  readonly sessionsStarted: boolean;
}

const ios: fc.Arbitrary<Io[]> = fc.array(
  fc.record({
    timeNs: fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 3_000_000_000 })),
    job: fc.constantFrom("a" as const, "b" as const),
    op: fc.constantFrom("read" as const, "write" as const),
    bytes: fc.integer({ min: 512, max: 1 << 20 }),
    latencyNs: fc.integer({ min: 0, max: 50_000_000 }),
    sessionsStarted: fc.boolean(),
  }),
  { maxLength: 200 },
);

const jsHistogram = (): hdr.Histogram => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: Number.MAX_SAFE_INTEGER, numberOfSignificantValueDigits: 2 });

describe("TimeSeriesRecorder", () => {
  it("gives each bucket and curve what a plain aggregation of the I/Os gives, however buckets were merged on the way", () => {
    fc.assert(
      fc.property(ios, fc.boolean(), fc.nat({ max: 5_000_000 }), (recorded, sorted, endPastLastNs) => {
        const order = sorted ? [...recorded].sort((x, y) => x.timeNs - y.timeNs) : recorded;
        const recorder = new TimeSeriesRecorder(undefined);
        const keys = { a: { read: recorder.seriesKey("a", "read"), write: recorder.seriesKey("a", "write") }, b: { read: recorder.seriesKey("a", "read"), write: recorder.seriesKey("b", "write") } };
        try {
          for (const io of order) recorder.recordIo(io.timeNs, keys[io.job][io.op], io.bytes, io.latencyNs, io.sessionsStarted);
          // The run ends some time after its last I/O: the last bucket's rates are over the part of it the run covered.
          const endNs = Math.max(0, ...recorded.map((io) => io.timeNs)) + 1 + endPastLastNs;
          const series = recorder.finish(endNs);
          if (recorded.length > 0) expect(Math.max(...recorded.map((io) => Math.floor(io.timeNs / series.bucketNs)))).toBeLessThan(MAX_BUCKETS);

          // The model: group by final bucket, job (b's reads were recorded under a's key) and op.
          const model = new Map<string, { timeNs: number; job: string; op: string; ios: number; bytes: number; histogram: hdr.Histogram }>();
          const curves = new Map<string, hdr.Histogram>();
          for (const io of recorded) {
            const job = io.job === "b" && io.op === "read" ? "a" : io.job;
            const timeNs = Math.floor(io.timeNs / series.bucketNs) * series.bucketNs;
            const key = `${timeNs}/${job}/${io.op}`;
            const cell = model.get(key) ?? { timeNs, job, op: io.op, ios: 0, bytes: 0, histogram: jsHistogram() };
            model.set(key, cell);
            cell.ios++;
            cell.bytes += io.bytes;
            cell.histogram.recordValue(Math.max(1, io.latencyNs));
            const curveKey = `${job}/${io.op}/${io.sessionsStarted ? "with-sessions" : "before-first-session"}`;
            const curve = curves.get(curveKey) ?? jsHistogram();
            curves.set(curveKey, curve);
            curve.recordValue(Math.max(1, io.latencyNs));
          }
          const secondsOf = (timeNs: number) => Math.min(series.bucketNs, endNs - timeNs) / 1e9;
          const expectedHost = [...model.values()]
            .sort((x, y) => x.timeNs - y.timeNs || (x.job < y.job ? -1 : x.job > y.job ? 1 : x.op < y.op ? -1 : 1))
            .map((cell) => ({
              timeNs: cell.timeNs,
              job: cell.job,
              op: cell.op,
              ios: cell.ios,
              iops: Math.round((cell.ios / secondsOf(cell.timeNs)) * 1000) / 1000,
              bandwidthBytesPerSec: Math.round(cell.bytes / secondsOf(cell.timeNs)),
              latencyP50Ns: clampedPercentile(cell.histogram, 50),
              latencyP99Ns: clampedPercentile(cell.histogram, 99),
              latencyMaxNs: cell.histogram.maxValue,
            }));
          expect(series.host).toEqual(expectedHost);
          const expectedCurves = [...curves.keys()].sort().flatMap((key) => {
            const [job, op, phase] = key.split("/");
            return CURVE_PERCENTILES.map((percentile) => ({ job, op, phase, percentile, latencyNs: clampedPercentile(curves.get(key)!, percentile) }));
          });
          expect(series.latencyCurves).toEqual(expectedCurves);
        } finally {
          recorder.destroy();
        }
      }),
    );
  });

  it("takes an idle stretch's engine samples at once with what one sample per period gives, fixed or growing buckets", () => {
    // A run: busy samples (counters moved) and idle stretches (a number of sampling periods with nothing changed).
    const stretch = fc.oneof(fc.record({ idle: fc.constant(false), copies: fc.integer({ min: 0, max: 5 }), live: fc.integer({ min: 0, max: 8 }) }), fc.record({ idle: fc.constant(true), periods: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 20_000 })) }));
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }), fc.integer({ min: 0, max: 999 }), fc.array(stretch, { maxLength: 8 }), (fixedMs, offsetUs, stretches) => {
        const bucketNs = fixedMs === undefined ? undefined : fixedMs * 1_000_000;
        const each = new TimeSeriesRecorder(bucketNs);
        const batched = new TimeSeriesRecorder(bucketNs);
        const periodNs = each.samplePeriodNs;
        const counters = zeroCounters();
        let live = 0;
        // The sampler's grid need not start at a bucket boundary.
        let timeNs = offsetUs * 1000;
        try {
          for (const part of stretches) {
            if (!part.idle) {
              counters.cofwCopies += part.copies;
              counters.chunksInUse += part.copies;
              live = part.live;
              timeNs += periodNs;
              each.sampleEngine(timeNs, counters, live);
              batched.sampleEngine(timeNs, counters, live);
              continue;
            }
            // A given bucket size may make at most MAX_FIXED_BUCKETS buckets (8 stretches of up to 1,199 stay under 10,000).
            const periods = bucketNs === undefined ? part.periods : part.periods % 1_200;
            for (let i = 1; i <= periods; i++) each.sampleEngine(timeNs + i * periodNs, counters, live);
            if (periods > 0) batched.sampleEngineIdle(timeNs + periodNs, timeNs + periods * periodNs, periodNs, counters, live);
            timeNs += periods * periodNs;
          }
          expect(batched.finish(timeNs)).toEqual(each.finish(timeNs));
        } finally {
          each.destroy();
          batched.destroy();
        }
      }),
      { numRuns: 40 },
    );
  });

  it("gives the bucket the run ends in the rates of the part it covers, not of the whole bucket", () => {
    const recorder = new TimeSeriesRecorder(8_000_000);
    const key = recorder.seriesKey("job", "write");
    try {
      // 8 I/Os in each full millisecond of the first bucket, then 8 in the 1 ms the run lasts into the second.
      for (let timeNs = 0; timeNs < 9_000_000; timeNs += 125_000) recorder.recordIo(timeNs, key, 4096, 1000, true);
      recorder.sampleEngine(7_999_999, { ...zeroCounters(), cofwCopies: 16 }, 1);
      recorder.sampleEngine(8_999_999, { ...zeroCounters(), cofwCopies: 18 }, 1);
      const series = recorder.finish(9_000_000);
      expect(series.host.map((row) => [row.timeNs, row.ios, row.iops, row.bandwidthBytesPerSec])).toEqual([
        [0, 64, 8000, 8000 * 4096],
        [8_000_000, 8, 8000, 8000 * 4096],
      ]);
      expect(series.engine.map((row) => [row.timeNs, row.cofwCopies, row.copiesPerSec])).toEqual([
        [0, 16, 2000],
        [8_000_000, 2, 2000],
      ]);
    } finally {
      recorder.destroy();
    }
  });

  it("records into the right bucket after engine samples made buckets merge", () => {
    const recorder = new TimeSeriesRecorder(undefined);
    const key = recorder.seriesKey("job", "write");
    try {
      recorder.recordIo(5_500_000, key, 4096, 1000, false);
      // Engine samples up to 401 ms: 402 buckets of 1 ms are too many, so buckets become 2 ms.
      for (let timeNs = 1_000_000; timeNs <= 401_000_000; timeNs += 1_000_000) recorder.sampleEngine(timeNs, zeroCounters(), 0);
      // Bucket 5 again, but of 2 ms buckets now: 10-12 ms, not the bucket the first I/O went to.
      recorder.recordIo(10_500_000, key, 4096, 3000, false);
      const series = recorder.finish(401_000_000);
      expect(series.bucketNs).toBe(2_000_000);
      expect(series.host).toEqual([expect.objectContaining({ timeNs: 4_000_000, ios: 1, latencyMaxNs: 1000 }), expect.objectContaining({ timeNs: 10_000_000, ios: 1, latencyMaxNs: 3000 })]);
    } finally {
      recorder.destroy();
    }
  });

  it("gives each bucket's p50 and p99 from the bucket's own I/Os, many to a bucket", () => {
    const recorder = new TimeSeriesRecorder(1_000_000);
    const key = recorder.seriesKey("job", "write");
    try {
      // 1,000 I/Os in one bucket, latencies 1 to 200 ns five times over (exact in a 2-digit HDR histogram): the 500th is
      // 100 ns, the 990th 198 ns (the 999th, p99.9, would be 200).
      for (let i = 0; i < 1000; i++) recorder.recordIo(1000 + i, key, 4096, (i % 200) + 1, true);
      const [row] = recorder.finish(1_000_000).host;
      expect(row).toMatchObject({ ios: 1000, latencyP50Ns: 100, latencyP99Ns: 198, latencyMaxNs: 200 });
    } finally {
      recorder.destroy();
    }
  });

  it("gives each engine bucket the counters' changes in it and the gauges of its last sample, however buckets were merged", () => {
    const sample = fc.record({ copies: fc.integer({ min: 0, max: 3 }), metadataWrites: fc.integer({ min: 0, max: 3 }), flushes: fc.integer({ min: 0, max: 1 }), chunksInUse: fc.integer({ min: 0, max: 50 }), live: fc.integer({ min: 0, max: 8 }) });
    fc.assert(
      // Up to three times MAX_BUCKETS samples, so buckets merge twice: a short pattern repeated, which shrinks to a readable one.
      fc.property(fc.array(sample, { minLength: 1, maxLength: 17 }), fc.integer({ min: 1, max: 3 * MAX_BUCKETS }), fc.integer({ min: 0, max: 999_999 }), (pattern, count, offsetNs) => {
        const samples = Array.from({ length: count }, (_, k) => pattern[k % pattern.length]!);
        const recorder = new TimeSeriesRecorder(undefined);
        const periodNs = recorder.samplePeriodNs;
        const counters = zeroCounters();
        try {
          // As the runner samples: once a period, so every smallest bucket has a sample; chunks in use go up and down.
          const taken = samples.map((s, k) => {
            counters.cofwCopies += s.copies;
            counters.bytesCopied += 65536 * s.copies;
            counters.metadataWrites += s.metadataWrites;
            counters.metadataBytesWritten += 512 * s.metadataWrites;
            counters.flushes += s.flushes;
            counters.chunksInUse = s.chunksInUse;
            const timeNs = offsetNs + k * periodNs;
            recorder.sampleEngine(timeNs, counters, s.live);
            return { timeNs, ...s };
          });
          const endNs = taken[taken.length - 1]!.timeNs + 1;
          const series = recorder.finish(endNs);
          const bucketNs = series.bucketNs;
          const buckets = new Map<number, (typeof taken)[number][]>();
          for (const t of taken) {
            const index = Math.floor(t.timeNs / bucketNs);
            const rows = buckets.get(index) ?? [];
            rows.push(t);
            buckets.set(index, rows);
          }
          const sum = (rows: (typeof taken)[number][], pick: (row: (typeof taken)[number]) => number) => rows.reduce((total, row) => total + pick(row), 0);
          const expected = [...buckets.entries()].map(([index, rows]) => {
            const copies = sum(rows, (r) => r.copies);
            const seconds = Math.min(bucketNs, endNs - index * bucketNs) / 1e9;
            return {
              timeNs: index * bucketNs,
              cofwCopies: copies,
              copiesPerSec: Math.round((copies / seconds) * 1000) / 1000,
              metadataWrites: sum(rows, (r) => r.metadataWrites),
              flushes: sum(rows, (r) => r.flushes),
              hostBytesWritten: 0,
              bytesCopied: 65536 * copies,
              metadataBytesWritten: 512 * sum(rows, (r) => r.metadataWrites),
              cacheChunksUsed: rows[rows.length - 1]!.chunksInUse,
              liveSessions: rows[rows.length - 1]!.live,
            };
          });
          expect(series.engine).toEqual(expected);
        } finally {
          recorder.destroy();
        }
      }),
      { numRuns: 60 },
    );
  });

  it("keeps at most MAX_BUCKETS buckets: a sample in each of 401 milliseconds makes 201 buckets of 2 ms", () => {
    const recorder = new TimeSeriesRecorder(undefined);
    try {
      for (let ms = 0; ms <= MAX_BUCKETS; ms++) recorder.sampleEngine(ms * 1_000_000, { ...zeroCounters(), cofwCopies: ms }, 1);
      const series = recorder.finish((MAX_BUCKETS + 1) * 1_000_000);
      expect(series.bucketNs).toBe(2_000_000);
      expect(series.engine).toHaveLength(MAX_BUCKETS / 2 + 1);
      // Copies 0 and 1 in the first 2 ms (the counters' changes: 0, then 1), and the last bucket holds the 401st millisecond alone.
      expect(series.engine[0]!.cofwCopies).toBe(1);
      expect(series.engine[MAX_BUCKETS / 2]!.cofwCopies).toBe(1);
    } finally {
      recorder.destroy();
    }
  });
});
