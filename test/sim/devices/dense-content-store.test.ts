import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Payload, concatPayloads, type Segment } from "../../../io/payload.js";
import { CONTENT_BUCKET_BYTES, ContentStore } from "../../../sim/devices/content-store.js";
import { BYTES } from "../../../sim/devices/extent-run.js";
import { ReferenceContentStore } from "./reference-content-store.js";

/**
 * The dense ContentStore (typed-array columns) against the object layout it
 * replaced, kept in reference-content-store.ts: the simulator's results depend
 * on reads coming back cut into the same segments, and on the same extent,
 * bucket and byte counts, not only on the same bytes.
 */
const SPACE_BYTES = 3 * CONTENT_BUCKET_BYTES;

type Op =
  | { op: "write"; offsetBytes: number; parts: Array<{ kind: "zero" | "stamp" | "bytes" | "handed-over"; lengthBytes: number; stamp: number; stampOffsetBytes: number }> }
  | { op: "read"; offsetBytes: number; lengthBytes: number }
  /** A prefetch hint (ContentStore.touch): it must change nothing, whatever the offsets. */
  | { op: "touch"; offsetsBytes: number[] }
  | { op: "clone" }
  /** Writes what continues the last stamp written, right after it: an extent that must merge with its left neighbour. */
  | { op: "continue"; lengthBytes: number }
  /** Writes what the last stamp written continues, right before it: an extent that must merge with its right neighbour. */
  | { op: "precede"; lengthBytes: number };

/** Lengths from a few bytes to past a bucket, at byte granularity (many extents per bucket) or in 512-byte sectors. */
const lengthArbitrary = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 4 }).map((n) => n * 512), fc.integer({ min: 1, max: CONTENT_BUCKET_BYTES + 4096 }));
/** Anywhere at byte granularity, or on one of a few sectors in each bucket, so that writes often meet end to end and merge. */
const offsetArbitrary = fc.oneof(
  fc.integer({ min: 0, max: SPACE_BYTES - 1 }),
  fc.record({ bucket: fc.integer({ min: 0, max: 2 }), sector: fc.integer({ min: -2, max: 6 }) }).map(({ bucket, sector }) => Math.max(0, bucket * CONTENT_BUCKET_BYTES + sector * 512)),
);
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("write" as const),
      offsetBytes: offsetArbitrary,
      parts: fc.array(
        fc.record({
          // Handed-over bytes are kept as their segments (a side column), lent ones copied into the arena.
          kind: fc.constantFrom("zero" as const, "stamp" as const, "bytes" as const, "handed-over" as const),
          lengthBytes: lengthArbitrary,
          // Few stamps and offsets that follow the address often, so that neighbouring extents merge.
          stamp: fc.integer({ min: 1, max: 3 }),
          stampOffsetBytes: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 4096 })),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("read" as const), offsetBytes: offsetArbitrary, lengthBytes: lengthArbitrary }) },
  { weight: 1, arbitrary: fc.constant({ op: "clone" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("touch" as const),
      offsetsBytes: fc.array(fc.oneof(offsetArbitrary, fc.constantFrom(-1, -CONTENT_BUCKET_BYTES, Number.NaN, Infinity, SPACE_BYTES, 2 ** 52)), { maxLength: 20 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("continue" as const), lengthBytes: lengthArbitrary }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("precede" as const), lengthBytes: fc.constantFrom(1, 64, 512, 1024) }) },
);

function payloadOf(offsetBytes: number, parts: Extract<Op, { op: "write" }>["parts"]): Payload {
  let position = offsetBytes;
  const payloads = parts.map((part) => {
    const lengthBytes = Math.min(part.lengthBytes, SPACE_BYTES - position);
    const at = position;
    position += lengthBytes;
    if (part.kind === "zero") return Payload.zero(lengthBytes);
    if (part.kind === "bytes" || part.kind === "handed-over") {
      const bytes = Uint8Array.from({ length: lengthBytes }, (_, i) => (part.stamp * 7 + i) & 0xff);
      return part.kind === "bytes" ? Payload.bytes(bytes) : Payload.handedOver(bytes);
    }
    // -1: the stamp at the address, so that consecutive parts and the unwritten stamp continue each other.
    return Payload.stamp(part.stamp, lengthBytes, part.stampOffsetBytes === -1 ? at : part.stampOffsetBytes);
  });
  return concatPayloads(payloads.filter((payload) => payload.lengthBytes > 0));
}

