import { describe, expect, it } from "vitest";
import { ParetoPositionSampler } from "../../../sim/rng/pareto.js";
import { Rng } from "../../../sim/rng/streams.js";
import { binomialTolerance } from "./stats.js";
import { BadValueError } from "../../../io/bad-value-error.js";

/** fio's pareto law: P(position < x of the range) = x^(1/p), p = ln(h)/ln(1-h). */
function fioShareBelow(h: number, x: number): number {
  return x ** (Math.log(1 - h) / Math.log(h));
}

function fractionsBelow(h: number, itemCount: number, samples: number, cuts: readonly number[], seed: string): number[] {
  const sampler = new ParetoPositionSampler(itemCount, h);
  const rng = Rng.root(seed).stream("pareto");
  const below = cuts.map(() => 0);
  for (let i = 0; i < samples; i++) {
    const index = sampler.sample(rng);
    if (!(Number.isInteger(index) && index >= 0 && index < itemCount)) throw new Error(`index ${index} out of range`);
    cuts.forEach((cut, j) => {
      if (index < cut * itemCount) below[j] = (below[j] as number) + 1;
    });
  }
  return below.map((count) => count / samples);
}

describe("ParetoPositionSampler (fio's pareto:h)", () => {
  it("h = 0.2: the first 20% of the range gets 80% of accesses, and the whole CDF follows fio's formula", () => {
    const samples = 100_000;
    const cuts = [0.01, 0.05, 0.2, 0.5];
    const observed = fractionsBelow(0.2, 1_000_000, samples, cuts, "h02");
    expect(Math.abs((observed[2] as number) - 0.8)).toBeLessThan(binomialTolerance(0.8, samples));
    cuts.forEach((cut, j) => {
      const expected = fioShareBelow(0.2, cut);
      expect(Math.abs((observed[j] as number) - expected), `cut ${cut}`).toBeLessThan(binomialTolerance(expected, samples));
    });
  });

  it("h = 0.9: the hot end is the top, the last 10% of the range gets 90% of accesses", () => {
    const samples = 100_000;
    const [belowNinety] = fractionsBelow(0.9, 2 ** 32, samples, [0.9], "h09");
    expect(Math.abs(1 - (belowNinety as number) - 0.9)).toBeLessThan(binomialTolerance(0.9, samples));
  });

  it("h = 0.5 is uniform", () => {
    const samples = 100_000;
    const [belowHalf, belowTenth] = fractionsBelow(0.5, 1000, samples, [0.5, 0.1], "h05");
    expect(Math.abs((belowHalf as number) - 0.5)).toBeLessThan(binomialTolerance(0.5, samples));
    expect(Math.abs((belowTenth as number) - 0.1)).toBeLessThan(binomialTolerance(0.1, samples));
  });

  it("reaches every item of a 2^40-item range, not only a 2^32 grid", () => {
    // A 32-bit uniform scaled to 2^40 items would only produce multiples of 256.
    const sampler = new ParetoPositionSampler(2 ** 40, 0.5);
    const rng = Rng.root("fine").stream("pareto");
    let offGrid = 0;
    for (let i = 0; i < 1000; i++) if (sampler.sample(rng) % 256 !== 0) offGrid++;
    expect(offGrid).toBeGreaterThan(950);
  });

  it("rejects h outside (0, 1)", () => {
    expect(() => new ParetoPositionSampler(10, 0)).toThrow(/h must be a number in \(0, 1\) exclusive, as fio requires, got 0/);
    expect(() => new ParetoPositionSampler(10, 1)).toThrow(BadValueError);
    expect(() => new ParetoPositionSampler(10, Number.NaN)).toThrow(BadValueError);
  });
});
