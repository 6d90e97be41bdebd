import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMultipleOf } from "../../io/multiple-of.js";

describe("isMultipleOf", () => {
  it("says what % says for non-negative safe integers, past 2^31 and up to 2^53 - 1", () => {
    const value = fc.oneof(fc.nat(), fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 2 ** 53 - 512, 2 ** 53 - 1, 2 ** 40 * 3));
    const unit = fc.oneof(fc.constantFrom(512, 4096, 1, 3, 520), fc.integer({ min: 1, max: 2 ** 20 }));
    fc.assert(
      fc.property(value, unit, fc.boolean(), (v, u, multiple) => {
        // Half the cases a multiple (rounded down to one), so both answers are drawn often.
        const tested = multiple ? Math.floor(v / u) * u : v;
        expect(isMultipleOf(tested, u)).toBe(tested % u === 0);
      }),
      { numRuns: 2000 },
    );
  });
});
