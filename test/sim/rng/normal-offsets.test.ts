import { describe, expect, it } from "vitest";
import { makeOffsetDistribution } from "../../../sim/rng/offset-distribution.js";
import { Rng } from "../../../sim/rng/streams.js";
import { binomialTolerance, mean, stddev } from "./stats.js";

function sampleMany(spec: Parameters<typeof makeOffsetDistribution>[0], itemCount: number, samples: number): Float64Array {
  const dist = makeOffsetDistribution(spec, itemCount);
  const rng = Rng.root(19).stream("normal-offsets");
  return Float64Array.from({ length: samples }, () => dist.sample(rng));
}

describe("normal offset distribution", () => {
  it("is centered at centerFraction with standard deviation sigmaPercent of the range", () => {
    const n = 1_000_000;
    const samples = 100_000;
    for (const [center, sigmaPercent] of [
      [0.5, 5],
      [0.25, 2],
    ] as const) {
      const values = sampleMany({ kind: "normal", sigmaPercent, centerFraction: center }, n, samples);
      const sd = (sigmaPercent / 100) * n;
      expect(Math.abs(mean(values) - center * n)).toBeLessThan((4 * sd) / Math.sqrt(samples));
      expect(Math.abs(stddev(values) - sd)).toBeLessThan((4 * sd) / Math.sqrt(2 * samples));
    }
  });

  it("defaults the center to the middle of the range", () => {
    const values = sampleMany({ kind: "normal", sigmaPercent: 1 }, 1000, 20_000);
    const nearMiddle = values.filter((v) => v >= 490 && v < 510).length / values.length;
    expect(Math.abs(nearMiddle - 0.6827)).toBeLessThan(binomialTolerance(0.6827, values.length) + 0.01);
  });

  it("wraps values past the ends around the range", () => {
    const n = 10_000;
    const values = sampleMany({ kind: "normal", sigmaPercent: 10, centerFraction: 0 }, n, 20_000);
    const low = values.filter((v) => v < n / 2).length / values.length;
    expect(Math.abs(low - 0.5)).toBeLessThan(binomialTolerance(0.5, values.length));
    expect(values.every((v) => v >= 0 && v < n)).toBe(true);
  });

  it("with sigmaPercent 0 always returns the center item", () => {
    const values = sampleMany({ kind: "normal", sigmaPercent: 0, centerFraction: 0.3 }, 1000, 100);
    expect(values.every((v) => v === 300)).toBe(true);
  });
});
