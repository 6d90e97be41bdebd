import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ChunkMap } from "../../engine/chunk-map.js";
import { SESSION_SLOTS } from "../../engine/on-disk/layout.js";

/** The oracle: (source chunk, slot) -> { copy, sequence }, as a plain Map. */
type Oracle = Map<string, { copy: number; sequence: number }>;
const key = (sourceChunk: number, slot: number) => `${sourceChunk}/${slot}`;

const nearZero = Array.from({ length: 41 }, (_, i) => i);
/**
 * Chunks near 0 (neighbours share groups) and far apart (each its own group,
 * over several word blocks): of a Source LU of 2^40 chunks and more, whose
 * groups are hashed, and of one of 60,000 chunks, whose groups are found by
 * address (DirectIntegerMap, over several of its pages).
 */
const CASES = [
  { space: "hashed", chunks: [...nearZero, ...Array.from({ length: 40 }, (_, i) => 2 ** 40 + 1000 * i)], sourceChunkCount: undefined },
  { space: "direct", chunks: [...nearZero, ...Array.from({ length: 40 }, (_, i) => 10_000 + 1000 * i + i)], sourceChunkCount: 60_000 },
  // Few chunks, so that commands pile up on each entry: slots of several copies and sequences, entries spilled and
  // made one copy again.
  { space: "crowded", chunks: [0, 1, 2, 17], sourceChunkCount: 60_000 },
] as const;

const commandsFor = (chunks: readonly number[]) => {
  const chunkArbitrary = fc.constantFrom(...chunks);
  const setCommand = fc.record({ kind: fc.constant("set" as const), sourceChunk: chunkArbitrary, slot: fc.integer({ min: 0, max: SESSION_SLOTS - 1 }), sequence: fc.integer({ min: 0, max: 3 }), copy: fc.integer({ min: 0, max: 1000 }) });
  const setSlotsCommand = fc.record({
    kind: fc.constant("setSlots" as const),
    sourceChunk: chunkArbitrary,
    mask: fc.integer({ min: 0, max: 255 }),
    // 0 too: a sequence no live session has, which the entry keeps but never matches a slot without one.
    sequences: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: SESSION_SLOTS, maxLength: SESSION_SLOTS }),
    copy: fc.integer({ min: 0, max: 1000 }),
  });
  // A prefetch hint: it must change nothing, and read no chunk past its count.
  const touchCommand = fc.record({ kind: fc.constant("touch" as const), sourceChunks: fc.array(chunkArbitrary, { maxLength: 12 }) });
  // The live sessions' sequences (0: no session in the slot), for what the engine asks of the entries.
  const liveCommand = fc.record({ kind: fc.constant("live" as const), live: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: SESSION_SLOTS, maxLength: SESSION_SLOTS }) });
  return fc.array(fc.oneof(setCommand, setSlotsCommand, touchCommand, liveCommand), { maxLength: 120 });
};

describe("ChunkMap", () => {
  it.each(CASES)("setSlots sets every slot of the mask with one call, or names the first slot already holding a copy for its sequence and changes nothing ($space groups)", ({ chunks: CHUNKS, sourceChunkCount }) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), commandsFor(CHUNKS), (entriesPerGroup, commands) => {
        const map = new ChunkMap(entriesPerGroup, sourceChunkCount);
        const oracle: Oracle = new Map();
        const oracleCopyFor = (sourceChunk: number, slot: number, sequence: number) => {
          const entry = oracle.get(key(sourceChunk, slot));
          return entry !== undefined && entry.sequence === sequence ? entry.copy : undefined;
        };
        for (const command of commands) {
          if (command.kind === "set") {
            map.set(command.sourceChunk, command.slot, command.sequence, command.copy);
            oracle.set(key(command.sourceChunk, command.slot), { copy: command.copy, sequence: command.sequence });
            continue;
          }
          if (command.kind === "touch") {
            const before = CHUNKS.map((sourceChunk) => Array.from({ length: SESSION_SLOTS }, (_, slot) => map.copyFor(sourceChunk, slot, oracle.get(key(sourceChunk, slot))?.sequence ?? 1)));
            // A chunk past `count` is not read.
            expect(map.touch([...command.sourceChunks, CHUNKS[1]!], command.sourceChunks.length)).toBe(map.touch(command.sourceChunks, command.sourceChunks.length));
            expect(CHUNKS.map((sourceChunk) => Array.from({ length: SESSION_SLOTS }, (_, slot) => map.copyFor(sourceChunk, slot, oracle.get(key(sourceChunk, slot))?.sequence ?? 1)))).toEqual(before);
            continue;
          }
          if (command.kind === "live") {
            const { live } = command;
            // Per chunk and slot, the copy + 1 made for the slot's live session, else 0: the oracle's words on disk.
            const liveWordsOf = (sourceChunk: number) =>
              Array.from({ length: SESSION_SLOTS }, (_, slot) => (live[slot] !== 0 ? (oracleCopyFor(sourceChunk, slot, live[slot]!) ?? -1) + 1 : 0));
            const out = new Uint32Array(SESSION_SLOTS + 2);
            for (const sourceChunk of CHUNKS) {
              const expected = liveWordsOf(sourceChunk);
              map.liveWords(sourceChunk, 1, live, out, 1);
              expect([...out.subarray(1, 1 + SESSION_SLOTS)]).toEqual(expected);
              const liveSlots = live.reduce((slots, sequence, slot) => (sequence !== 0 ? slots | (1 << slot) : slots), 0);
              const covered = expected.reduce((slots, plusOne, slot) => (plusOne !== 0 ? slots | (1 << slot) : slots), 0);
              expect(map.uncoveredSlots(sourceChunk, live)).toBe(liveSlots & ~covered);
            }
            // A whole group's words at once, and the walks' summary of each entry.
            const slotsOut = new Uint8Array(entriesPerGroup);
            const copyOut = new Uint32Array(entriesPerGroup);
            const groupWords = new Uint32Array(entriesPerGroup * SESSION_SLOTS);
            map.forEachGroup((firstChunk, words, base) => {
              map.liveSummary(words, base, live, slotsOut, copyOut);
              map.liveWords(firstChunk, entriesPerGroup, live, groupWords, 0);
              for (let e = 0; e < entriesPerGroup; e++) {
                const expected = liveWordsOf(firstChunk + e);
                expect([...groupWords.subarray(e * SESSION_SLOTS, (e + 1) * SESSION_SLOTS)]).toEqual(expected);
                const named = new Set(expected.filter((plusOne) => plusOne !== 0));
                expect(slotsOut[e]).toBe(expected.reduce((slots, plusOne, slot) => (plusOne !== 0 ? slots | (1 << slot) : slots), 0));
                expect(copyOut[e]).toBe(named.size === 1 ? [...named][0] : 0);
              }
            });
            continue;
          }
          const { sourceChunk, mask, sequences, copy } = command;
          let expectedTaken = -1;
          for (let slot = 0; slot < SESSION_SLOTS && expectedTaken < 0; slot++) {
            if ((mask >> slot) & 1 && oracleCopyFor(sourceChunk, slot, sequences[slot]!) !== undefined) expectedTaken = slot;
          }
          expect(map.setSlots(sourceChunk, mask, sequences, copy)).toBe(expectedTaken);
          if (expectedTaken >= 0) continue;
          for (let slot = 0; slot < SESSION_SLOTS; slot++) if ((mask >> slot) & 1) oracle.set(key(sourceChunk, slot), { copy, sequence: sequences[slot]! });
        }
        for (const sourceChunk of CHUNKS) {
          for (let slot = 0; slot < SESSION_SLOTS; slot++) {
            for (let sequence = 0; sequence <= 3; sequence++) expect(map.copyFor(sourceChunk, slot, sequence)).toBe(oracleCopyFor(sourceChunk, slot, sequence));
          }
        }
        const touched = [...new Set([...oracle.keys()].map((k) => Number(k.split("/")[0])))].sort((a, b) => a - b);
        expect(map.touchedChunks()).toEqual(touched);
      }),
    );
  });
});

