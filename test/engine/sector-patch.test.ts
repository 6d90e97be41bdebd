import { crc32 } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeLayout, SESSION_SLOTS, type Layout } from "../../engine/index.js";
import { crcChange, crcRegisterStepU32 } from "../../engine/on-disk/crc-patch.js";
import { decodeMapSector, encodeMapSector, patchMapEntry } from "../../engine/on-disk/codec.js";

const KiB = 1024;
const layouts: Record<number, Layout> = Object.fromEntries(
  [512, 4096].map((sectorSizeBytes) => [
    sectorSizeBytes,
    computeLayout({ sectorSizeBytes, chunkSizeBytes: 64 * KiB, regionSizeBytes: 4 * sectorSizeBytes, sourceCapacityBytes: 1024 * 1024 * KiB, cacheCapacityBytes: 512 * 1024 * KiB }),
  ]),
);
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

/** The little-endian u32 at `at` of `bytes`. */
function u32At(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

describe("crcChange", () => {
  it("turns a change of a run of words into the change of the whole message's CRC-32", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1100 }), fc.nat(), fc.array(u32, { minLength: 1, maxLength: 12 }), fc.nat(), (words, atSeed, run, fill) => {
        const message = new Uint8Array(4 * words).map((_, i) => (i * 131 + fill) & 0xff);
        const runWords = Math.min(run.length, words);
        const at = 4 * (atSeed % (words - runWords + 1));
        const changed = message.slice();
        const view = new DataView(changed.buffer);
        let register = 0;
        for (let i = 0; i < runWords; i++) {
          register = crcRegisterStepU32(register, u32At(message, at + 4 * i) ^ run[i]!);
          view.setUint32(at + 4 * i, run[i]!, true);
        }
        expect((crc32(message) ^ crcChange(message.length, at, 4 * runWords, register)) >>> 0).toBe(crc32(changed));
      }),
    );
  });
});

describe("a map sector patched entry by entry", () => {
  it("is the sector encoded whole with the entries changed, check bits included, for both sector sizes", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(512, 4096),
        fc.array(u32, { maxLength: 600 }),
        fc.array(fc.tuple(fc.nat(), fc.array(u32, { minLength: SESSION_SLOTS, maxLength: SESSION_SLOTS })), { minLength: 1, maxLength: 6 }),
        (size, seedWords, patches) => {
          const layout = layouts[size]!;
          const entries = new Uint32Array(layout.entriesPerMapSector * SESSION_SLOTS);
          entries.set(seedWords.slice(0, entries.length));
          const sector = layout.mapFirstSector + 3;
          const bytes = encodeMapSector(layout, sector, entries);
          for (const [entrySeed, words] of patches) {
            const entry = entrySeed % layout.entriesPerMapSector;
            entries.set(words, entry * SESSION_SLOTS);
            patchMapEntry(layout, bytes, entry, words, 0);
            expect(bytes).toEqual(encodeMapSector(layout, sector, entries));
          }
          expect(decodeMapSector(layout, sector, bytes).ok).toBe(true);
        },
      ),
    );
  });

  it("refuses entries outside the sector", () => {
    const layout = layouts[512]!;
    const bytes = encodeMapSector(layout, layout.mapFirstSector, new Uint32Array(layout.entriesPerMapSector * SESSION_SLOTS));
    expect(() => patchMapEntry(layout, bytes, layout.entriesPerMapSector, new Uint32Array(SESSION_SLOTS), 0)).toThrow(RangeError);
    expect(() => patchMapEntry(layout, bytes, -1, new Uint32Array(SESSION_SLOTS), 0)).toThrow(RangeError);
  });
});
