import { describe, expect, it } from "vitest";
import { normal } from "../../../sim/rng/distributions.js";
import { standardNormalCdf, standardNormalQuantile } from "../../../sim/rng/normal.js";
import { Rng } from "../../../sim/rng/streams.js";
import { mean, stddev } from "./stats.js";

describe("standard normal CDF and quantile", () => {
  it("match published values", () => {
    // Reference values of Phi(z), e.g. from R's pnorm.
    const table: Array<[number, number]> = [
      [0, 0.5],
      [-1, 0.15865525393145707],
      [-2, 0.022750131948179195],
      [-3, 0.0013498980316300946],
      [-5, 2.866515718791939e-7],
      [-10, 7.619853024160527e-24],
      [2, 0.9772498680518208],
    ];
    for (const [z, p] of table) expect(Math.abs(standardNormalCdf(z) - p) / p).toBeLessThan(1e-7);
    expect(standardNormalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(standardNormalQuantile(0.5)).toBe(0);
    expect(standardNormalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 7);
  });

  it("invert each other: exactly in the lower tail, to the precision of 1 - p in the upper", () => {
    // Lower tail probabilities keep full relative precision down to ~1e-300.
    for (let z = -35; z <= 0; z += 0.25) expect(Math.abs(standardNormalQuantile(standardNormalCdf(z)) - z), `z=${z}`).toBeLessThan(1e-12);
    // Near 1, p itself is rounded to a multiple of 2^-53, which limits how well z can come back.
    for (let z = 0; z <= 5; z += 0.25) expect(Math.abs(standardNormalQuantile(standardNormalCdf(z)) - z), `z=${z}`).toBeLessThan(1e-9);
  });

  it("quantile rejects p outside [0, 1]", () => {
    expect(() => standardNormalQuantile(1.5)).toThrow(/p must be a probability in \[0, 1\], got 1.5/);
    expect(() => standardNormalQuantile(Number.NaN)).toThrow(RangeError);
  });
});

describe("normal", () => {
  it("has the requested mean and standard deviation", () => {
    const rng = Rng.root(4).stream("normal");
    const n = 100_000;
    const values = Float64Array.from({ length: n }, () => normal(rng, 100, 15));
    expect(Math.abs(mean(values) - 100)).toBeLessThan((4 * 15) / Math.sqrt(n));
    // The sample sd has sd about sigma / sqrt(2n).
    expect(Math.abs(stddev(values) - 15)).toBeLessThan((4 * 15) / Math.sqrt(2 * n));
    const within = values.filter((v) => Math.abs(v - 100) <= 15).length / n;
    expect(within).toBeCloseTo(0.6827, 2);
  });

  it("rejects a negative or non-finite standard deviation", () => {
    expect(() => normal(Rng.root(1), 0, -1)).toThrow(/normal: stddev must be a finite number >= 0, got -1/);
    expect(() => normal(Rng.root(1), Number.NaN, 1)).toThrow(/mean/);
  });
});
