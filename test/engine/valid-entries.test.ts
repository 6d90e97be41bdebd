import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ValidEntries } from "../../engine/valid-entries.js";

/** A run as pushed: source chunk, slot mask (at least one bit), copy. */
type Run = [number, number, number];

const runArbitrary = fc.tuple(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 0, max: 2 ** 32 - 2 }));

describe("ValidEntries", () => {
  it("gives back every run pushed, in order, and counts every entry of them, across block boundaries", () => {
    fc.assert(
      fc.property(
        fc.array(runArbitrary, { maxLength: 50 }),
        // Filler lengths that put the tail just before, on and just after block boundaries: blocks of 256 runs
        // doubling to 64 Ki end at 256, 768, ..., 130,816 runs, then every 64 Ki.
        fc.constantFrom(0, 1, 255, 256, 257, 767, 768, 130_815, 130_816, 130_817, 196_351, 196_352, 196_353),
        (tail, padding) => {
          const entries = new ValidEntries();
          const expectedRuns: Run[] = [];
          for (let i = 0; i < padding; i++) expectedRuns.push([i * 3, 1 << (i % 8), i]);
          expectedRuns.push(...tail);
          for (const [sourceChunk, slots, copy] of expectedRuns) entries.push(sourceChunk, slots, copy);
          const expectedEntries: Run[] = [];
          for (const [sourceChunk, slots, copy] of expectedRuns) for (let slot = 0; slot < 8; slot++) if ((slots >> slot) & 1) expectedEntries.push([sourceChunk, slot, copy]);

          const runs: Run[] = [];
          entries.forEachRun((sourceChunk, slots, copy) => runs.push([sourceChunk, slots, copy]));
          expect(entries.length).toBe(expectedEntries.length);
          expect(runs.length).toBe(expectedRuns.length);
          const same = (a: Run, b: Run) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
          for (let i = 0; i < expectedRuns.length; i++) if (!same(runs[i]!, expectedRuns[i]!)) expect(runs[i]).toEqual(expectedRuns[i]);
        },
      ),
      { numRuns: 30 },
    );
  });
});
