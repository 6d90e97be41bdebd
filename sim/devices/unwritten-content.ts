import type { Segment } from "../../io/payload.js";

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
