import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import { fsck, type FsckReport } from "../../engine/index.js";
import {
  FORMAT_VERSION,
  decodeDlmMetadata,
  decodeMapSector,
  decodeMetadataBitmap,
  decodeRecord,
  decodeRepositoryMetadata,
  emptyRecord,
  encodeDlmMetadata,
  encodeHeader,
  encodeRecord,
  encodeRepositoryMetadata,
  encodeMapSector,
  encodeToc,
  tocOf,
  type AllocationRecord,
  type DlmMetadata,
} from "../../engine/on-disk/codec.js";
import type { Layout } from "../../engine/on-disk/layout.js";
import { Rig, SOURCE_ORIGIN_STAMP, mountError, oneCopyUnmounted } from "./rig.js";
import { token, tokensOf } from "./oracle.js";

/**
 * What the Cache LU scan (behind both mount and fsck) judges, one crafted
 * Cache LU each. First the format-integrity and sequence findings: no crash
 * produces them (every sector is whole and checksummed, but says the wrong
 * thing), so the crash campaigns never meet them. Then map entries against
 * their records, in shapes the campaigns' small workloads reach rarely or not
 * at all. Each test fails when the scan check it names is removed (each was
 * removed by hand; see the commit).
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const SECTOR = 512;

/** What 4 KiB at `offsetBytes` of the Source LU read before any host write. */
function origin(offsetBytes: number): number[] {
  return Array.from({ length: (4 * KiB) / SECTOR }, (_, i) => token(SOURCE_ORIGIN_STAMP, offsetBytes / SECTOR + i));
}

function report(rig: Rig): FsckReport {
  return rig.run(fsck(rig.source, rig.cache));
}

/** The current DLM metadata copy, as the metadata bitmap names it. */
function currentDlm(rig: Rig, layout: Layout): { copy: 0 | 1; generation: number; dlm: DlmMetadata } {
  const bitmap = decodeMetadataBitmap(layout, rig.readCacheSector(layout.metadataBitmapSector));
  if (!bitmap.ok) throw new Error(`metadata bitmap unreadable (${bitmap.problem})`);
  const copy = bitmap.value.currentDlmCopy;
  const decoded = decodeDlmMetadata(layout, copy, rig.readCacheSector(layout.dlmMetadataSectors[copy]));
  if (!decoded.ok) throw new Error(`DLM copy ${copy} unreadable (${decoded.problem})`);
  return { copy, generation: decoded.generation, dlm: decoded.value };
}

/** Allocation record 0 as it is on disk. */
function firstRecord(rig: Rig, layout: Layout): AllocationRecord {
  const decoded = decodeRecord(layout, 0, rig.readCacheSector(layout.recordsFirstSector));
  if (!decoded.ok) throw new Error(`record 0 unreadable (${decoded.problem})`);
  return decoded.value;
}

/** fsck finds exactly `code` fatal, and the mount refuses with `reason`, its message holding `message`. */
function expectRefused(rig: Rig, code: string, reason: string, message: RegExp | string): void {
  const found = report(rig);
  expect(found.clean).toBe(false);
  expect(found.fatal.map((f) => f.code)).toEqual([code]);
  const error = mountError(rig);
  expect(error.reason).toBe(reason);
  expect(error.message).toMatch(message);
}

describe("the Cache LU as formatted and written is clean (the baseline the findings below break)", () => {
  it("fsck finds nothing fatal and the mount succeeds", () => {
    const { rig } = oneCopyUnmounted(4 * KiB);
    const found = report(rig);
    expect(found.fatal).toEqual([]);
    expect(found.summary).toMatchObject({ liveSessions: 1, chunksInUse: 1, validMapEntries: 1 });
    expect(rig.mount().counters.recoveryChunksReclaimed).toBe(0);
  });
});