describe("ChunkMap sequence lists", () => {
  it("tells apart lists that differ in one slot only, whichever slot, and lists met again after others", () => {
    const base = [5, 6, 7, 8, 9, 10, 11, 12];
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      // A map each: the second list is then compared with the one made just before it, the base.
      const map = new ChunkMap(4, 1000);
      // Chunk 2 * slot with the base list, then chunk 2 * slot + 1 with a list one sequence apart in `slot` alone.
      const other = base.map((sequence, s) => (s === slot ? sequence + 100 : sequence));
      expect(map.setSlots(2 * slot, 0xff, base, 40 + slot)).toBe(-1);
      expect(map.setSlots(2 * slot + 1, 0xff, other, 60 + slot)).toBe(-1);
      expect(map.copyFor(2 * slot + 1, slot, other[slot]!)).toBe(60 + slot);
      expect(map.copyFor(2 * slot + 1, slot, base[slot]!)).toBeUndefined();
      expect(map.copyFor(2 * slot, slot, base[slot]!)).toBe(40 + slot);
      expect(map.copyFor(2 * slot, slot, other[slot]!)).toBeUndefined();
      // Live as `other`: chunk 2 * slot + 1 is covered everywhere, chunk 2 * slot everywhere but `slot`.
      expect(map.uncoveredSlots(2 * slot + 1, other)).toBe(0);
      expect(map.uncoveredSlots(2 * slot, other)).toBe(1 << slot);
      // The base list met again, after another was made.
      expect(map.setSlots(100, 0xff, base, 80)).toBe(-1);
      expect(map.copyFor(100, slot, base[slot]!)).toBe(80);
    }
  });
});

describe("ChunkMap groups", () => {
  it("keeps every group apart when thousands share buffers", () => {
    // One entry per group: groups of 64 bytes, so 5,000 of them fill several of the largest shared buffers (64 KiB).
    const map = new ChunkMap(1);
    const sourceChunks = 5000;
    for (let sourceChunk = 0; sourceChunk < sourceChunks; sourceChunk++) {
      for (let slot = 0; slot < SESSION_SLOTS; slot++) map.set(sourceChunk * 3, slot, 1 + (sourceChunk % 5), sourceChunk * SESSION_SLOTS + slot);
    }
    for (let sourceChunk = 0; sourceChunk < sourceChunks; sourceChunk++) {
      for (let slot = 0; slot < SESSION_SLOTS; slot++) {
        const copy = map.copyFor(sourceChunk * 3, slot, 1 + (sourceChunk % 5));
        if (copy !== sourceChunk * SESSION_SLOTS + slot) expect({ sourceChunk, slot, copy }).toEqual({ sourceChunk, slot, copy: sourceChunk * SESSION_SLOTS + slot });
      }
    }
    expect(map.touchedChunks()).toEqual(Array.from({ length: sourceChunks }, (_, i) => i * 3));
  });

  it("visits groups in the order they were made, or ascending", () => {
    const map = new ChunkMap(4);
    for (const sourceChunk of [41, 2, 17, 3, 40]) map.set(sourceChunk, 0, 1, sourceChunk);
    const made: number[] = [];
    map.forEachGroupInMemoryOrder((firstChunk) => made.push(firstChunk));
    expect(made).toEqual([40, 0, 16]);
    const ascending: number[] = [];
    map.forEachGroup((firstChunk) => ascending.push(firstChunk));
    expect(ascending).toEqual([0, 16, 40]);
  });
});
