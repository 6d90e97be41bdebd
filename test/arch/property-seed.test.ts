import { describe, expect, it } from "vitest";
import fc from "fast-check";

/** The values a property is first given, drawn as fc.assert draws them. */
function firstDraws(): number[] {
  const seen: number[] = [];
  fc.assert(
    fc.property(fc.integer(), (value) => {
      seen.push(value);
    }),
    { numRuns: 5 },
  );
  return seen;
}

describe("fast-check's seed in the suite", () => {
  it("is fixed by test/setup.ts, so two runs of a property draw the same inputs", () => {
    expect(fc.readConfigureGlobal().seed).toBe(Number(process.env.PROPERTY_SEED ?? 1));
    expect(firstDraws()).toEqual(firstDraws());
  });
});
