import { describe, expect, it } from "vitest";
import { makeOffsetDistribution } from "../../../sim/rng/offset-distribution.js";
import { Rng } from "../../../sim/rng/streams.js";
import { binomialTolerance } from "./stats.js";

const FIO_EXAMPLE = [
  { accessPercent: 60, sizePercent: 10 },
  { accessPercent: 30, sizePercent: 20 },
  { accessPercent: 8, sizePercent: 30 },
  { accessPercent: 2, sizePercent: 40 },
];

describe("zoned offset distribution", () => {
  it("puts accessPercent of the samples in each zone, uniformly inside it", () => {
    const n = 1_000_000;
    const samples = 100_000;
    const dist = makeOffsetDistribution({ kind: "zoned", zones: FIO_EXAMPLE }, n);
    const rng = Rng.root(20).stream("zoned");
    const bounds = [0, 100_000, 300_000, 600_000, 1_000_000];
    const inZone = [0, 0, 0, 0];
    const inLowerHalf = [0, 0, 0, 0];
    for (let i = 0; i < samples; i++) {
      const index = dist.sample(rng);
      if (!(Number.isInteger(index) && index >= 0 && index < n)) throw new Error(`index ${index} out of range`);
      let zone = 0;
      while (index >= (bounds[zone + 1] as number)) zone++;
      inZone[zone]! += 1;
      if (index < ((bounds[zone] as number) + (bounds[zone + 1] as number)) / 2) inLowerHalf[zone]! += 1;
    }
    FIO_EXAMPLE.forEach((zone, z) => {
      const p = zone.accessPercent / 100;
      expect(Math.abs((inZone[z] as number) / samples - p), `zone ${z}`).toBeLessThan(binomialTolerance(p, samples));
      const count = inZone[z] as number;
      expect(Math.abs((inLowerHalf[z] as number) / count - 0.5), `zone ${z} halves`).toBeLessThan(binomialTolerance(0.5, count));
    });
  });

  it("never touches the part of the range past the zones when sizes add to less than 100", () => {
    const dist = makeOffsetDistribution({ kind: "zoned", zones: [{ accessPercent: 50, sizePercent: 10 }, { accessPercent: 50, sizePercent: 15 }] }, 1000);
    const rng = Rng.root(21);
    let maxIndex = 0;
    let minIndex = Infinity;
    for (let i = 0; i < 10_000; i++) {
      const index = dist.sample(rng);
      maxIndex = Math.max(maxIndex, index);
      minIndex = Math.min(minIndex, index);
    }
    expect(maxIndex).toBe(249);
    expect(minIndex).toBe(0);
  });

  it("skips zones with no accesses", () => {
    const dist = makeOffsetDistribution({ kind: "zoned", zones: [{ accessPercent: 0, sizePercent: 50 }, { accessPercent: 100, sizePercent: 50 }] }, 100);
    const rng = Rng.root(22);
    for (let i = 0; i < 1000; i++) expect(dist.sample(rng)).toBeGreaterThanOrEqual(50);
  });

  it("rejects access that does not add to 100, sizes over 100, and zones too small to hold an item", () => {
    expect(() => makeOffsetDistribution({ kind: "zoned", zones: [{ accessPercent: 60, sizePercent: 50 }, { accessPercent: 30, sizePercent: 50 }] }, 100)).toThrow(
      /the sum of zones\[\]\.accessPercent must be 100, got 90/,
    );
    expect(() => makeOffsetDistribution({ kind: "zoned", zones: [{ accessPercent: 100, sizePercent: 60 }, { accessPercent: 0, sizePercent: 50 }] }, 100)).toThrow(
      /sizePercent must be at most 100, got 110/,
    );
    expect(() => makeOffsetDistribution({ kind: "zoned", zones: [{ accessPercent: 50, sizePercent: 1 }, { accessPercent: 50, sizePercent: 99 }] }, 50)).toThrow(
      /zones\[0\] \(accessPercent 50, sizePercent 1\) covers no item of a 50-item range/,
    );
    expect(() => makeOffsetDistribution({ kind: "zoned", zones: [] }, 100)).toThrow(/zones must be a non-empty array/);
    expect(() => makeOffsetDistribution({ kind: "zoned", zones: [{ accessPercent: -1, sizePercent: 100 }] }, 100)).toThrow(/zones\[0\]\.accessPercent must be a number in \[0, 100\], got -1/);
  });
});
