import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Payload, concatPayloads, stampByte } from "../../../io/payload.js";
import { CONTENT_BUCKET_BYTES, ContentStore } from "../../../sim/devices/content-store.js";

const SECTOR_BYTES = 512;
/** Three buckets and a bit: enough for writes to cross every kind of bucket boundary. */
const SPACE_BYTES = 3 * CONTENT_BUCKET_BYTES + 8 * SECTOR_BYTES;
const SPACE_SECTORS = SPACE_BYTES / SECTOR_BYTES;

type PartSpec =
  | { kind: "zero"; sectors: number }
  | { kind: "stamp"; sectors: number; stamp: number; stampOffsetSectors: number }
  | { kind: "bytes"; sectors: number; pattern: number };

interface WriteSpec {
  sector: number;
  parts: PartSpec[];
}

/** Deterministic byte pattern that contains runs of zeros and non-zeros, so zero splitting is exercised. */
function patternBytes(pattern: number, lengthBytes: number): Uint8Array {
  const bytes = new Uint8Array(lengthBytes);
  for (let i = 0; i < lengthBytes; i++) bytes[i] = pattern === 0 || (i >> 6) % 3 === 0 ? 0 : (pattern * 31 + i) & 0xff;
  return bytes;
}

function partPayload(part: PartSpec): Payload {
  const lengthBytes = part.sectors * SECTOR_BYTES;
  switch (part.kind) {
    case "zero":
      return Payload.zero(lengthBytes);
    case "stamp":
      return Payload.stamp(part.stamp, lengthBytes, part.stampOffsetSectors * SECTOR_BYTES);
    case "bytes":
      return Payload.bytes(patternBytes(part.pattern, lengthBytes));
  }
}

function writePayload(spec: WriteSpec): Payload {
  return concatPayloads(spec.parts.map(partPayload));
}

const partArbitrary = (maxSectors: number): fc.Arbitrary<PartSpec> =>
  fc.oneof(
    fc.record({ kind: fc.constant("zero" as const), sectors: fc.integer({ min: 1, max: maxSectors }) }),
    fc.record({
      kind: fc.constant("stamp" as const),
      sectors: fc.integer({ min: 1, max: maxSectors }),
      stamp: fc.integer({ min: 1, max: 4 }),
      stampOffsetSectors: fc.integer({ min: 0, max: 300 }),
    }),
    fc.record({ kind: fc.constant("bytes" as const), sectors: fc.integer({ min: 1, max: Math.min(maxSectors, 16) }), pattern: fc.integer({ min: 0, max: 5 }) }),
  );

/** Cuts a write's parts so that it ends inside the space. */
function clipToSpace(sector: number, parts: PartSpec[]): WriteSpec {
  let room = SPACE_SECTORS - sector;
  const clipped: PartSpec[] = [];
  for (const part of parts) {
    if (room === 0) break;
    const sectors = Math.min(part.sectors, room);
    clipped.push({ ...part, sectors });
    room -= sectors;
  }
  return { sector, parts: clipped };
}

/** Writes anywhere in the space, up to 3 parts of up to 160 sectors (80 KiB) each. */
const writeArbitrary: fc.Arbitrary<WriteSpec> = fc
  .record({ sector: fc.integer({ min: 0, max: SPACE_SECTORS - 1 }), parts: fc.array(partArbitrary(160), { minLength: 1, maxLength: 3 }) })
  .map(({ sector, parts }) => clipToSpace(sector, parts));

/** Writes aimed at bucket boundaries, where splitting is most likely to go wrong. */
const boundaryWriteArbitrary: fc.Arbitrary<WriteSpec> = fc
  .record({ boundary: fc.integer({ min: 1, max: 3 }), before: fc.integer({ min: 0, max: 4 }), parts: fc.array(partArbitrary(6), { minLength: 1, maxLength: 3 }) })
  .map(({ boundary, before, parts }) => clipToSpace((boundary * CONTENT_BUCKET_BYTES) / SECTOR_BYTES - before, parts));

