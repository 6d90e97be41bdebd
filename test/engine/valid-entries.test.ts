import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ValidEntries } from "../../engine/valid-entries.js";

describe("ValidEntries", () => {
  it("gives back every entry pushed, in order, across block boundaries", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 2 ** 32 - 2 })), { maxLength: 50 }),
        // Filler lengths that put the tail just before, on and just after block boundaries: blocks of 256 entries
        // doubling to 64 Ki end at 256, 768, ..., 130,816 entries, then every 64 Ki.
        fc.constantFrom(0, 1, 255, 256, 257, 767, 768, 130_815, 130_816, 130_817, 196_351, 196_352, 196_353),
        (tail, padding) => {
          const entries = new ValidEntries();
          const expected: Array<[number, number, number]> = [];
          for (let i = 0; i < padding; i++) {
            entries.push(i * 3, i % 8, i);
            expected.push([i * 3, i % 8, i]);
          }
          for (const [sourceChunk, slot, copy] of tail) {
            entries.push(sourceChunk, slot, copy);
            expected.push([sourceChunk, slot, copy]);
          }
          const seen: Array<[number, number, number]> = [];
          entries.forEach((sourceChunk, slot, copy) => seen.push([sourceChunk, slot, copy]));
          expect(entries.length).toBe(expected.length);
          expect(seen.length).toBe(expected.length);
          for (let i = 0; i < expected.length; i++) if (seen[i]![0] !== expected[i]![0] || seen[i]![1] !== expected[i]![1] || seen[i]![2] !== expected[i]![2]) expect(seen[i]).toEqual(expected[i]);
        },
      ),
      { numRuns: 30 },
    );
  });
});
