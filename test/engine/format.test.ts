import { describe, expect, it } from "vitest";
import { GeometryError, MountError, computeLayout, formatCacheLu, makeCommitPolicy } from "../../engine/index.js";
import { Payload } from "../../io/payload.js";
import { Rig, causeOf } from "./rig.js";
import {
  FORMAT_VERSION,
  decodeDlmMetadata,
  decodeHeader,
  decodeMapSector,
  decodeRecord,
  decodeRegionBitmapSector,
  encodeDlmMetadata,
  encodeHeader,
  encodeMapSector,
  encodeRecord,
  encodeRecordFromColumns,
  encodeRegionBitmapSector,
  emptyRecord,
  sealSector,
} from "../../engine/on-disk/codec.js";
import { crc32 } from "node:zlib";
import fc from "fast-check";

const KiB = 1024;
const geometry = { sectorSizeBytes: 512, chunkSizeBytes: 64 * KiB, regionSizeBytes: 4 * KiB, sourceCapacityBytes: 64 * 1024 * KiB, cacheCapacityBytes: 16 * 1024 * KiB };

describe("format geometry", () => {
  it("lays the areas out in DESIGN.md's order without overlap", () => {
    const layout = computeLayout(geometry);
    const order = [
      layout.headerSector,
      layout.tocSector,
      layout.dlmMetadataSectors[0],
      layout.repositoryMetadataSectors[0],
      layout.metadataBitmapSector,
      layout.initializedBitmapFirstSector,
      layout.modifiedBitmapFirstSector,
      layout.mapFirstSector,
      layout.recordsFirstSector,
      layout.chunksOffsetBytes / 512,
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
    expect(layout.chunksOffsetBytes + layout.cofwChunkCount * geometry.chunkSizeBytes).toBeLessThanOrEqual(geometry.cacheCapacityBytes);
    expect(layout.recordCount * layout.chunksPerRecord).toBeGreaterThanOrEqual(layout.cofwChunkCount);
    expect(layout.regionCount * layout.entriesPerRegion).toBeGreaterThanOrEqual(layout.sourceChunkCount);
  });

  it("starts the COFW chunks at a multiple of the chunk size and fits as many as the Cache LU can hold", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(512, 4096),
        fc.integer({ min: 12, max: 20 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 1, max: 64 * 1024 }),
        (sectorSizeBytes, chunkShift, regionSectors, sourceMiB, cacheSectorsOver) => {
          const chunkSizeBytes = 2 ** chunkShift;
          const candidate = {
            sectorSizeBytes,
            chunkSizeBytes,
            regionSizeBytes: regionSectors * sectorSizeBytes,
            sourceCapacityBytes: sourceMiB * 1024 * KiB,
            cacheCapacityBytes: 8 * 1024 * KiB + cacheSectorsOver * sectorSizeBytes,
          };
          let layout;
          try {
            layout = computeLayout(candidate);
          } catch (error) {
            if (error instanceof GeometryError && /too small/.test(error.message)) return;
            throw error;
          }
          const recordsEndBytes = (layout.recordsFirstSector + layout.recordCount) * sectorSizeBytes;
          expect(layout.chunksOffsetBytes % chunkSizeBytes).toBe(0);
          expect(layout.chunksOffsetBytes).toBeGreaterThanOrEqual(recordsEndBytes);
          expect(layout.chunksOffsetBytes - recordsEndBytes).toBeLessThan(chunkSizeBytes);
          expect(layout.chunksOffsetBytes + layout.cofwChunkCount * chunkSizeBytes).toBeLessThanOrEqual(candidate.cacheCapacityBytes);
          // One chunk more would not fit, with its record and its alignment.
          const more = layout.cofwChunkCount + 1;
          const moreRecordsEnd = (layout.recordsFirstSector + Math.ceil(more / layout.chunksPerRecord)) * sectorSizeBytes;
          const moreOffset = Math.ceil(moreRecordsEnd / chunkSizeBytes) * chunkSizeBytes;
          expect(moreOffset + more * chunkSizeBytes).toBeGreaterThan(candidate.cacheCapacityBytes);
        },
      ),
      { seed: 1203, numRuns: 300 },
    );
  });

  it.each([
    [{ chunkSizeBytes: 48 * KiB }, /power of two/],
    [{ chunkSizeBytes: 2 * KiB }, /4 KiB to 1 MiB/],
    [{ chunkSizeBytes: 2048 * KiB }, /4 KiB to 1 MiB/],
    [{ sectorSizeBytes: 1024 }, /512 or 4096/],
    [{ regionSizeBytes: 1000 }, /multiple of the 512-byte sector/],
    [{ cacheCapacityBytes: 64 * KiB }, /too small/],
    [{ sourceCapacityBytes: 1000 }, /Source LU capacity/],
  ])("refuses %o", (change, message) => {
    expect(() => computeLayout({ ...geometry, ...change })).toThrow(GeometryError);
    expect(() => computeLayout({ ...geometry, ...change })).toThrow(message);
  });

  it("costs nothing up front for a 16 TiB Source LU: the map is addressed, not allocated", () => {
    const layout = computeLayout({ ...geometry, sourceCapacityBytes: 16 * 1024 ** 4, cacheCapacityBytes: 64 * 1024 ** 3, regionSizeBytes: 64 * KiB });
    expect(layout.sourceChunkCount).toBe(2 ** 28);
    expect(layout.cofwChunkCount).toBeGreaterThan(0);
  });

  it("holds a Cache LU to 2^32 - 2 COFW chunks, however large: a map entry stores copy + 1 in 32 bits", () => {
    const layout = computeLayout({ ...geometry, chunkSizeBytes: 4 * KiB, cacheCapacityBytes: 20 * 1024 ** 4 });
    expect(layout.cofwChunkCount).toBe(2 ** 32 - 2);
    expect(layout.recordCount).toBe(Math.ceil((2 ** 32 - 2) / layout.chunksPerRecord));
  });
});

