import { describe, expect, it } from "vitest";
import { uniformInt } from "../../../sim/rng/distributions.js";
import { Rng } from "../../../sim/rng/streams.js";
import { binomialTolerance } from "./stats.js";

describe("uniformInt", () => {
  it("covers both ends of a small range and nothing outside it, evenly", () => {
    const rng = Rng.root(1).stream("uniformInt");
    const counts = new Map<number, number>();
    const n = 70_000;
    for (let i = 0; i < n; i++) {
      const v = uniformInt(rng, -3, 3);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    for (const count of counts.values()) expect(Math.abs(count / n - 1 / 7)).toBeLessThan(binomialTolerance(1 / 7, n));
  });

  it("returns the only value of a one-value range", () => {
    const rng = Rng.root(1);
    for (let i = 0; i < 10; i++) expect(uniformInt(rng, 5, 5)).toBe(5);
  });

  it("is exact over a 2^52 span: integers in range, low bits alive, halves balanced", () => {
    const rng = Rng.root(2).stream("wide");
    const min = 2 ** 52; // the top of the safe range, where lost precision would show first
    const max = 2 ** 53 - 1;
    const n = 50_000;
    let odd = 0;
    let upperHalf = 0;
    let lowByteSum = 0;
    for (let i = 0; i < n; i++) {
      const v = uniformInt(rng, min, max);
      if (!(Number.isSafeInteger(v) && v >= min && v <= max)) throw new Error(`${v} is not an integer in [2^52, 2^53 - 1]`);
      if (v % 2 === 1) odd++;
      if (v >= min + 2 ** 51) upperHalf++;
      lowByteSum += v % 256;
    }
    expect(Math.abs(odd / n - 0.5)).toBeLessThan(binomialTolerance(0.5, n));
    expect(Math.abs(upperHalf / n - 0.5)).toBeLessThan(binomialTolerance(0.5, n));
    // Mean of a uniform byte is 127.5 with sd 73.9 / sqrt(n).
    expect(Math.abs(lowByteSum / n - 127.5)).toBeLessThan((4 * 73.9) / Math.sqrt(n));
  });

  it("rejects non-integers, reversed bounds and spans over 2^53", () => {
    const rng = Rng.root(1);
    expect(() => uniformInt(rng, 0.5, 3)).toThrow(RangeError);
    expect(() => uniformInt(rng, 0, Number.NaN)).toThrow(/maxInclusive/);
    expect(() => uniformInt(rng, 5, 4)).toThrow(/maxInclusive must be >= minInclusive \(5\), got 4/);
    expect(() => uniformInt(rng, -(2 ** 53 - 1), 2 ** 53 - 1)).toThrow(/at most 2\^53/);
  });
});