/** The oracle: a plain byte array holding what never-written space holds, then every write in order. */
function oracleFor(unwrittenStamp: number | undefined): Uint8Array {
  const bytes = new Uint8Array(SPACE_BYTES);
  if (unwrittenStamp !== undefined) for (let i = 0; i < SPACE_BYTES; i++) bytes[i] = stampByte(unwrittenStamp, i);
  return bytes;
}

function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} instead of ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Extents are sorted, never overlap, and the size figures add up. */
function checkStructure(store: ContentStore): void {
  let previousEnd = -1;
  let extents = 0;
  let bytes = 0;
  store.forEachExtent((offsetBytes, segment) => {
    expect(offsetBytes).toBeGreaterThanOrEqual(previousEnd);
    expect(segment.lengthBytes).toBeGreaterThan(0);
    // No extent crosses a bucket boundary.
    expect(Math.floor(offsetBytes / CONTENT_BUCKET_BYTES)).toBe(Math.floor((offsetBytes + segment.lengthBytes - 1) / CONTENT_BUCKET_BYTES));
    previousEnd = offsetBytes + segment.lengthBytes;
    extents++;
    bytes += segment.lengthBytes;
  });
  expect(store.extentCount).toBe(extents);
  expect(store.storedBytes).toBe(bytes);
}

describe("ContentStore against a byte-array oracle", () => {
  it("reads back exactly what was written, for zero, stamp and byte payloads across bucket boundaries", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
        fc.array(fc.oneof(writeArbitrary, boundaryWriteArbitrary), { minLength: 1, maxLength: 25 }),
        fc.array(fc.record({ sector: fc.integer({ min: 0, max: SPACE_SECTORS - 1 }), sectors: fc.integer({ min: 1, max: 200 }) }), { maxLength: 10 }),
        // A store told its capacity finds its buckets by address (DirectIntegerMap), else by hash.
        fc.boolean(),
        (unwrittenStamp, writes, reads, bounded) => {
          const store = new ContentStore({ ...(unwrittenStamp === undefined ? {} : { unwrittenStamp }), ...(bounded ? { capacityBytes: SPACE_BYTES } : {}) });
          const oracle = oracleFor(unwrittenStamp);
          for (const spec of writes) {
            const payload = writePayload(spec);
            store.write(spec.sector * SECTOR_BYTES, payload);
            oracle.set(payload.toBytes(), spec.sector * SECTOR_BYTES);
          }
          checkStructure(store);
          for (const { sector, sectors } of reads) {
            const lengthBytes = Math.min(sectors, SPACE_SECTORS - sector) * SECTOR_BYTES;
            const offsetBytes = sector * SECTOR_BYTES;
            const payload = store.read(offsetBytes, lengthBytes);
            expect(payload.lengthBytes).toBe(lengthBytes);
            expectSameBytes(payload.toBytes(), oracle.subarray(offsetBytes, offsetBytes + lengthBytes), `read ${lengthBytes}@${offsetBytes}`);
          }
          expectSameBytes(store.read(0, SPACE_BYTES).toBytes(), oracle, "whole space");
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reads a single written stamp back as one segment even across buckets", () => {
    const store = new ContentStore();
    store.write(CONTENT_BUCKET_BYTES - 4096, Payload.stamp(5, 1024 * 1024, 0));
    const read = store.read(CONTENT_BUCKET_BYTES - 4096, 1024 * 1024);
    expect(read.segments).toEqual([{ kind: "stamp", stamp: 5, stampOffsetBytes: 0, lengthBytes: 1024 * 1024 }]);
  });
});