/**
 * The store's segment column holds a segment exactly for the BYTES slots in
 * use: a segment left in a slot that no longer holds one keeps a write's bytes
 * alive, which reads cannot show.
 */
function expectSegmentsOnlyInBytesSlots(store: ContentStore): void {
  const inner = store as unknown as {
    buckets: { keys(): number[]; get(key: number): number };
    bucketBase: Int32Array;
    bucketLength: Int32Array;
    kinds: Uint8Array;
    bytesSegments: Array<unknown> | undefined;
  };
  const bytesSlots: number[] = [];
  for (const key of inner.buckets.keys()) {
    const id = inner.buckets.get(key);
    for (let slot = inner.bucketBase[id]!; slot < inner.bucketBase[id]! + inner.bucketLength[id]!; slot++) if (inner.kinds[slot] === BYTES) bytesSlots.push(slot);
  }
  const held: number[] = [];
  (inner.bytesSegments ?? []).forEach((segment, slot) => {
    if (segment !== undefined) held.push(slot);
  });
  expect(held).toEqual(bytesSlots.sort((a, b) => a - b));
}

/** A segment as plain data (bytes as an array), so that segmentations compare exactly. */
function plain(segment: Segment): unknown {
  if (segment.kind === "bytes") return { kind: "bytes", lengthBytes: segment.lengthBytes, bytes: [...segment.bytes] };
  if (segment.kind === "zero") return { kind: "zero", lengthBytes: segment.lengthBytes };
  return { kind: "stamp", lengthBytes: segment.lengthBytes, stamp: segment.stamp, stampOffsetBytes: segment.stampOffsetBytes };
}

function extentsOf(store: { forEachExtent(visit: (offsetBytes: number, segment: Segment) => void): void }): unknown[] {
  const out: unknown[] = [];
  store.forEachExtent((offsetBytes, segment) => out.push([offsetBytes, plain(segment)]));
  return out;
}

function expectSame(dense: ContentStore, reference: ReferenceContentStore): void {
  expect(dense.extentCount).toBe(reference.extentCount);
  expect(dense.bucketCount).toBe(reference.bucketCount);
  expect(dense.storedBytes).toBe(reference.storedBytes);
  expect(extentsOf(dense)).toEqual(extentsOf(reference));
}

