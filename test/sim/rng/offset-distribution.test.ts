import { describe, expect, it } from "vitest";
import { makeOffsetDistribution, type OffsetDistributionSpec } from "../../../sim/rng/offset-distribution.js";
import { IndexScatter } from "../../../sim/rng/scatter.js";
import { Rng } from "../../../sim/rng/streams.js";
import { binomialTolerance, zipfPmf } from "./stats.js";
import { BadValueError } from "../../../io/bad-value-error.js";

const SPECS: OffsetDistributionSpec[] = [
  { kind: "random" },
  { kind: "zipf", theta: 1.2 },
  { kind: "zipf", theta: 0.9, centerFraction: 0.5, scatter: false },
  { kind: "pareto", h: 0.2 },
  { kind: "pareto", h: 0.9, scatter: false },
  { kind: "normal", deviationPercent: 5 },
  { kind: "zoned", zones: [{ accessPercent: 60, sizePercent: 10 }, { accessPercent: 40, sizePercent: 90 }] },
];

describe("makeOffsetDistribution", () => {
  it.each(SPECS.map((spec) => [spec.kind, spec] as const))("%s: integer indices in [0, itemCount), same sequence for the same seed", (_, spec) => {
    // A zoned split needs every accessed zone to hold an item, so its smallest range is 10 items.
    for (const itemCount of spec.kind === "zoned" ? [10, 2 ** 32] : [1, 7, 2 ** 32]) {
      const dist = makeOffsetDistribution(spec, itemCount);
      expect(dist.itemCount).toBe(itemCount);
      const rng = Rng.root(14).stream("offsets");
      const first = Array.from({ length: 2000 }, () => dist.sample(rng));
      expect(first.every((index) => Number.isInteger(index) && index >= 0 && index < itemCount)).toBe(true);
      const again = Rng.root(14).stream("offsets");
      expect(first.map(() => dist.sample(again))).toEqual(first);
    }
  });

  it("random covers both ends of the range evenly", () => {
    const dist = makeOffsetDistribution({ kind: "random" }, 4);
    const rng = Rng.root(15);
    const counts = [0, 0, 0, 0];
    const n = 40_000;
    for (let i = 0; i < n; i++) counts[dist.sample(rng)]! += 1;
    for (const count of counts) expect(Math.abs(count / n - 0.25)).toBeLessThan(binomialTolerance(0.25, n));
  });

  it("zipf without scatter puts rank k at index k - 1 + floor(center * itemCount), wrapping at the end", () => {
    const n = 10;
    const samples = 100_000;
    const pmf = zipfPmf(n, 1.1);
    const dist = makeOffsetDistribution({ kind: "zipf", theta: 1.1, centerFraction: 0.8, scatter: false }, n);
    const rng = Rng.root(16);
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < samples; i++) counts[dist.sample(rng)]! += 1;
    // Ranks 1, 2, 3 are at indices 8, 9, 0.
    for (const [rank, index] of [[1, 8], [2, 9], [3, 0], [10, 7]] as const) {
      const p = pmf[rank - 1] as number;
      expect(Math.abs((counts[index] as number) / samples - p), `rank ${rank}`).toBeLessThan(binomialTolerance(p, samples));
    }
  });

  it("zipf with scatter (the default) sends rank k to IndexScatter(k - 1): hot items are far apart", () => {
    const n = 1_000_000;
    const samples = 100_000;
    const scatter = new IndexScatter(n);
    const dist = makeOffsetDistribution({ kind: "zipf", theta: 1.2 }, n);
    const rng = Rng.root(17);
    const counts = new Map<number, number>();
    for (let i = 0; i < samples; i++) {
      const index = dist.sample(rng);
      counts.set(index, (counts.get(index) ?? 0) + 1);
    }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([index]) => index);
    expect(top).toEqual([scatter.apply(0), scatter.apply(1), scatter.apply(2)]);
    expect(counts.get(1) ?? 0).toBeLessThan(20); // the neighbour of the hottest item is not hot
  });

  it("pareto follows the same center placement as zipf", () => {
    const n = 1000;
    const dist = makeOffsetDistribution({ kind: "pareto", h: 0.1, centerFraction: 0.5, scatter: false }, n);
    const rng = Rng.root(18);
    let inHotTenth = 0;
    const samples = 50_000;
    for (let i = 0; i < samples; i++) {
      const index = dist.sample(rng);
      if (index >= 500 && index < 600) inHotTenth++;
    }
    expect(Math.abs(inHotTenth / samples - 0.9)).toBeLessThan(binomialTolerance(0.9, samples));
  });

  it("rejects bad item counts, unknown kinds and bad options with the parameter named", () => {
    expect(() => makeOffsetDistribution({ kind: "random" }, 0)).toThrow(/makeOffsetDistribution: itemCount must be an integer in \[1, 2\^53 - 1\], got 0/);
    expect(() => makeOffsetDistribution({ kind: "random" }, 2 ** 53)).toThrow(BadValueError);
    expect(() => makeOffsetDistribution({ kind: "random" }, 10.5)).toThrow(BadValueError);
    expect(() => makeOffsetDistribution({ kind: "gauss" } as unknown as OffsetDistributionSpec, 10)).toThrow(/spec.kind must be one of/);
    expect(() => makeOffsetDistribution({ kind: "zipf", theta: 0 }, 10)).toThrow(/theta must be a finite number > 0/);
    expect(() => makeOffsetDistribution({ kind: "zipf", theta: 1.2, centerFraction: 1.5 }, 10)).toThrow(/centerFraction must be a number in \[0, 1\], got 1.5/);
    expect(() => makeOffsetDistribution({ kind: "pareto", h: 1 }, 10)).toThrow(/h must be a number in \(0, 1\)/);
    expect(() => makeOffsetDistribution({ kind: "normal", deviationPercent: 100 }, 10)).toThrow(/deviationPercent must be a number in \[0, 100\)/);
  });
});