describe("ContentStore.contentHash", () => {
  it("is equal for two different write histories that leave the same content", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
        fc.array(fc.oneof(writeArbitrary, boundaryWriteArbitrary), { minLength: 1, maxLength: 15 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        (unwrittenStamp, writes, pieceSectors, shuffleSeed) => {
          const options = unwrittenStamp === undefined ? {} : { unwrittenStamp };
          const original = new ContentStore(options);
          for (const spec of writes) original.write(spec.sector * SECTOR_BYTES, writePayload(spec));
          // Rebuild the same content in pieces of other sizes, written in a shuffled order, over some garbage.
          const pieces: Array<{ offsetBytes: number; payload: Payload }> = [];
          let sector = 0;
          for (let i = 0; sector < SPACE_SECTORS; i++) {
            const sectors = Math.min(pieceSectors[i % pieceSectors.length] as number, SPACE_SECTORS - sector);
            pieces.push({ offsetBytes: sector * SECTOR_BYTES, payload: original.read(sector * SECTOR_BYTES, sectors * SECTOR_BYTES) });
            sector += sectors;
          }
          const rebuilt = new ContentStore(options);
          rebuilt.write(0, Payload.stamp(77, SPACE_BYTES));
          let state = shuffleSeed;
          for (let i = pieces.length - 1; i > 0; i--) {
            state = (state * 1103515245 + 12345) % 2147483648;
            const j = state % (i + 1);
            [pieces[i], pieces[j]] = [pieces[j] as (typeof pieces)[number], pieces[i] as (typeof pieces)[number]];
          }
          for (const piece of pieces) rebuilt.write(piece.offsetBytes, piece.payload);
          expect(rebuilt.contentHash()).toBe(original.contentHash());
        },
      ),
      { numRuns: 100 },
    );
  });

  it("is equal exactly when the contents are equal, over a small space where equal contents are common", () => {
    // A tiny alphabet over 8 sectors: zero segments, zero bytes, two stamps at nearby offsets, one byte pattern.
    const tinyPart: fc.Arbitrary<PartSpec> = fc.oneof(
      fc.record({ kind: fc.constant("zero" as const), sectors: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("bytes" as const), sectors: fc.integer({ min: 1, max: 3 }), pattern: fc.constantFrom(0, 1) }),
      fc.record({
        kind: fc.constant("stamp" as const),
        sectors: fc.integer({ min: 1, max: 3 }),
        stamp: fc.constantFrom(1, 2),
        stampOffsetSectors: fc.integer({ min: 0, max: 3 }),
      }),
    );
    const tinyWrite = fc.record({ sector: fc.integer({ min: 0, max: 5 }), parts: fc.array(tinyPart, { minLength: 1, maxLength: 2 }) });
    const history = fc.array(tinyWrite, { maxLength: 4 });
    let equalSeen = 0;
    let differentSeen = 0;
    fc.assert(
      fc.property(fc.constantFrom(undefined, 1), history, history, (unwrittenStamp, left, right) => {
        const options = unwrittenStamp === undefined ? {} : { unwrittenStamp };
        const build = (writes: WriteSpec[]) => {
          const store = new ContentStore(options);
          for (const spec of writes) store.write(spec.sector * SECTOR_BYTES, writePayload(spec));
          return store;
        };
        const a = build(left);
        const b = build(right);
        // Reads past the written sectors hold unwritten content in both, so comparing 16 sectors covers everything.
        const aBytes = a.read(0, 16 * SECTOR_BYTES).toBytes();
        const bBytes = b.read(0, 16 * SECTOR_BYTES).toBytes();
        const sameBytes = aBytes.every((value, i) => value === bBytes[i]);
        if (sameBytes) equalSeen++;
        else differentSeen++;
        expect(a.contentHash() === b.contentHash()).toBe(sameBytes);
      }),
      { numRuns: 1500 },
    );
    // The property is only meaningful if both outcomes occurred.
    expect(equalSeen).toBeGreaterThan(20);
    expect(differentSeen).toBeGreaterThan(20);
  });

  it("distinguishes stores that differ only in how never-written space reads", () => {
    expect(new ContentStore().contentHash()).not.toBe(new ContentStore({ unwrittenStamp: 3 }).contentHash());
  });
});