describe("dense ContentStore against the object layout it replaced", () => {
  it("reads the same segments and keeps the same counts through writes, reads and clones", () => {
    fc.assert(
      // `bounded`: the dense store is told its capacity, and finds its buckets by address (DirectIntegerMap).
      fc.property(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), fc.array(opArbitrary, { minLength: 1, maxLength: 40 }), fc.boolean(), (unwrittenStamp, ops, bounded) => {
        const options = unwrittenStamp === undefined ? {} : { unwrittenStamp };
        // Pairs of (dense, reference) stores; a clone adds a pair, and later ops go to every pair.
        const pairs: Array<[ContentStore, ReferenceContentStore]> = [[new ContentStore({ ...options, ...(bounded ? { capacityBytes: SPACE_BYTES } : {}) }), new ReferenceContentStore(options)]];
        /** The last stamp written: where it starts and ends, and its stamp offsets there. */
        let lastStamp: { startBytes: number; endBytes: number; stamp: number; stampStartBytes: number; stampEndBytes: number } | undefined;
        for (const op of ops) {
          let continued: { offsetBytes: number; payload: Payload } | undefined;
          if (op.op === "continue" && lastStamp !== undefined && lastStamp.endBytes < SPACE_BYTES) {
            const lengthBytes = Math.min(op.lengthBytes, SPACE_BYTES - lastStamp.endBytes);
            continued = { offsetBytes: lastStamp.endBytes, payload: Payload.stamp(lastStamp.stamp, lengthBytes, lastStamp.stampEndBytes) };
            lastStamp = { ...lastStamp, endBytes: lastStamp.endBytes + lengthBytes, stampEndBytes: lastStamp.stampEndBytes + lengthBytes };
          }
          if (op.op === "precede" && lastStamp !== undefined && lastStamp.startBytes >= op.lengthBytes && lastStamp.stampStartBytes >= op.lengthBytes) {
            const offsetBytes = lastStamp.startBytes - op.lengthBytes;
            continued = { offsetBytes, payload: Payload.stamp(lastStamp.stamp, op.lengthBytes, lastStamp.stampStartBytes - op.lengthBytes) };
            lastStamp = { ...lastStamp, startBytes: offsetBytes, stampStartBytes: lastStamp.stampStartBytes - op.lengthBytes };
          }
          if (op.op === "write") {
            const payload = payloadOf(op.offsetBytes, op.parts);
            const last = payload.segments.at(-1);
            if (last?.kind === "stamp") {
              const endBytes = op.offsetBytes + payload.lengthBytes;
              const startBytes = endBytes - last.lengthBytes;
              lastStamp = { startBytes, endBytes, stamp: last.stamp, stampStartBytes: last.stampOffsetBytes, stampEndBytes: last.stampOffsetBytes + last.lengthBytes };
            }
          }
          for (const [dense, reference] of [...pairs]) {
            if (op.op === "continue" || op.op === "precede") {
              if (continued === undefined) continue;
              dense.write(continued.offsetBytes, continued.payload);
              reference.write(continued.offsetBytes, continued.payload);
            } else if (op.op === "clone") {
              pairs.push([dense.clone(), reference.clone()]);
            } else if (op.op === "touch") {
              // Offsets past the ones counted are not read: the scratch the store reuses may be longer than `count`.
              expect(Number.isFinite(dense.touch([...op.offsetsBytes, Number.NaN], op.offsetsBytes.length))).toBe(true);
            } else if (op.op === "write") {
              const payload = payloadOf(op.offsetBytes, op.parts);
              dense.write(op.offsetBytes, payload);
              reference.write(op.offsetBytes, payload);
            } else {
              const lengthBytes = Math.min(op.lengthBytes, SPACE_BYTES - op.offsetBytes);
              expect(dense.read(op.offsetBytes, lengthBytes).segments.map(plain)).toEqual(reference.read(op.offsetBytes, lengthBytes).segments.map(plain));
            }
          }
          if (pairs.length > 4) pairs.splice(1, 1);
        }
        for (const [dense, reference] of pairs) {
          expectSegmentsOnlyInBytesSlots(dense);
          expectSame(dense, reference);
          expect(dense.read(0, SPACE_BYTES).segments.map(plain)).toEqual(reference.read(0, SPACE_BYTES).segments.map(plain));
          expect(dense.contentHash()).toBe(reference.contentHash());
        }
      }),
      { numRuns: 200 },
    );
  });

  it("frees a bucket's slots and arena blocks for reuse when it empties, and keeps no byte arrays of overwritten sectors", () => {
    const store = new ContentStore();
    const reference = new ReferenceContentStore();
    const columns = store as unknown as { slotTop: number; bytesSegments: unknown[] | undefined; arena: { top: number } };
    const both = (offsetBytes: number, payload: Payload) => {
      store.write(offsetBytes, payload);
      reference.write(offsetBytes, payload);
    };
    for (let round = 0; round < 50; round++) {
      // Lent sectors go into the arena; handed-over ones are kept as their segments.
      for (let sector = 0; sector < 128; sector++) {
        const bytes = new Uint8Array(512).fill(round + 1);
        both(sector * 512, sector % 2 === 0 ? Payload.bytes(bytes) : Payload.handedOver(bytes));
      }
      expect(columns.bytesSegments!.filter((segment) => segment !== undefined).length).toBe(64);
      // One stamp over the whole bucket: 128 extents become one in place, and the 127 freed slots let go of their bytes.
      both(0, Payload.stamp(round + 1, CONTENT_BUCKET_BYTES));
      expect(columns.bytesSegments!.every((segment) => segment === undefined)).toBe(true);
      both(0, Payload.bytes(new Uint8Array(512).fill(1)));
      both(0, Payload.zero(CONTENT_BUCKET_BYTES));
      expectSame(store, reference);
      expect(store.bucketCount).toBe(0);
    }
    // One bucket of up to 128 extents at a time: a block of 128 slots and the blocks it grew through, reused every round;
    // and the arena never holds more than one round's 64 lent sectors, its blocks reused round after round.
    expect(columns.slotTop).toBeLessThanOrEqual(256);
    expect(columns.arena.top).toBeLessThanOrEqual(64 * 512);
    expect(columns.bytesSegments!.every((segment) => segment === undefined)).toBe(true);
  });
});
