import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { computeLayout, SESSION_SLOTS } from "../../engine/index.js";
import { ChunkMap } from "../../engine/chunk-map.js";
import { ChunkTable } from "../../engine/chunk-table.js";
import type { DeviceIo } from "../../engine/device-io.js";
import { EngineAssertionError } from "../../engine/errors.js";
import { Metadata, metadataChecks } from "../../engine/metadata.js";
import { SectorImages } from "../../engine/sector-images.js";
import { Sessions } from "../../engine/sessions.js";

const KiB = 1024;

describe("SectorImages", () => {
  it("patches an image only for the generation it was kept for, with every change noted, and at most 6 of them per write", () => {
    const images = new SectorImages(512, 1000);
    images.noteChange(5, 1);
    expect(images.patchable(5, 0)).toBe(-1);
    images.keep(5, 0, new Uint8Array(512).fill(7));
    const image = images.patchable(5, 0);
    expect(image).toBeGreaterThanOrEqual(0);
    expect(images.patchable(5, 1)).toBe(-1);
    // Noted once each, in the order noted.
    for (const part of [3, 1, 3, 9, 1]) images.noteChange(5, part);
    expect(images.changeCount(image)).toBe(3);
    expect([0, 1, 2].map((i) => images.changedPart(image, i))).toEqual([3, 1, 9]);
    images.patched(image);
    expect(images.changeCount(image)).toBe(0);
    for (let part = 0; part < 6; part++) images.noteChange(5, part);
    expect(images.patchable(5, 0)).toBe(image);
    expect(images.changeCount(image)).toBe(6);
    images.noteChange(5, 6);
    expect(images.patchable(5, 0)).toBe(-1);
    // A sector written in bursts stays encoded whole, and keeps no image, for the rest of its generation.
    images.keep(5, 0, new Uint8Array(512).fill(9));
    expect(images.patchable(5, 0)).toBe(-1);
    // In the next generation, its image is kept, and may be patched again.
    images.keep(5, 1, new Uint8Array(512).fill(4));
    expect(images.patchable(5, 1)).toBe(image);
    expect(images.bytes(image).every((byte) => byte === 4)).toBe(true);
  });

  // A prefetch hint: it must change nothing, and it reads each imaged sector's row (its generation), first byte and the part's first and last bytes.
  it("touch reads the row, first byte and both ends of the part at the offset of each imaged sector among the first `count`, and changes nothing", () => {
    const images = new SectorImages(512, 1000);
    expect(images.touch([5], [100], 1, 32)).toBe(0);
    images.keep(5, 3, new Uint8Array(512).map((_, i) => i % 200));
    images.keep(9, 4, new Uint8Array(512).fill(1));
    images.noteChange(5, 2);
    const before = [5, 9].map((sector) => ({ image: images.patchable(sector, sector === 5 ? 3 : 4), bytes: images.bytes(images.patchable(sector, sector === 5 ? 3 : 4)).slice() }));
    // Sector 5: generation 3, first byte 0, bytes 100 and 131 of the 32 at 100; sector 7 has no image; sector 9 (past `count`) is not read.
    expect(images.touch([5, 7, 9], [100, 16, 48], 2, 32)).toBe(3 + 0 + 100 + 131);
    // Sector 5's bytes 300 and 331 are 100 and 131 (byte i is i % 200).
    expect(images.touch([9, 5], [48, 300], 2, 32)).toBe(4 + 1 + 1 + 1 + (3 + 0 + 100 + 131));
    for (const [i, sector] of [5, 9].entries()) {
      const image = images.patchable(sector, sector === 5 ? 3 : 4);
      expect(image).toBe(before[i]!.image);
      expect(images.bytes(image)).toEqual(before[i]!.bytes);
    }
    expect(images.changeCount(before[0]!.image)).toBe(1);
  });

  it("keeps each sector's bytes apart across page growth, for both sector sizes", () => {
    for (const sectorSizeBytes of [512, 4096]) {
      const images = new SectorImages(sectorSizeBytes, 10_000);
      const sectors = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 10_000);
      for (const sector of sectors) images.keep(sector, 0, new Uint8Array(sectorSizeBytes).fill(sector % 251));
      expect(images.size).toBe(3000);
      for (const sector of sectors) {
        const bytes = images.bytes(images.patchable(sector, 0));
        expect(bytes.length).toBe(sectorSizeBytes);
        expect(bytes.every((byte) => byte === sector % 251)).toBe(true);
      }
    }
  });
});

