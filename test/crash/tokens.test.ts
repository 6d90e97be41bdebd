import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Payload, type Segment } from "../../io/payload.js";
import { TokenBuffer, allows, tokensInto, tokensOf } from "../../scenarios/crash/tokens.js";
import { SOURCE_ORIGIN_STAMP } from "../../scenarios/runner/build-devices.js";

const SECTOR_BYTES = 512;

/** tokensOf as first written: over payload.normalized(), a fresh array per call. */
function referenceTokens(payload: Payload): number[] {
  const out: number[] = [];
  for (const segment of payload.normalized()) {
    const sectors = segment.lengthBytes / SECTOR_BYTES;
    for (let i = 0; i < sectors; i++) {
      if (segment.kind === "zero") out.push(0);
      else if (segment.kind === "bytes") out.push(-1);
      else if (segment.stamp === SOURCE_ORIGIN_STAMP) out.push(-2 - (segment.stampOffsetBytes / SECTOR_BYTES + i));
      else out.push(segment.stamp * 2 ** 24 + segment.stampOffsetBytes / SECTOR_BYTES + i);
    }
  }
  return out;
}

/** Segments cut at sector boundaries and inside sectors, zero-length ones, stamps that do and do not continue each other. */
const lengthArbitrary = fc.oneof(fc.constantFrom(0, 256, SECTOR_BYTES, 2 * SECTOR_BYTES, 3 * SECTOR_BYTES), fc.integer({ min: 1, max: 3 * SECTOR_BYTES }));
const segmentArbitrary: fc.Arbitrary<Segment> = fc.oneof(
  lengthArbitrary.map((lengthBytes): Segment => ({ kind: "zero", lengthBytes })),
  lengthArbitrary.map((lengthBytes): Segment => ({ kind: "bytes", lengthBytes, bytes: new Uint8Array(lengthBytes) })),
  fc.record({ lengthBytes: lengthArbitrary, stamp: fc.constantFrom(5, 6, SOURCE_ORIGIN_STAMP), sector: fc.integer({ min: 0, max: 6 }) }).map(({ lengthBytes, stamp, sector }): Segment => ({ kind: "stamp", lengthBytes, stamp, stampOffsetBytes: sector * SECTOR_BYTES })),
);

/** Cuts some stamp segments in two so that their halves continue each other. */
function withSplits(segments: Segment[], cuts: number[]): Segment[] {
  return segments.flatMap((segment, i) => {
    const cut = cuts[i % Math.max(1, cuts.length)] ?? 0;
    if (segment.kind !== "stamp" || cut <= 0 || cut >= segment.lengthBytes) return [segment];
    return [
      { ...segment, lengthBytes: cut },
      { ...segment, lengthBytes: segment.lengthBytes - cut, stampOffsetBytes: segment.stampOffsetBytes + cut },
    ];
  });
}

describe("crash checker tokens", () => {
  it("equal the tokens of the normalized payload, whatever the cut, also into a reused buffer", () => {
    // Small, so that it has to grow; it starts with leftovers of an earlier chunk.
    const buffer = new TokenBuffer();
    buffer.values = new Float64Array(2);
    buffer.push(42);
    fc.assert(
      fc.property(fc.array(segmentArbitrary, { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 2 * SECTOR_BYTES }), { maxLength: 4 }), (segments, cuts) => {
        const payload = new Payload(withSplits(segments, cuts));
        const expected = referenceTokens(payload);
        expect(tokensOf(payload, SECTOR_BYTES)).toEqual(expected);
        expect(tokensInto(payload, SECTOR_BYTES, buffer)).toBe(buffer);
        expect(Array.from(buffer.values.subarray(0, buffer.length))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("are allowed exactly when includes() finds them", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(7 * 2 ** 24 + 3))), fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(7 * 2 ** 24 + 3)), (allowed, token) => {
        expect(allows(allowed, token)).toBe(allowed.includes(token));
      }),
    );
  });
});
