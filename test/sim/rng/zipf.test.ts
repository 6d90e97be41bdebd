import { describe, expect, it } from "vitest";
import { Rng } from "../../../sim/rng/streams.js";
import { ZipfRankSampler } from "../../../sim/rng/zipf.js";
import { binomialTolerance, chiSquare, chiSquareCritical, generalizedHarmonic, zipfPmf } from "./stats.js";
import { BadValueError } from "../../../io/bad-value-error.js";

function rankCounts(sampler: ZipfRankSampler, rng: Rng, samples: number, ranks: number): Float64Array {
  const counts = new Float64Array(ranks);
  for (let i = 0; i < samples; i++) {
    const rank = sampler.sample(rng);
    if (rank <= ranks) counts[rank - 1] = (counts[rank - 1] as number) + 1;
  }
  return counts;
}

describe("ZipfRankSampler", () => {
  it.each([0.3, 0.8, 1, 1.2, 2.5])("matches the exact pmf over 20 ranks at theta = %s (chi-square)", (theta) => {
    const n = 20;
    const samples = 100_000;
    const counts = rankCounts(new ZipfRankSampler(n, theta), Rng.root(8).stream(`zipf-${theta}`), samples, n);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(samples); // nothing outside 1..n
    expect(chiSquare(counts, zipfPmf(n, theta), samples)).toBeLessThan(chiSquareCritical(n - 1));
  });

  it("draws rank 1 2^theta times as often as rank 2", () => {
    const samples = 100_000;
    const counts = rankCounts(new ZipfRankSampler(1000, 1.2), Rng.root(9).stream("ratio"), samples, 2);
    const ratio = (counts[0] as number) / (counts[1] as number);
    // Relative sd of a ratio of counts: sqrt(1/c1 + 1/c2).
    const relativeSd = Math.sqrt(1 / (counts[0] as number) + 1 / (counts[1] as number));
    expect(Math.abs(ratio / 2 ** 1.2 - 1)).toBeLessThan(4 * relativeSd);
  });

  it("treats theta = 1 as the limit of theta -> 1 (no special case breaks)", () => {
    const n = 20;
    const samples = 50_000;
    const pmf = zipfPmf(n, 1);
    for (const theta of [1 - 1e-12, 1 + 1e-12]) {
      const counts = rankCounts(new ZipfRankSampler(n, theta), Rng.root(10).stream(`near-1-${theta}`), samples, n);
      expect(chiSquare(counts, pmf, samples)).toBeLessThan(chiSquareCritical(n - 1));
    }
  });

  it.each([
    [1.2, 200_000],
    [0.8, 400_000],
  ])("over 2^32 items at theta = %s stays in range and gives rank 1 its exact share", (theta, samples) => {
    const n = 2 ** 32;
    const sampler = new ZipfRankSampler(n, theta);
    const rng = Rng.root(11).stream(`big-${theta}`);
    let rankOne = 0;
    let beyondMillion = 0;
    for (let i = 0; i < samples; i++) {
      const rank = sampler.sample(rng);
      if (!(Number.isInteger(rank) && rank >= 1 && rank <= n)) throw new Error(`rank ${rank} out of range`);
      if (rank === 1) rankOne++;
      if (rank > 1_000_000) beyondMillion++;
    }
    const pOne = 1 / generalizedHarmonic(n, theta);
    expect(Math.abs(rankOne / samples - pOne)).toBeLessThan(binomialTolerance(pOne, samples));
    const pBeyond = 1 - generalizedHarmonic(1_000_000, theta) * pOne;
    expect(Math.abs(beyondMillion / samples - pBeyond)).toBeLessThan(binomialTolerance(pBeyond, samples));
  });

  it("handles the extremes: one item, and the largest safe item count", () => {
    const rng = Rng.root(12);
    expect(new ZipfRankSampler(1, 1.5).sample(rng)).toBe(1);
    const huge = new ZipfRankSampler(2 ** 53 - 1, 0.5);
    for (let i = 0; i < 1000; i++) {
      const rank = huge.sample(rng);
      expect(Number.isSafeInteger(rank) && rank >= 1 && rank <= 2 ** 53 - 1).toBe(true);
    }
  });

  it("rejects theta <= 0 and bad item counts", () => {
    expect(() => new ZipfRankSampler(10, 0)).toThrow(/theta must be a finite number > 0, got 0/);
    expect(() => new ZipfRankSampler(10, -1)).toThrow(BadValueError);
    expect(() => new ZipfRankSampler(10, Number.NaN)).toThrow(BadValueError);
    expect(() => new ZipfRankSampler(0, 1.2)).toThrow(/itemCount must be an integer in \[1, 2\^53 - 1\], got 0/);
    expect(() => new ZipfRankSampler(2.5, 1.2)).toThrow(BadValueError);
  });
});
