import { describe, expect, it } from "vitest";
import { IndexScatter, ModularMultiplier } from "../../../sim/rng/scatter.js";
import { Rng } from "../../../sim/rng/streams.js";

describe("IndexScatter", () => {
  it("is a permutation of [0, itemCount) for every small count and offset", () => {
    for (let n = 1; n <= 120; n++) {
      for (const offset of [0, Math.floor(n / 3), n - 1]) {
        const scatter = new IndexScatter(n, offset);
        const seen = new Uint8Array(n);
        for (let rank = 0; rank < n; rank++) seen[scatter.apply(rank)] = 1;
        expect(seen.every((s) => s === 1), `n=${n} offset=${offset}`).toBe(true);
        expect(scatter.apply(0)).toBe(offset);
      }
    }
  });

  it("spreads the first ranks over the whole range instead of keeping them together", () => {
    const n = 2 ** 32;
    const scatter = new IndexScatter(n);
    const firstHundred = Array.from({ length: 100 }, (_, rank) => scatter.apply(rank)).sort((a, b) => a - b);
    // Golden-ratio spacing: 100 points leave no gap wider than a few hundredths of the range.
    let widestGap = n - (firstHundred[99] as number) + (firstHundred[0] as number);
    for (let i = 1; i < 100; i++) widestGap = Math.max(widestGap, (firstHundred[i] as number) - (firstHundred[i - 1] as number));
    expect(widestGap).toBeLessThan(0.03 * n);
    expect(scatter.apply(1)).toBe(scatter.multiplier);
    expect(Math.abs(scatter.multiplier / n - 0.618)).toBeLessThan(0.001);
  });

  it("rejects an offset outside the range", () => {
    expect(() => new IndexScatter(10, 10)).toThrow(/offset must be an integer in \[0, itemCount\) = \[0, 10\), got 10/);
  });
});

describe("ModularMultiplier", () => {
  it("agrees with BigInt arithmetic for moduli from 2^20 to 2^53 - 1", () => {
    const rng = Rng.root(13).stream("mulmod");
    for (const modulus of [2 ** 20 + 7, 2 ** 26, 2 ** 26 + 1, 2 ** 32, 2 ** 40 + 15, 2 ** 45 - 1, 2 ** 45 + 3, 2 ** 50 + 1, 2 ** 53 - 1]) {
      for (let trial = 0; trial < 200; trial++) {
        const multiplier = rng.int(0, modulus - 1);
        const x = trial === 0 ? modulus - 1 : rng.int(0, modulus - 1);
        const expected = Number((BigInt(x) * BigInt(multiplier)) % BigInt(modulus));
        expect(new ModularMultiplier(multiplier, modulus).apply(x), `modulus ${modulus}`).toBe(expected);
      }
    }
  });
});