describe("format integrity: a sector that is whole but says the wrong thing refuses the mount", () => {
  it("a header formatted for another Cache LU capacity", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const geometry = { ...layout.geometry, cacheCapacityBytes: 2 * MiB };
    rig.writeCacheSector(0, encodeHeader({ version: FORMAT_VERSION, valid: true, geometry }));
    expectRefused(rig, "geometry-mismatch", "geometry-mismatch", `Cache LU capacity ${2 * MiB} vs device ${MiB}`);
  });

  it("a table of contents that disagrees with the geometry", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const expected = tocOf(layout);
    rig.writeCacheSector(layout.tocSector, encodeToc(layout, { ...expected, lastCofwChunk: expected.lastCofwChunk + 1 }));
    expectRefused(rig, "toc-mismatch", "corrupt-metadata", `table of contents lastCofwChunk is ${expected.lastCofwChunk + 1}, the geometry implies ${expected.lastCofwChunk}`);
  });

  it("an unreadable table of contents", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    // A well-formed sector of another kind where the table of contents belongs.
    rig.writeCacheSector(layout.tocSector, rig.readCacheSector(layout.metadataBitmapSector));
    expectRefused(rig, "toc-corrupt", "corrupt-metadata", /table of contents unreadable/);
  });

  it("an unreadable metadata bitmap", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    rig.writeCacheSector(layout.metadataBitmapSector, rig.readCacheSector(layout.tocSector));
    expectRefused(rig, "metadata-bitmap-corrupt", "corrupt-metadata", /metadata bitmap unreadable/);
  });

  for (const kind of ["initializedBitmap", "modifiedBitmap"] as const) {
    it(`an unreadable ${kind} sector`, () => {
      const { rig, layout } = oneCopyUnmounted(4 * KiB);
      const first = kind === "initializedBitmap" ? layout.initializedBitmapFirstSector : layout.modifiedBitmapFirstSector;
      rig.writeCacheSector(first, rig.readCacheSector(layout.tocSector));
      expectRefused(rig, `${kind}-corrupt`, "corrupt-metadata", `${kind} sector 0 unreadable`);
    });
  }

  it("a repository copy that counts other COFW chunks than the geometry", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const bitmap = decodeMetadataBitmap(layout, rig.readCacheSector(layout.metadataBitmapSector));
    if (!bitmap.ok) throw new Error("metadata bitmap unreadable");
    const copy = bitmap.value.currentRepositoryCopy;
    const current = decodeRepositoryMetadata(layout, copy, rig.readCacheSector(layout.repositoryMetadataSectors[copy]));
    if (!current.ok) throw new Error("repository copy unreadable");
    const wrong = { ...current.value, cofwChunkCount: layout.cofwChunkCount - 1 };
    rig.writeCacheSector(layout.repositoryMetadataSectors[copy], encodeRepositoryMetadata(layout, copy, current.generation, wrong));
    expectRefused(rig, "repository-mismatch", "corrupt-metadata", `repository metadata counts ${layout.cofwChunkCount - 1} COFW chunks, the geometry implies ${layout.cofwChunkCount}`);
  });
});

describe("sequence numbers: a number that could be handed out again refuses the mount", () => {
  it("a DLM slot holding the next sequence number (not below it)", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const { copy, generation, dlm } = currentDlm(rig, layout);
    // Slot 1 was never used; giving it the next number is the boundary: the next session started would reuse it.
    const slots = dlm.slots.map((slot, index) => (index === 1 ? { state: "free" as const, sequence: dlm.nextSequence, endReason: "stopped" as const } : slot));
    rig.writeCacheSector(layout.dlmMetadataSectors[copy], encodeDlmMetadata(layout, copy, generation, { ...dlm, slots }));
    expectRefused(rig, "sequence-reuse", "corrupt-metadata", `slot 1 holds sequence ${dlm.nextSequence}, not below the next sequence ${dlm.nextSequence}`);
  });

  it("a DLM slot holding a number below the next is accepted", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const { copy, generation, dlm } = currentDlm(rig, layout);
    const slots = dlm.slots.map((slot, index) => (index === 1 ? { state: "free" as const, sequence: dlm.nextSequence - 1, endReason: "stopped" as const } : slot));
    rig.writeCacheSector(layout.dlmMetadataSectors[copy], encodeDlmMetadata(layout, copy, generation, { ...dlm, slots }));
    expect(report(rig).fatal).toEqual([]);
  });

  it("an allocation record naming the next sequence number (a session never started)", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const { dlm } = currentDlm(rig, layout);
    const record = firstRecord(rig, layout);
    record.sessionIds[5] = dlm.nextSequence;
    rig.writeCacheSector(layout.recordsFirstSector, encodeRecord(layout, 0, record));
    expectRefused(rig, "record-session-id", "corrupt-metadata", `allocation record 0 names session ${dlm.nextSequence} in slot 5, which was never started`);
    // One below is a session that was started (and may have ended): no finding.
    record.sessionIds[5] = dlm.nextSequence - 1;
    rig.writeCacheSector(layout.recordsFirstSector, encodeRecord(layout, 0, record));
    expect(report(rig).fatal).toEqual([]);
  });
});

