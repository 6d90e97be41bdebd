import type { Segment } from "../../io/payload.js";

/**
 * Small operations on single payload segments that the content store needs on
 * its hot path. io/payload.ts has private equivalents; working on one segment
 * here avoids building a Payload per piece when a write is split into buckets.
 * If payload.ts ever exports its versions, these should be replaced by them.
 */

/** The bytes [fromBytes, fromBytes + lengthBytes) of one segment, sharing its storage. */
export function sliceSegment(segment: Segment, fromBytes: number, lengthBytes: number): Segment {
  if (fromBytes === 0 && lengthBytes === segment.lengthBytes) return segment;
  switch (segment.kind) {
    case "zero":
      return { kind: "zero", lengthBytes };
    case "bytes":
      return { kind: "bytes", lengthBytes, bytes: segment.bytes.subarray(fromBytes, fromBytes + lengthBytes) };
    case "stamp":
      return { kind: "stamp", lengthBytes, stamp: segment.stamp, stampOffsetBytes: segment.stampOffsetBytes + fromBytes };
  }
}

/**
 * `a` followed by `b` as one segment when `b` continues `a` (zeros after
 * zeros, or the next bytes of the same stamp); undefined otherwise. Real bytes
 * are never merged, because that would copy them.
 */
export function mergeSegments(a: Segment, b: Segment): Segment | undefined {
  if (a.kind === "zero" && b.kind === "zero") return { kind: "zero", lengthBytes: a.lengthBytes + b.lengthBytes };
  if (a.kind === "stamp" && b.kind === "stamp" && a.stamp === b.stamp && a.stampOffsetBytes + a.lengthBytes === b.stampOffsetBytes) {
    return { kind: "stamp", lengthBytes: a.lengthBytes + b.lengthBytes, stamp: a.stamp, stampOffsetBytes: a.stampOffsetBytes };
  }
  return undefined;
}

/**
 * What never-written space holds at `offsetBytes`: zeros, or the unwritten
 * stamp at the absolute device offset, so that every address of a fresh
 * source volume has its own recognisable content.
 */
export function unwrittenSegment(unwrittenStamp: number | undefined, offsetBytes: number, lengthBytes: number): Segment {
  if (unwrittenStamp === undefined) return { kind: "zero", lengthBytes };
  return { kind: "stamp", lengthBytes, stamp: unwrittenStamp, stampOffsetBytes: offsetBytes };
}

/** True when `segment`, placed at `offsetBytes`, holds exactly what never-written space holds there. */
export function isUnwrittenContent(segment: Segment, unwrittenStamp: number | undefined, offsetBytes: number): boolean {
  if (unwrittenStamp === undefined) return segment.kind === "zero";
  return segment.kind === "stamp" && segment.stamp === unwrittenStamp && segment.stampOffsetBytes === offsetBytes;
}
