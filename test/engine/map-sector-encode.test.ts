import { describe, expect, it } from "vitest";
import { computeLayout, SESSION_SLOTS } from "../../engine/index.js";
import { ChunkMap } from "../../engine/chunk-map.js";
import { ChunkTable } from "../../engine/chunk-table.js";
import type { DeviceIo } from "../../engine/device-io.js";
import { Metadata } from "../../engine/metadata.js";
import { decodeMapSector } from "../../engine/on-disk/codec.js";
import { Sessions } from "../../engine/sessions.js";

const KiB = 1024;
const layout = computeLayout({ sectorSizeBytes: 512, chunkSizeBytes: 64 * KiB, regionSizeBytes: 4 * KiB, sourceCapacityBytes: 64 * 1024 * KiB, cacheCapacityBytes: 16 * 1024 * KiB });

/** What a map sector holds on disk, as encoded from memory now: per chunk of the sector, the copy + 1 of each slot. */
function encodedEntries(metadata: Metadata, sector: number): number[][] {
  const decoded = decodeMapSector(layout, sector, metadata.encodeMapSector(sector));
  if (!decoded.ok) throw new Error(`the encoded map sector does not decode: ${decoded.problem}`);
  const words = Array.from(decoded.value);
  return Array.from({ length: layout.entriesPerMapSector }, (_, e) => words.slice(e * SESSION_SLOTS, (e + 1) * SESSION_SLOTS));
}

describe("a map sector encoded from memory", () => {
  it("holds only entries made for the live session of their slot", () => {
    const sessions = Sessions.fresh();
    sessions.setSlot(0, "active", 5, "none");
    sessions.setSlot(1, "active", 7, "none");
    sessions.setSlot(3, "free", 3, "stopped");
    const map = new ChunkMap(layout.entriesPerMapSector);
    // The encoder reads memory only; it writes nothing, so no device is needed.
    const metadata = new Metadata(layout, {} as DeviceIo, new ChunkTable(layout), map, sessions);
    // Chunk 0, copy 9: live in slots 0 and 1; slot 2 has no session (a sequence of 0 in memory must not match its
    // live sequence of 0); slot 3's session was stopped (a stale sequence).
    map.setSlots(0, 0b1111, [5, 7, 0, 3, 0, 0, 0, 0], 9);
    // Chunk 1, copy 11: made for an earlier session of slot 0.
    map.setSlots(1, 0b1, [4, 0, 0, 0, 0, 0, 0, 0], 11);
    // The last chunk of the sector, copy 12: live in slot 1 only.
    map.setSlots(layout.entriesPerMapSector - 1, 0b10, [0, 7, 0, 0, 0, 0, 0, 0], 12);
    const entries = encodedEntries(metadata, layout.mapFirstSector);
    expect(entries[0]).toEqual([10, 10, 0, 0, 0, 0, 0, 0]);
    expect(entries[1]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(entries[layout.entriesPerMapSector - 1]).toEqual([0, 13, 0, 0, 0, 0, 0, 0]);
    // A sector whose group was never touched encodes as all zeros, even after a sector with entries (one scratch).
    expect(encodedEntries(metadata, layout.mapFirstSector + 1).flat().every((word) => word === 0)).toBe(true);
    // Once slot 2 gets a session, only entries made for it count there.
    sessions.setSlot(2, "active", 8, "none");
    map.setSlots(2, 0b100, [0, 0, 8, 0, 0, 0, 0, 0], 14);
    const after = encodedEntries(metadata, layout.mapFirstSector);
    expect(after[0]).toEqual([10, 10, 0, 0, 0, 0, 0, 0]);
    expect(after[2]).toEqual([0, 0, 15, 0, 0, 0, 0, 0]);
  });
});
