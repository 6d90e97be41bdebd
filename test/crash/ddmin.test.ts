import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ddmin } from "../../scenarios/crash/ddmin.js";

const isSubsequence = (small: readonly number[], big: readonly number[]) => {
  let at = 0;
  for (const item of big) if (item === small[at]) at++;
  return at === small.length;
};

describe("ddmin", () => {
  it("finds exactly the elements a failure needs, in their order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(1000), { minLength: 1, maxLength: 60 }), fc.infiniteStream(fc.boolean()), (items, picks) => {
        const needed = items.filter(() => picks.next().value);
        const fails = (candidate: readonly number[]) => needed.every((item) => candidate.includes(item));
        expect(ddmin(items, fails)).toEqual(needed);
      }),
    );
  });

  it("returns a failing subsequence from which no single element can be removed (1-minimal)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 100 }), (items, threshold) => {
        const sum = (list: readonly number[]) => list.reduce((a, b) => a + b, 0);
        const fails = (candidate: readonly number[]) => sum(candidate) >= threshold;
        fc.pre(fails(items));
        const result = ddmin(items, fails);
        expect(fails(result)).toBe(true);
        expect(isSubsequence(result, items)).toBe(true);
        result.forEach((_, index) => expect(fails([...result.slice(0, index), ...result.slice(index + 1)])).toBe(false));
      }),
    );
  });

  it("shrinks to nothing when the failure needs nothing", () => {
    expect(ddmin([1, 2, 3], () => true)).toEqual([]);
  });
});