describe("map entries against their records: what the scan honours, and what recovery frees", () => {
  /** The COFW chunk of oneCopyUnmounted's copy, and its record. */
  function theCopy(rig: Rig, layout: Layout): { record: AllocationRecord; copy: number } {
    const record = firstRecord(rig, layout);
    const copy = record.allocated.indexOf(1);
    expect(copy).toBeGreaterThanOrEqual(0);
    return { record, copy };
  }

  it("an entry whose copy is allocated but not yet in cache (a copy that never finished) is stale, and its chunk is freed", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const { record, copy } = theCopy(rig, layout);
    record.inCache[copy] = 0;
    rig.writeCacheSector(layout.recordsFirstSector, encodeRecord(layout, 0, record));
    const found = report(rig);
    expect(found.fatal).toEqual([]);
    expect(found.summary).toMatchObject({ validMapEntries: 0, staleMapEntries: 1, unreachableChunks: 1, chunksInUse: 0 });
    expect(found.repairable.map((f) => f.code)).toEqual(["stale-map-entries", "unreachable-chunks"]);
    const mounted = rig.mount();
    expect(mounted.counters.recoveryChunksReclaimed).toBe(1);
    mounted.assertConsistent();
  });

  it("an entry whose copy's record names another source chunk is stale, and the chunk is freed", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const { record, copy } = theCopy(rig, layout);
    record.sourceChunks[copy] = 3;
    rig.writeCacheSector(layout.recordsFirstSector, encodeRecord(layout, 0, record));
    expect(report(rig).summary).toMatchObject({ validMapEntries: 0, staleMapEntries: 1, unreachableChunks: 1, chunksInUse: 0 });
    expect(rig.mount().counters.recoveryChunksReclaimed).toBe(1);
  });

  it("an entry for a source chunk past the Source LU's end is never honoured, even when a record vouches for it", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const { record, copy } = theCopy(rig, layout);
    // The map's second sector holds source chunks 15-29 of a Source LU that has 16: entry 5 is chunk 20, which does not exist.
    const pastEnd = layout.sourceChunkCount + 4;
    const sector = layout.mapFirstSector + Math.floor(pastEnd / layout.entriesPerMapSector);
    const entries = new Uint32Array(layout.entriesPerMapSector * 8);
    const bogus = copy + 1;
    entries[(pastEnd % layout.entriesPerMapSector) * 8] = bogus + 1;
    rig.writeCacheSector(sector, encodeMapSector(layout, sector, entries));
    record.allocated[bogus] = 1;
    record.inCache[bogus] = 1;
    record.masks[bogus] = 1;
    record.sourceChunks[bogus] = pastEnd;
    rig.writeCacheSector(layout.recordsFirstSector, encodeRecord(layout, 0, record));
    expect(report(rig).summary).toMatchObject({ validMapEntries: 1, staleMapEntries: 1, unreachableChunks: 1, chunksInUse: 1 });
    const mounted = rig.mount();
    expect(mounted.counters.recoveryChunksReclaimed).toBe(1);
    mounted.assertConsistent();
  });

  it("a copy serving slots 0 and 2 around another slot's copy keeps both slots after recovery", () => {
    const rig = new Rig({ sourceBytes: MiB, cacheBytes: MiB });
    const engine = rig.format(64 * KiB, 4 * KiB);
    rig.run(engine.startSession(0));
    rig.run(engine.startSession(2));
    rig.run(engine.hostWrite(0, Payload.stamp(50, 4 * KiB)));
    rig.run(engine.startSession(1));
    rig.run(engine.hostWrite(0, Payload.stamp(51, 4 * KiB)));
    rig.run(engine.unmount());
    // The entry reads copy A, copy B, copy A for slots 0, 1, 2: the scan sees A twice, in two runs.
    const mounted = rig.mount();
    mounted.assertConsistent();
    expect(tokensOf(rig.run(mounted.phantomRead(0, 0, 4 * KiB)))).toEqual(origin(0));
    expect(tokensOf(rig.run(mounted.phantomRead(2, 0, 4 * KiB)))).toEqual(origin(0));
    expect(tokensOf(rig.run(mounted.phantomRead(1, 0, 4 * KiB)))).toEqual(tokensOf(Payload.stamp(50, 4 * KiB)));
  });
});