describe("ContentStore.clone", () => {
  it("gives a copy that writes on either side do not leak into the other", () => {
    const original = new ContentStore();
    original.write(0, Payload.stamp(1, 3 * CONTENT_BUCKET_BYTES));
    const beforeHash = original.contentHash();
    const copy = original.clone();
    copy.write(CONTENT_BUCKET_BYTES + 512, Payload.stamp(2, 4096));
    copy.write(10 * CONTENT_BUCKET_BYTES, Payload.stamp(3, 4096));
    expect(original.contentHash()).toBe(beforeHash);
    expect(original.read(CONTENT_BUCKET_BYTES + 512, 4096).equals(Payload.stamp(1, 4096, CONTENT_BUCKET_BYTES + 512))).toBe(true);
    expect(original.bucketCount).toBe(3);
    original.write(0, Payload.stamp(4, 4096));
    expect(copy.read(0, 4096).equals(Payload.stamp(1, 4096))).toBe(true);
    expect(copy.read(CONTENT_BUCKET_BYTES + 512, 4096).equals(Payload.stamp(2, 4096))).toBe(true);
    expect(copy.bucketCount).toBe(4);
  });
});

describe("ContentStore and lent bytes", () => {
  const filled = (value: number) => new Uint8Array(SECTOR_BYTES).fill(value);
  const readsAs = (store: ContentStore, offsetBytes: number, value: number) => store.read(offsetBytes, SECTOR_BYTES).toBytes().every((byte) => byte === value);

  it("copies lent bytes: the writer may reuse its buffer once the write returns", () => {
    const store = new ContentStore();
    const buffer = filled(1);
    store.write(0, Payload.bytes(buffer));
    buffer.fill(2);
    store.write(4096, Payload.bytes(buffer));
    buffer.fill(3);
    expect(readsAs(store, 0, 1)).toBe(true);
    expect(readsAs(store, 4096, 2)).toBe(true);
  });

  it("writes a sector written again over its own copy, and never changes what a reader or a clone got", () => {
    const store = new ContentStore();
    const arena = (store as unknown as { arena: { top: number } }).arena;
    store.write(SECTOR_BYTES, Payload.bytes(filled(1)));
    const heldBytes = arena.top;
    for (let value = 2; value < 10; value++) store.write(SECTOR_BYTES, Payload.bytes(filled(value)));
    // Written over in place: no new copy per write.
    expect(arena.top).toBe(heldBytes);
    expect(readsAs(store, SECTOR_BYTES, 9)).toBe(true);
    // A reader keeps what it read, whatever is written after.
    const read = store.read(SECTOR_BYTES, SECTOR_BYTES);
    store.write(SECTOR_BYTES, Payload.bytes(filled(3)));
    expect(read.toBytes().every((byte) => byte === 9)).toBe(true);
    expect(readsAs(store, SECTOR_BYTES, 3)).toBe(true);
    // A clone is independent: writes on either side stay on that side.
    const copy = store.clone();
    store.write(SECTOR_BYTES, Payload.bytes(filled(4)));
    copy.write(SECTOR_BYTES, Payload.bytes(filled(5)));
    expect(readsAs(store, SECTOR_BYTES, 4)).toBe(true);
    expect(readsAs(copy, SECTOR_BYTES, 5)).toBe(true);
    // Part of a sector overwritten: the rest keeps its bytes, in a block of its own.
    store.write(SECTOR_BYTES, Payload.stamp(7, 256));
    expect(store.read(SECTOR_BYTES + 256, 256).toBytes().every((byte) => byte === 4)).toBe(true);
    expect(store.read(SECTOR_BYTES, 256).equals(Payload.stamp(7, 256))).toBe(true);
  });

  it("keeps bytes handed over without copying them", () => {
    const store = new ContentStore();
    const bytes = filled(7);
    store.write(0, Payload.handedOver(bytes));
    const segment = store.read(0, SECTOR_BYTES).segments[0]!;
    expect(segment.kind === "bytes" && segment.bytes.buffer).toBe(bytes.buffer);
  });
});

