import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAllZero, wordsAllZero } from "../../io/all-zero.js";

describe("isAllZero", () => {
  it("agrees with every byte being zero, for any bytes and any single non-zero byte anywhere", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600, size: "max" }), (bytes) => {
        expect(isAllZero(bytes)).toBe(bytes.every((b) => b === 0));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (length, at, value) => {
        const bytes = new Uint8Array(length);
        expect(isAllZero(bytes)).toBe(true);
        bytes[at % length] = value;
        expect(isAllZero(bytes)).toBe(false);
        // A view into a larger buffer looks at its own bytes only.
        expect(isAllZero(new Uint8Array(bytes.buffer, 0, at % length))).toBe(true);
        // Large and aligned (read a word at a time) or not, from any offset.
        for (const from of [0, 4, 1]) if (from <= at % length) expect(isAllZero(bytes.subarray(from))).toBe(false);
        if (at % length >= 4) expect(isAllZero(bytes.subarray(0, at % length - ((at % length) % 4)))).toBe(true);
      }),
    );
  });
});

describe("wordsAllZero", () => {
  it("agrees with every word of [from, to) being zero, and looks at no word outside it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.nat(), fc.nat(), fc.nat(), (length, a, b, at) => {
        const words = new Int32Array(length + 1);
        const from = length === 0 ? 0 : a % (length + 1);
        const to = from + (length === 0 ? 0 : b % (length - from + 1));
        expect(wordsAllZero(words, from, to)).toBe(true);
        const where = at % (length + 1);
        words[where] = -1;
        expect(wordsAllZero(words, from, to)).toBe(where < from || where >= to);
        expect(wordsAllZero(words)).toBe(false);
      }),
    );
  });
});
