import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FIO_PERCENTILES, OpStats } from "../../../scenarios/runner/op-stats.js";

type Op = { kind: "inWindow" | "late"; bytes: number; latencyNs: number; issuesAdvance: number };

/**
 * Latencies as devices give them: exact below 2,048 ns, and beyond that in
 * HDR buckets wider than 1 ns; and a few neighbouring values, so that a new
 * smallest or largest value is often one off the last.
 */
const latencyNs = fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 40_000, max: 60_000 }), fc.integer({ min: 1, max: 5e9 }), fc.constantFrom(0, 1, 2, 50_000, 50_001, 50_002));
const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom("inWindow" as const, "late" as const),
  bytes: fc.integer({ min: 512, max: 1 << 20 }),
  latencyNs,
  issuesAdvance: fc.integer({ min: 0, max: 2 }),
});

/** What OpStats must count: completions in the window, and late ones once an issue came after them. */
function oracle(ops: readonly Op[], finalAdvance: number): { latencies: number[]; bytes: number; issues: number } {
  const counted: Array<{ bytes: number; latencyNs: number }> = [];
  let held: Array<{ bytes: number; latencyNs: number }> = [];
  let heldAt = -1;
  let issues = 1;
  const settle = () => {
    if (held.length > 0 && heldAt !== issues) {
      counted.push(...held);
      held = [];
    }
  };
  for (const { kind, bytes, latencyNs, issuesAdvance } of ops) {
    issues += issuesAdvance;
    settle();
    if (kind === "inWindow") counted.push({ bytes, latencyNs });
    else {
      held.push({ bytes, latencyNs });
      heldAt = issues;
    }
  }
  issues += finalAdvance;
  settle();
  return { latencies: counted.map((c) => c.latencyNs), bytes: counted.reduce((sum, c) => sum + c.bytes, 0), issues };
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

describe("OpStats against a plain oracle", () => {
  it("counts the I/Os, bytes and latencies of the window exactly, and keeps every percentile within HDR's precision and the exact min and max", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 1e10 }), (ops, finalAdvance, windowNs) => {
        const stats = new OpStats();
        try {
          let issues = 1;
          for (const { kind, bytes, latencyNs, issuesAdvance } of ops) {
            issues += issuesAdvance;
            if (kind === "inWindow") stats.recordCompletion(bytes, latencyNs, issues);
            else stats.recordLateCompletion(bytes, latencyNs, issues);
          }
          const expected = oracle(ops, finalAdvance);
          const fio = stats.toFio(windowNs, expected.issues);
          const latencies = expected.latencies;
          const n = latencies.length;
          expect(fio.total_ios).toBe(n);
          expect(fio.io_bytes).toBe(expected.bytes);
          expect(fio.iops).toBe(round3(n / (windowNs / 1e9)));
          expect(fio.bw_bytes).toBe(Math.round(expected.bytes / (windowNs / 1e9)));
          expect(fio.clat_ns).toEqual(fio.lat_ns);
          const { min, max, mean, stddev, N, percentile } = fio.clat_ns;
          expect(N).toBe(n);
          if (n === 0) {
            expect({ min, max, mean, stddev, percentile }).toEqual({ min: 0, max: 0, mean: 0, stddev: 0, percentile: undefined });
            return;
          }
          const exactMin = Math.min(...latencies);
          const exactMax = Math.max(...latencies);
          const exactMean = latencies.reduce((a, b) => a + b, 0) / n;
          expect(min).toBe(exactMin);
          expect(max).toBe(exactMax);
          expect(Math.abs(mean - exactMean)).toBeLessThanOrEqual(Math.max(1e-3, exactMean * 1e-9));
          const exactStddev = n < 2 ? 0 : Math.sqrt(latencies.reduce((sum, l) => sum + (l - exactMean) ** 2, 0) / (n - 1));
          expect(Math.abs(stddev - exactStddev)).toBeLessThanOrEqual(Math.max(1e-3, exactStddev * 1e-6));
          const sorted = [...latencies].sort((a, b) => a - b);
          for (const p of FIO_PERCENTILES) {
            const value = percentile![p.toFixed(6)]!;
            // Within the exact min and max, and within HDR's 3 significant digits of the value at HDR's rank (the count at the
            // percentile rounded up, less a float's last bit, and at least 1; 0 is recorded as 1).
            expect(value).toBeGreaterThanOrEqual(exactMin);
            expect(value).toBeLessThanOrEqual(exactMax);
            const count = (p / 100) * n;
            const rank = Math.max(1, Math.ceil(count - count * Number.EPSILON));
            const exact = Math.max(1, sorted[rank - 1]!);
            expect(Math.abs(value - exact)).toBeLessThanOrEqual(Math.max(1, exact * 2e-3));
          }
        } finally {
          stats.destroy();
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a long run of late completions, past its first storage, until an issue counts them", () => {
    const stats = new OpStats();
    try {
      // 40 closed-loop completions with no issue between them (the held latencies' storage starts at 16), then one in
      // the window after an issue: all 41 count, with their exact min, max and mean.
      const late = Array.from({ length: 40 }, (_, i) => 1000 + 37 * i);
      for (const latencyNs of late) stats.recordLateCompletion(4096, latencyNs, 1);
      stats.recordCompletion(4096, 5, 2);
      const fio = stats.toFio(1e9, 2);
      expect(fio.total_ios).toBe(41);
      expect(fio.io_bytes).toBe(41 * 4096);
      expect(fio.clat_ns.min).toBe(5);
      expect(fio.clat_ns.max).toBe(1000 + 37 * 39);
      // fio rounds the mean to 3 decimals.
      expect(fio.clat_ns.mean).toBeCloseTo((late.reduce((a, b) => a + b, 0) + 5) / 41, 2);
      // Held again, and dropped by toFio as the drain's when no issue follows.
      for (const latencyNs of late) stats.recordLateCompletion(4096, latencyNs, 2);
      expect(stats.toFio(1e9, 2).total_ios).toBe(41);
    } finally {
      stats.destroy();
    }
  });
});