describe("regions rebuilt from records beside regions read as written (dirty-region log)", () => {
  /**
   * Session 0 live; a copy of source chunk 0 whose region a host flush wrote
   * back (clean), then a copy of source chunk `secondChunk` whose region is
   * still modified; dropped without unmount.
   */
  function cleanAndModified(secondChunk: number): { rig: Rig; layout: Layout } {
    const rig = new Rig({ sourceBytes: MiB, cacheBytes: MiB });
    const engine = rig.format(16 * KiB, 1 * KiB, "dirty-region-log");
    rig.run(engine.startSession(0));
    rig.run(engine.hostWrite(0, Payload.stamp(50, 4 * KiB)));
    rig.run(engine.hostFlush());
    rig.run(engine.hostWrite(secondChunk * 16 * KiB, Payload.stamp(51, 4 * KiB)));
    return { rig, layout: engine.layout };
  }

  it("each copy is found once: the clean region's from its map sectors, the modified one's from its record", () => {
    const second = 40;
    const { rig, layout } = cleanAndModified(second);
    expect(layout.entriesPerMapSector * (layout.geometry.regionSizeBytes / SECTOR)).toBeLessThan(second);
    const found = report(rig);
    expect(found.fatal).toEqual([]);
    expect(found.summary).toMatchObject({ validMapEntries: 2, chunksInUse: 2, staleMapEntries: 0 });
    const mounted = rig.mount("dirty-region-log");
    expect(mounted.counters.recoveryRegionsRebuilt).toBe(1);
    mounted.assertConsistent();
    expect(tokensOf(rig.run(mounted.phantomRead(0, 0, 4 * KiB)))).toEqual(origin(0));
    expect(tokensOf(rig.run(mounted.phantomRead(0, second * 16 * KiB, 4 * KiB)))).toEqual(origin(second * 16 * KiB));
  });

  it("two records vouching for copies of one source chunk for one session, in a rebuilt region, refuse the mount", () => {
    const second = 40;
    const { rig, layout } = cleanAndModified(second);
    const record = firstRecord(rig, layout);
    const copy = record.sourceChunks.findIndex((source, chunk) => record.allocated[chunk] === 1 && source === second);
    expect(copy).toBeGreaterThanOrEqual(0);
    // Another chunk of the same record claims the same (source chunk, slot).
    const twin = record.allocated.indexOf(0);
    record.allocated[twin] = 1;
    record.inCache[twin] = 1;
    record.masks[twin] = record.masks[copy]!;
    record.sourceChunks[twin] = second;
    rig.writeCacheSector(layout.recordsFirstSector, encodeRecord(layout, 0, record));
    const [low, high] = [Math.min(copy, twin), Math.max(copy, twin)];
    expectRefused(rig, "two-copies-one-session", "corrupt-metadata", `source chunk ${second} has two copies for slot 0: chunks ${low} and ${high} (rebuilt from records)`);
  });
});

describe("allocation records past the scan's first read (it reads them a MiB at a time)", () => {
  it("a copy whose record lies in the second MiB of records is found and kept", () => {
    const rig = new Rig({ sourceBytes: MiB, cacheBytes: 1024 * MiB });
    const engine = rig.format(4 * KiB, 4 * KiB);
    const layout = engine.layout;
    rig.run(engine.startSession(0));
    rig.run(engine.hostWrite(0, Payload.stamp(50, 4 * KiB)));
    rig.run(engine.unmount());
    const recordsPerMiB = MiB / SECTOR;
    expect(layout.cofwChunkCount).toBeGreaterThan((recordsPerMiB + 1) * layout.chunksPerRecord);
    // A finished copy of source chunk 1 for slot 0 in the first chunk of record 2048, written by hand: its record, and
    // the map entry (in the map sector that holds chunk 0's entry, so its region is already initialized).
    const { dlm } = currentDlm(rig, layout);
    const far = emptyRecord(layout);
    far.sessionIds[0] = dlm.slots[0]!.sequence;
    far.allocated[0] = 1;
    far.inCache[0] = 1;
    far.masks[0] = 1;
    far.sourceChunks[0] = 1;
    rig.writeCacheSector(layout.recordsFirstSector + recordsPerMiB, encodeRecord(layout, recordsPerMiB, far));
    const mapSector = decodeMapSector(layout, layout.mapFirstSector, rig.readCacheSector(layout.mapFirstSector));
    if (!mapSector.ok) throw new Error(`map sector unreadable (${mapSector.problem})`);
    const entries = Uint32Array.from(mapSector.value);
    entries[1 * 8] = recordsPerMiB * layout.chunksPerRecord + 1;
    rig.writeCacheSector(layout.mapFirstSector, encodeMapSector(layout, layout.mapFirstSector, entries));
    const found = report(rig);
    expect(found.fatal).toEqual([]);
    expect(found.summary).toMatchObject({ validMapEntries: 2, staleMapEntries: 0, chunksInUse: 2, unreachableChunks: 0 });
    const mounted = rig.mount();
    mounted.assertConsistent();
    expect(mounted.counters.recoveryChunksReclaimed).toBe(0);
  });
});
