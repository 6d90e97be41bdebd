import { describe, expect, it } from "vitest";
import { EmpiricalDistribution } from "../../../sim/rng/distributions.js";
import { Rng } from "../../../sim/rng/streams.js";
import { empiricalQuantile } from "./stats.js";

// Shaped like fio JSON's clat_ns.percentile block (values in ns).
const FIO_CLAT_NS: Record<string, number> = {
  "1.000000": 1_800,
  "5.000000": 2_100,
  "10.000000": 2_300,
  "20.000000": 2_600,
  "30.000000": 2_900,
  "40.000000": 3_200,
  "50.000000": 3_600,
  "60.000000": 4_100,
  "70.000000": 4_800,
  "80.000000": 6_000,
  "90.000000": 9_000,
  "95.000000": 14_000,
  "99.000000": 40_000,
  "99.500000": 60_000,
  "99.900000": 120_000,
  "99.950000": 150_000,
  "99.990000": 250_000,
};

describe("EmpiricalDistribution", () => {
  it("reproduces the table's percentiles when sampled", () => {
    const dist = EmpiricalDistribution.fromFioPercentileMap(FIO_CLAT_NS);
    const rng = Rng.root(6).stream("empirical");
    const n = 100_000;
    const sorted = Float64Array.from({ length: n }, () => dist.sample(rng)).sort();
    for (const [key, value] of Object.entries(FIO_CLAT_NS)) {
      const percentile = Number(key);
      if (percentile > 99) continue; // too few samples above the 99th to estimate it
      const observed = empiricalQuantile(sorted, percentile / 100);
      // Allow the value difference a sampling error of +-0.25 percentile points would make.
      const lo = dist.quantile(Math.max(0, percentile - 0.25) / 100);
      const hi = dist.quantile(Math.min(100, percentile + 0.25) / 100);
      expect(observed, `p${percentile}`).toBeGreaterThanOrEqual(lo);
      expect(observed, `p${percentile}`).toBeLessThanOrEqual(hi);
      expect(dist.quantile(percentile / 100)).toBe(value);
    }
    expect(sorted[0]).toBe(1_800); // no minimum given: below p1 everything is the p1 value
    expect(sorted[n - 1]).toBeLessThanOrEqual(250_000);
  });

  it("interpolates linearly between points, from a minimum below the first, and clamps above the last", () => {
    const dist = EmpiricalDistribution.fromPercentiles(
      [
        { percentile: 10, value: 100 },
        { percentile: 50, value: 200 },
        { percentile: 90, value: 1_000 },
      ],
      { minValue: 20 },
    );
    expect(dist.quantile(0.3)).toBeCloseTo(150, 9);
    expect(dist.quantile(0.7)).toBeCloseTo(600, 9);
    expect(dist.quantile(0)).toBe(20);
    expect(dist.quantile(0.05)).toBeCloseTo(60, 9);
    expect(dist.quantile(0.95)).toBe(1_000);
    expect(dist.quantile(1)).toBe(1_000);
    const noMin = EmpiricalDistribution.fromPercentiles([{ percentile: 10, value: 100 }, { percentile: 50, value: 200 }]);
    expect(noMin.quantile(0.01)).toBe(100);
  });

  it("accepts rows in any order and a flat stretch", () => {
    const dist = EmpiricalDistribution.fromPercentiles([
      { percentile: 90, value: 50 },
      { percentile: 10, value: 10 },
      { percentile: 50, value: 10 },
    ]);
    expect(dist.quantile(0.3)).toBe(10);
    expect(dist.quantile(0.7)).toBeCloseTo(30, 9);
  });

  it("rejects non-monotone tables, duplicate and out-of-range percentiles, bad keys and bad p", () => {
    expect(() =>
      EmpiricalDistribution.fromPercentiles([
        { percentile: 50, value: 1_200 },
        { percentile: 90, value: 900 },
      ]),
    ).toThrow(/not monotone: the 50th percentile is 1200 but the 90th is 900/);
    expect(() => EmpiricalDistribution.fromFioPercentileMap({ "50.000000": 10, "50.0": 12 })).toThrow(/percentile 50 appears twice/);
    expect(() => EmpiricalDistribution.fromPercentiles([{ percentile: 101, value: 1 }])).toThrow(/table\[0\]\.percentile must be a number in \[0, 100\], got 101/);
    expect(() => EmpiricalDistribution.fromPercentiles([])).toThrow(/non-empty/);
    expect(() => EmpiricalDistribution.fromFioPercentileMap({ p99: 10 })).toThrow(/key "p99" is not a percentile/);
    expect(() => EmpiricalDistribution.fromFioPercentileMap({ "150.0": 10 })).toThrow(/above 100/);
    expect(() => EmpiricalDistribution.fromFioPercentileMap({ "50.0": Number.NaN })).toThrow(/map\["50.0"\] must be a finite number/);
    expect(() => EmpiricalDistribution.fromPercentiles([{ percentile: 10, value: 5 }], { minValue: 6 })).toThrow(/minValue must be <= the first table value/);
    const dist = EmpiricalDistribution.fromPercentiles([{ percentile: 50, value: 5 }]);
    expect(() => dist.quantile(50)).toThrow(/p must be a probability in \[0, 1\]/);
  });
});
