/**
 * fio's `normal` offsets (lib/gauss.c): the rounded-up average of 12 uniform
 * integers over the range, a uniform jitter of dev % of the range, then
 * scattered over the range (fio hashes them) and rotated by the center.
 */
import { describe, expect, it } from "vitest";
import { makeOffsetDistribution, type OffsetDistributionSpec } from "../../../sim/rng/offset-distribution.js";
import { IndexScatter } from "../../../sim/rng/scatter.js";
import { Rng } from "../../../sim/rng/streams.js";
import { mean, stddev } from "./stats.js";

function sampleMany(spec: OffsetDistributionSpec, itemCount: number, samples: number): Float64Array {
  const dist = makeOffsetDistribution(spec, itemCount);
  const rng = Rng.root(19).stream("normal-offsets");
  return Float64Array.from({ length: samples }, () => dist.sample(rng));
}

const n = 1_000_000;
const samples = 100_000;

describe("normal offset distribution (fio's gauss)", () => {
  it("unscattered and without a deviation, is the bell of 12 averaged uniforms: mean n/2, standard deviation n/12", () => {
    const values = sampleMany({ kind: "normal", deviationPercent: 0, scatter: false }, n, samples);
    const sd = n / 12;
    expect(Math.abs(mean(values) - n / 2)).toBeLessThan((4 * sd) / Math.sqrt(samples));
    expect(Math.abs(stddev(values) - sd)).toBeLessThan((4 * sd) / Math.sqrt(2 * samples));
  });

  it("the deviation is a uniform jitter of dev % of the range, not a standard deviation: its variance adds (dev n)^2 / 12", () => {
    const values = sampleMany({ kind: "normal", deviationPercent: 20, scatter: false }, n, samples);
    const sd = Math.sqrt((n / 12) ** 2 + (0.2 * n) ** 2 / 12);
    expect(Math.abs(stddev(values) - sd)).toBeLessThan((4 * sd) / Math.sqrt(2 * samples));
    // A standard deviation of 20% would be 200,000 items; the jitter makes it ~99,000.
    expect(stddev(values)).toBeLessThan(0.12 * n);
  });

  it("the center rotates the bell: its peak at centerFraction of the range", () => {
    const values = sampleMany({ kind: "normal", deviationPercent: 0, centerFraction: 0.25, scatter: false }, n, samples);
    expect(Math.abs(mean(values) - 0.25 * n)).toBeLessThan((4 * (n / 12)) / Math.sqrt(samples));
  });

  it("scattered by default, as fio hashes its offsets: the same draws, spread over the range by the golden-ratio permutation", () => {
    const contiguous = sampleMany({ kind: "normal", deviationPercent: 5, scatter: false }, n, samples);
    const scattered = sampleMany({ kind: "normal", deviationPercent: 5 }, n, samples);
    const scatter = new IndexScatter(n, 0);
    expect(Array.from(scattered)).toEqual(Array.from(contiguous, (value) => scatter.apply(value)));
    // The middle tenth of the range takes ~45% of a contiguous bell's I/Os; scattered, about its tenth.
    const middleShare = (values: Float64Array) => values.filter((v) => v >= 0.45 * n && v < 0.55 * n).length / values.length;
    expect(middleShare(contiguous)).toBeGreaterThan(0.4);
    expect(Math.abs(middleShare(scattered) - 0.1)).toBeLessThan(0.01);
  });

  it("stays in the range at its edges: a jitter past either end is halved, as fio's", () => {
    for (const centerFraction of [0, 1]) {
      const values = sampleMany({ kind: "normal", deviationPercent: 99, centerFraction, scatter: false }, 1000, 20_000);
      expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < 1000)).toBe(true);
    }
    expect(sampleMany({ kind: "normal", deviationPercent: 50 }, 1, 100).every((v) => v === 0)).toBe(true);
  });

  it("ends on a small range: an average that reaches the end of it takes no jitter and wraps to 0, rather than halving a jitter of 0 forever", () => {
    // Twelve draws from [0, 2] round up to an average of 2 more often than not: this sampled forever before (a
    // scenario's normal:20 job over two 64 KiB blocks hung its run).
    for (const itemCount of [2, 3, 8]) {
      const values = sampleMany({ kind: "normal", deviationPercent: 20, scatter: false }, itemCount, 2_000);
      expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < itemCount)).toBe(true);
      expect(values.some((v) => v === 0)).toBe(true);
    }
  });
});
