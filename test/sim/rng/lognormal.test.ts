import { describe, expect, it } from "vitest";
import { lognormal } from "../../../sim/rng/distributions.js";
import { Rng } from "../../../sim/rng/streams.js";
import { binomialTolerance, mean } from "./stats.js";

describe("lognormal", () => {
  it("has median exp(mu) and mean exp(mu + sigma^2 / 2)", () => {
    const rng = Rng.root(5).stream("lognormal");
    const n = 100_000;
    const mu = Math.log(80_000); // e.g. an 80 us median service time in ns
    const sigma = 0.5;
    const values = Float64Array.from({ length: n }, () => lognormal(rng, mu, sigma));
    const belowMedian = values.filter((v) => v < Math.exp(mu)).length / n;
    expect(Math.abs(belowMedian - 0.5)).toBeLessThan(binomialTolerance(0.5, n));
    // The lognormal's sd is mean * sqrt(exp(sigma^2) - 1), about 0.53 * mean here.
    const expectedMean = Math.exp(mu + (sigma * sigma) / 2);
    expect(Math.abs(mean(values) - expectedMean)).toBeLessThan((4 * 0.54 * expectedMean) / Math.sqrt(n));
    // sigma sets the spread: P(X < exp(mu + sigma)) = Phi(1).
    const belowOneSigma = values.filter((v) => v < Math.exp(mu + sigma)).length / n;
    expect(Math.abs(belowOneSigma - 0.8413447460685429)).toBeLessThan(binomialTolerance(0.8413, n));
    expect(values.every((v) => v > 0)).toBe(true);
  });

  it("rejects a negative sigma or a non-finite mu", () => {
    expect(() => lognormal(Rng.root(1), 0, -0.1)).toThrow(/lognormal: sigma must be a finite number >= 0, got -0.1/);
    expect(() => lognormal(Rng.root(1), Number.NaN, 1)).toThrow(/mu/);
  });
});