/** A Metadata over memory only: the encoders read memory and write nothing, so no device is needed. */
function rig() {
  const layout = computeLayout({ sectorSizeBytes: 512, chunkSizeBytes: 64 * KiB, regionSizeBytes: 4 * KiB, sourceCapacityBytes: 64 * 1024 * KiB, cacheCapacityBytes: 64 * 1024 * KiB });
  const sessions = Sessions.fresh();
  const map = new ChunkMap(layout.entriesPerMapSector, layout.sourceChunkCount);
  const metadata = new Metadata(layout, {} as DeviceIo, new ChunkTable(layout), map, sessions);
  /** What the SectorWriter gets for `sector`: the map sector patched from its image, or encoded whole. */
  const encodeFromImage = (sector: number) => metadata["encodeMapSectorFromImage"](sector, new Uint8Array(512));
  return { layout, sessions, map, metadata, encodeFromImage };
}

type Op =
  | { kind: "copy"; sourceChunk: number; mask: number; copy: number; staleSlots: number }
  | { kind: "one"; sourceChunk: number; slot: number; copy: number }
  | { kind: "session"; slot: number; active: boolean }
  | { kind: "encode"; sector: number };

const SECTORS = 6;
const sourceChunk = fc.integer({ min: 0, max: 15 * SECTORS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("copy" as const), sourceChunk, mask: fc.integer({ min: 1, max: 255 }), copy: fc.nat(1000), staleSlots: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("one" as const), sourceChunk, slot: fc.integer({ min: 0, max: SESSION_SLOTS - 1 }), copy: fc.nat(1000) }),
  fc.record({ kind: fc.constant("session" as const), slot: fc.integer({ min: 0, max: SESSION_SLOTS - 1 }), active: fc.boolean() }),
  fc.record({ kind: fc.constant("encode" as const), sector: fc.integer({ min: 0, max: SECTORS - 1 }) }),
);

describe("map sectors patched from their images", () => {
  afterEach(() => {
    metadataChecks.patchedMapSectors = true;
  });

  it("are byte for byte their whole encodings, whatever the map and the sessions went through between two writes", () => {
    // Checked here by the test itself, not by the engine's own check.
    metadataChecks.patchedMapSectors = false;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 150 }), (ops) => {
        const { layout, sessions, map, metadata, encodeFromImage } = rig();
        let sequence = 1;
        for (const step of ops) {
          if (step.kind === "copy") {
            // Some slots made for an earlier session of theirs (stale entries, which the encoding leaves out).
            const sequences = Array.from(sessions.liveSequences, (live, slot) => ((step.staleSlots >> slot) & 1 ? live + 1000 : live));
            map.setSlots(step.sourceChunk, step.mask, sequences, step.copy);
          } else if (step.kind === "one") map.set(step.sourceChunk, step.slot, sessions.liveSequences[step.slot]!, step.copy);
          else if (step.kind === "session") sessions.setSlot(step.slot, step.active ? "active" : "free", step.active ? sequence++ : 0, "none");
          else {
            const sector = layout.mapFirstSector + step.sector;
            expect(encodeFromImage(sector)).toEqual(metadata.encodeMapSector(sector));
          }
        }
        for (let s = 0; s < SECTORS; s++) expect(encodeFromImage(layout.mapFirstSector + s)).toEqual(metadata.encodeMapSector(layout.mapFirstSector + s));
      }),
      { numRuns: 300 },
    );
  });

  it("are read ahead at each chunk's own entry (Metadata.touchMapImages)", () => {
    const { layout, map, sessions, metadata, encodeFromImage } = rig();
    sessions.setSlot(0, "active", 1, "none");
    const perSector = layout.entriesPerMapSector;
    // Chunk 3 of the second map sector: its entry's first byte is slot 0's copy + 1.
    const chunk = perSector + 3;
    map.setSlots(chunk, 0b1, [1, 0, 0, 0, 0, 0, 0, 0], 41);
    expect(metadata.touchMapImages([chunk], 1)).toBe(0);
    const bytes = encodeFromImage(layout.mapFirstSector + 1);
    // The image's row (the sessions' generation), its first byte and the entry's first and last bytes (slot 7 holds no copy); chunk 0's sector has no image.
    expect(metadata.touchMapImages([chunk, 0], 2)).toBe(sessions.generation + bytes[0]! + 42);
    expect(metadata.touchMapImages([chunk - 1], 1)).toBe(sessions.generation + bytes[0]! + 0);
  });

  it("are caught by the engine's check when an entry changed behind the images' back", () => {
    const { layout, map, sessions, encodeFromImage } = rig();
    sessions.setSlot(0, "active", 1, "none");
    map.setSlots(4, 0b1, [1, 0, 0, 0, 0, 0, 0, 0], 9);
    const sector = layout.mapFirstSector;
    encodeFromImage(sector);
    // A word written into the map's block directly is not noted: the patched sector would miss it.
    const words = map.find(4)!;
    words[map.at] = 12;
    expect(() => encodeFromImage(sector)).toThrow(EngineAssertionError);
    // Through the map, it is noted and patched in.
    map.set(4, 0, 1, 13);
    expect(() => encodeFromImage(sector)).not.toThrow();
  });
});