describe("ContentStore never-written space", () => {
  it("reads as zeros without an unwritten stamp", () => {
    const store = new ContentStore();
    expect(store.read(12345 * 512, 8192).segments).toEqual([{ kind: "zero", lengthBytes: 8192 }]);
  });

  it("reads as the unwritten stamp at the absolute device offset", () => {
    const store = new ContentStore({ unwrittenStamp: 9 });
    const offsetBytes = 3 * 2 ** 40 + 4096;
    expect(store.read(offsetBytes, 8192).segments).toEqual([{ kind: "stamp", stamp: 9, stampOffsetBytes: offsetBytes, lengthBytes: 8192 }]);
    // Around a written hole the unwritten stamp keeps following the address.
    store.write(offsetBytes + 4096, Payload.zero(512));
    expect(store.read(offsetBytes, 8192).segments).toEqual([
      { kind: "stamp", stamp: 9, stampOffsetBytes: offsetBytes, lengthBytes: 4096 },
      { kind: "zero", lengthBytes: 512 },
      { kind: "stamp", stamp: 9, stampOffsetBytes: offsetBytes + 4608, lengthBytes: 3584 },
    ]);
  });

  it("stores nothing for writes of what never-written space already holds", () => {
    const zeroStore = new ContentStore();
    zeroStore.write(4096, Payload.zero(1024 * 1024));
    expect(zeroStore.storedBytes).toBe(0);
    expect(zeroStore.contentHash()).toBe(new ContentStore().contentHash());

    const stampStore = new ContentStore({ unwrittenStamp: 9 });
    stampStore.write(4096, Payload.stamp(9, 8192, 4096));
    expect(stampStore.storedBytes).toBe(0);
    expect(stampStore.contentHash()).toBe(new ContentStore({ unwrittenStamp: 9 }).contentHash());
    // The same stamp at another offset is real content.
    stampStore.write(4096, Payload.stamp(9, 8192, 0));
    expect(stampStore.storedBytes).toBe(8192);
  });

  it("forgets content overwritten back to the unwritten state", () => {
    const store = new ContentStore();
    store.write(CONTENT_BUCKET_BYTES - 512, Payload.stamp(1, 1024));
    expect(store.bucketCount).toBe(2);
    store.write(CONTENT_BUCKET_BYTES - 512, Payload.zero(1024));
    expect(store.bucketCount).toBe(0);
    expect(store.storedBytes).toBe(0);
  });
});

describe("ContentStore memory", () => {
  it("stays proportional to written data for 100,000 scattered 4 KiB writes over a 16 TiB device", () => {
    const capacityBytes = 16 * 2 ** 40;
    const blocks = capacityBytes / 4096;
    const store = new ContentStore();
    const offsets: number[] = [];
    // A multiplicative walk over the 4 KiB blocks visits distinct, scattered blocks.
    let block = 12345;
    for (let i = 0; i < 100_000; i++) {
      block = (block * 48271 + 11) % blocks;
      offsets.push(block * 4096);
      store.write(block * 4096, Payload.stamp(i + 1, 4096));
    }
    const distinct = new Set(offsets.map((offsetBytes) => Math.floor(offsetBytes / 4096))).size;
    expect(store.storedBytes).toBe(distinct * 4096);
    expect(store.extentCount).toBe(distinct);
    expect(store.bucketCount).toBeLessThanOrEqual(100_000);
    const last = offsets[offsets.length - 1] as number;
    expect(store.read(last, 4096).equals(Payload.stamp(100_000, 4096))).toBe(true);
    // A read far wider than the written data walks the written buckets, not the address space.
    const whole = store.read(0, capacityBytes);
    expect(whole.lengthBytes).toBe(capacityBytes);
    expect(whole.segments.filter((segment) => segment.kind === "stamp").length).toBe(distinct);
  });

  it("rejects negative or fractional ranges", () => {
    const store = new ContentStore();
    expect(() => store.read(-512, 512)).toThrow(RangeError);
    expect(() => store.write(0.5, Payload.zero(512))).toThrow(RangeError);
  });
});
