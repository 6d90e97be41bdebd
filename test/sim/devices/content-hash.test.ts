import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Segment } from "../../../io/payload.js";
import { CanonicalContentHasher } from "../../../sim/devices/content-hash.js";

/** Hashes bytes cut into segments at `cuts`, each piece given as zeros when it is all zero and `asZero` says so. */
function hashCut(bytes: Uint8Array, cuts: readonly number[], asZero: readonly boolean[], unwrittenStamp: number | undefined): string {
  const hasher = new CanonicalContentHasher(unwrittenStamp);
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const piece = bytes.subarray(bounds[i]!, bounds[i + 1]!);
    const segment: Segment = piece.every((b) => b === 0) && asZero[i % asZero.length] === true ? { kind: "zero", lengthBytes: piece.length } : { kind: "bytes", lengthBytes: piece.length, bytes: piece };
    hasher.add(segment, bounds[i]!);
  }
  return hasher.digest();
}

describe("canonical content hash", () => {
  // Bytes with zero runs both shorter and longer than the long-run threshold, cut anywhere.
  const content = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 40 }).chain((values) =>
    fc.array(fc.integer({ min: 0, max: 90 }), { maxLength: 6 }).map((runs) => {
      const out: number[] = [];
      values.forEach((value, i) => {
        out.push(value);
        if (value === 0) for (let k = 0; k < (runs[i % Math.max(1, runs.length)] ?? 0); k++) out.push(0);
      });
      return new Uint8Array(out);
    }),
  );

  it("depends on the bytes, not on how they were cut into segments or which zeros were zero segments", () => {
    fc.assert(
      fc.property(content, fc.array(fc.nat(200)), fc.array(fc.nat(200)), fc.array(fc.boolean(), { minLength: 1 }), fc.constantFrom(undefined, 5), (bytes, cutsA, cutsB, asZero, unwritten) => {
        expect(hashCut(bytes, cutsA, asZero, unwritten)).toBe(hashCut(bytes, cutsB, [false], unwritten));
      }),
      { numRuns: 500 },
    );
  });

  it("tells different bytes apart, short zero runs included", () => {
    const a = new Uint8Array([1, 0, 0, 2]);
    const b = new Uint8Array([1, 0, 2, 0]);
    expect(hashCut(a, [1, 3], [true], undefined)).not.toBe(hashCut(b, [1, 3], [true], undefined));
    expect(hashCut(new Uint8Array([1, 0, 2]), [], [false], undefined)).not.toBe(hashCut(new Uint8Array([1, 2]), [], [false], undefined));
  });
});