describe("on-disk codec", () => {
  const layout = computeLayout(geometry);

  it("round-trips the header and refuses one with a flipped bit", () => {
    const bytes = encodeHeader({ version: FORMAT_VERSION, valid: true, geometry });
    const decoded = decodeHeader(bytes);
    expect(decoded.ok && decoded.value).toEqual({ version: FORMAT_VERSION, valid: true, geometry });
    bytes[40] = bytes[40]! ^ 1;
    expect(decodeHeader(bytes)).toEqual({ ok: false, problem: "bad-checksum" });
    // Capacities past 2^32 bytes (a 16 TiB Source LU, a 1 TiB Cache LU) keep every bit.
    const wide = { ...geometry, sourceCapacityBytes: 16 * 1024 ** 4 + 512, cacheCapacityBytes: 1024 ** 4 + 512 };
    const decodedWide = decodeHeader(encodeHeader({ version: FORMAT_VERSION, valid: true, geometry: wide }));
    expect(decodedWide.ok && decodedWide.value.geometry).toEqual(wide);
  });

  it("round-trips slots and knows which copy a sector belongs to", () => {
    const metadata = {
      nextSequence: 9,
      slots: Array.from({ length: 8 }, (_, i) => ({ state: i % 2 === 0 ? ("active" as const) : ("free" as const), sequence: i + 1, endReason: i === 3 ? ("terminated-cache-full" as const) : ("none" as const) })),
    };
    const bytes = encodeDlmMetadata(layout, 1, 7, metadata);
    const decoded = decodeDlmMetadata(layout, 1, bytes);
    expect(decoded.ok && decoded.value).toEqual(metadata);
    expect(decoded.ok && decoded.generation).toBe(7);
    // The same bytes read as copy 0 were written somewhere else: a misdirected write.
    expect(decodeDlmMetadata(layout, 0, bytes)).toEqual({ ok: false, problem: "bad-location" });
    // Sequence numbers use all 32 bits: a long run's sessions are numbered past 65,535.
    const late = { nextSequence: 2 ** 32 - 1, slots: metadata.slots.map((slot, i) => ({ ...slot, sequence: 2 ** 32 - 2 - i })) };
    const decodedLate = decodeDlmMetadata(layout, 1, encodeDlmMetadata(layout, 1, 7, late));
    expect(decodedLate.ok && decodedLate.value).toEqual(late);
  });

  it("round-trips allocation records, 48-bit source chunks included", () => {
    const record = emptyRecord(layout);
    record.sessionIds.set([3, 0, 7, 0, 0, 0, 0, 12]);
    for (let i = 0; i < layout.chunksPerRecord; i += 3) {
      record.allocated[i] = 1;
      record.inCache[i] = i % 2;
      record.masks[i] = (i * 37) & 0xff;
      record.sourceChunks[i] = 2 ** 47 + i * 1_000_003;
    }
    const decoded = decodeRecord(layout, 5, encodeRecord(layout, 5, record));
    expect(decoded.ok && decoded.value).toEqual(record);
  });

  it("encodes a record from chunk columns as the record they describe: free, allocated, or in cache with its mask", () => {
    const n = layout.chunksPerRecord;
    fc.assert(
      fc.property(
        fc.array(fc.record({ state: fc.integer({ min: 0, max: 3 }), mask: fc.integer({ min: 0, max: 255 }), source: fc.oneof(fc.nat(1000), fc.constant(2 ** 47 + 5)) }), { minLength: n + 3, maxLength: n + 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: n }),
        (chunks, first, count) => {
          const states = Uint8Array.from(chunks, (c) => c.state);
          const masks = Uint8Array.from(chunks, (c) => c.mask);
          const sources = Float64Array.from(chunks, (c) => c.source);
          const sessionIds = [3, 0, 7, 0, 0, 0, 0, 12];
          const record = emptyRecord(layout);
          record.sessionIds.set(sessionIds);
          for (let i = 0; i < count; i++) {
            const state = states[first + i]!;
            if (state === 0) continue;
            record.allocated[i] = 1;
            record.inCache[i] = state >= 2 ? 1 : 0;
            record.masks[i] = state >= 2 ? masks[first + i]! : 0;
            record.sourceChunks[i] = sources[first + i]!;
          }
          expect(encodeRecordFromColumns(layout, 4, sessionIds, states, masks, sources, first, count, new Uint8Array(512).fill(9))).toEqual(encodeRecord(layout, 4, record));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("detects a torn allocation record (first half new, second half old) and a blank one", () => {
    const older = emptyRecord(layout);
    older.allocated[0] = 1;
    const newer = emptyRecord(layout);
    newer.allocated[0] = 1;
    newer.allocated[40] = 1;
    newer.inCache[40] = 1;
    newer.masks[40] = 1;
    newer.sourceChunks[40] = 17;
    const a = encodeRecord(layout, 2, older);
    const b = encodeRecord(layout, 2, newer);
    const torn = new Uint8Array(512);
    torn.set(b.subarray(0, 256), 0);
    torn.set(a.subarray(256), 256);
    expect(decodeRecord(layout, 2, torn)).toEqual({ ok: false, problem: "bad-checksum" });
    expect(decodeRecord(layout, 2, new Uint8Array(512))).toEqual({ ok: false, problem: "blank" });
    expect(decodeRecord(layout, 3, b)).toEqual({ ok: false, problem: "bad-location" });
  });

  it("seals with the CRC-32 of the sector taken with a zero check field, whatever the field held", () => {
    const layout = computeLayout(geometry);
    const entries = new Uint32Array(layout.entriesPerMapSector * 8).map((_, i) => i * 977);
    const sealed = encodeMapSector(layout, layout.mapFirstSector + 3, entries);
    const zeroed = sealed.slice();
    zeroed.fill(0, 4, 8);
    expect(new DataView(sealed.buffer).getUint32(4, true)).toBe(crc32(zeroed));
    // Resealing a sector whose check field holds stale bits gives the same bytes, and they decode.
    const stale = sealed.slice();
    new DataView(stale.buffer).setUint32(4, 0xdeadbeef, true);
    expect([...sealSector(stale)]).toEqual([...sealed]);
    expect(decodeMapSector(layout, layout.mapFirstSector + 3, sealed).ok).toBe(true);
  });

  it("counts the check field as zero whatever it holds, for both block sizes", () => {
    fc.assert(
      fc.property(fc.constantFrom(512, 4096), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 31 }), (lengthBytes, field, seed) => {
        const sector = new Uint8Array(lengthBytes).map((_, i) => Math.imul(seed, i + 1) >>> 24);
        const zeroed = sector.slice();
        zeroed.fill(0, 4, 8);
        new DataView(sector.buffer).setUint32(4, field, true);
        expect(new DataView(sealSector(sector).buffer).getUint32(4, true)).toBe(crc32(zeroed));
      }),
    );
  });

  it("round-trips map sectors and region bitmap sectors", () => {
    const entries = new Uint32Array(layout.entriesPerMapSector * 8).map((_, i) => (i % 5 === 0 ? i + 1 : 0));
    const sector = layout.mapFirstSector + 3;
    const encoded = encodeMapSector(layout, sector, entries);
    const decoded = decodeMapSector(layout, sector, encoded);
    expect(decoded.ok && [...decoded.value]).toEqual([...entries]);
    // From bytes that do not start on a 4-byte boundary (read into the middle of a larger buffer) too.
    const unaligned = new Uint8Array(encoded.length + 1).subarray(1);
    unaligned.set(encoded);
    const decodedUnaligned = decodeMapSector(layout, sector, unaligned);
    expect(decodedUnaligned.ok && [...decodedUnaligned.value]).toEqual([...entries]);
    const bits = new Uint8Array(layout.bitsPerBitmapSector / 8);
    bits[0] = 0b1010_0101;
    const bitmap = decodeRegionBitmapSector(layout, "modifiedBitmap", 0, encodeRegionBitmapSector(layout, "modifiedBitmap", 0, bits));
    expect(bitmap.ok && bitmap.value[0]).toBe(0b1010_0101);
    // An initialized-regions sector is not a modified-regions sector, even at the right place.
    expect(decodeRegionBitmapSector(layout, "modifiedBitmap", 0, encodeRegionBitmapSector(layout, "initializedBitmap", 0, bits))).toEqual({ ok: false, problem: "bad-magic" });
  });
});

describe("a crash during a reformat", () => {
  it("leaves the old Cache LU, then an unformatted one, then the new: never the old geometry over new metadata", () => {
    const MiB = 1024 * KiB;
    const rig = new Rig({ sourceBytes: MiB, cacheBytes: MiB });
    // The old Cache LU: 64 KiB chunks, a live session with a copy.
    const old = rig.format(64 * KiB, 4 * KiB);
    rig.run(old.startSession(0));
    rig.run(old.hostWrite(0, Payload.stamp(50, 4 * KiB)));
    rig.run(old.unmount());
    // Reformatted with 16 KiB chunks, stopped after each event: the Cache LU as a crash there would leave it.
    let formatted = false;
    rig.kernel.spawn(formatCacheLu(rig.source, rig.cache, { chunkSizeBytes: 16 * KiB, regionSizeBytes: 4 * KiB, policy: makeCommitPolicy("write-through") }), "reformat", () => (formatted = true));
    /** What the mount does at each stop, a run of equal outcomes counted once. */
    const outcomes: string[] = [];
    while (!formatted) {
      rig.kernel.run({ until: () => true });
      const after = new Rig({ sourceBytes: MiB, cacheBytes: MiB, sourceContents: rig.source.contents().clone(), cacheContents: rig.cache.contents().clone() });
      let outcome: string;
      try {
        const mounted = after.mount();
        outcome = `mounted ${mounted.layout.geometry.chunkSizeBytes / KiB} KiB chunks, ${mounted.counters.chunksInUse} in use`;
      } catch (error) {
        const cause = causeOf(error);
        outcome = cause instanceof MountError ? `refused: ${cause.reason}` : `failed: ${String(error)}`;
      }
      if (outcomes[outcomes.length - 1] !== outcome) outcomes.push(outcome);
    }
    // The old Cache LU whole until its header is invalidated, before anything else lands; then unformatted until the
    // new header, written last.
    expect(outcomes).toEqual(["mounted 64 KiB chunks, 1 in use", "refused: not-formatted", "mounted 16 KiB chunks, 0 in use"]);
  });
});
