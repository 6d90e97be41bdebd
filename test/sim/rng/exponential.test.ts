import { describe, expect, it } from "vitest";
import { exponential } from "../../../sim/rng/distributions.js";
import { Rng } from "../../../sim/rng/streams.js";
import { binomialTolerance, mean } from "./stats.js";
import { BadValueError } from "../../../io/bad-value-error.js";

describe("exponential", () => {
  it("has the requested mean and the memoryless tail P(X > mean) = 1/e", () => {
    const rng = Rng.root(3).stream("exponential");
    const n = 100_000;
    const meanNs = 250_000;
    const values = Float64Array.from({ length: n }, () => exponential(rng, meanNs));
    // The sample mean has sd meanNs / sqrt(n); allow 4 of them.
    expect(Math.abs(mean(values) - meanNs)).toBeLessThan((4 * meanNs) / Math.sqrt(n));
    const above = values.filter((v) => v > meanNs).length / n;
    expect(Math.abs(above - Math.exp(-1))).toBeLessThan(binomialTolerance(Math.exp(-1), n));
    const aboveThree = values.filter((v) => v > 3 * meanNs).length / n;
    expect(Math.abs(aboveThree - Math.exp(-3))).toBeLessThan(binomialTolerance(Math.exp(-3), n));
    expect(values.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
  });

  it("rejects a mean that is not positive and finite", () => {
    const rng = Rng.root(3);
    expect(() => exponential(rng, 0)).toThrow(/exponential: mean must be a finite number > 0, got 0/);
    expect(() => exponential(rng, -5)).toThrow(BadValueError);
    expect(() => exponential(rng, Number.POSITIVE_INFINITY)).toThrow(BadValueError);
  });
});
