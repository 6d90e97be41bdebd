import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AllowedBySector } from "../../scenarios/crash/allowed-by-sector.js";

/** Small tokens, so that drawn reads often meet a sector's list and often miss it; negatives as origin tokens are. */
const token = fc.integer({ min: -4, max: 6 });
const list = fc.array(token, { maxLength: 3 });

describe("AllowedBySector", () => {
  it("answers as the list of allowed tokens per sector does, through any sequence of changes (model: an array of lists)", () => {
    fc.assert(
      fc.property(
        fc.array(list, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), list), { maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(), fc.array(token, { minLength: 1, maxLength: 8 })), { maxLength: 10 }),
        (initial, changes, reads) => {
          const model = initial.map((tokens) => [...tokens]);
          const allowed = new AllowedBySector(model.length, (flat) => model[flat]!);
          for (const [at, tokens] of changes) {
            const flat = at % model.length;
            model[flat] = tokens;
            allowed.set(flat, tokens);
          }
          expect(allowed.length).toBe(model.length);
          model.forEach((tokens, flat) => expect(allowed.at(flat)).toEqual(tokens));
          for (const [at, tokens] of reads) {
            const first = at % model.length;
            const count = Math.min(tokens.length, model.length - first);
            const expected = tokens.slice(0, count).findIndex((t, i) => !model[first + i]!.includes(t));
            expect(allowed.firstDisallowed(first, Float64Array.from(tokens), count)).toBe(expected);
          }
        },
      ),
    );
  });

  it("refuses a sector outside its range rather than answering for it", () => {
    const allowed = new AllowedBySector(2, () => [7]);
    expect(() => allowed.at(2)).toThrow(/sector 2 is not one of the 2 sectors/);
    expect(() => allowed.at(-1)).toThrow(RangeError);
  });
});
