import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import { RecoveryRefused, fsck, COMMIT_POLICY_NAMES } from "../../engine/index.js";
import { FORMAT_VERSION, encodeHeader, encodeRecord, emptyRecord } from "../../engine/on-disk/codec.js";
import { Rig, mountError, oneCopyUnmounted } from "./rig.js";
import { Oracle, SECTOR_BYTES, tokensOf } from "./oracle.js";

const KiB = 1024;
const MiB = 1024 * KiB;

describe("mount refuses what it cannot trust, with a typed error", () => {
  it("an unformatted Cache LU", () => {
    const rig = new Rig({ sourceBytes: MiB, cacheBytes: MiB });
    const error = mountError(rig);
    expect(error.reason).toBe("not-formatted");
    expect(error.message).toMatch(/never formatted/);
  });

  it("an unknown format version", () => {
    const rig = new Rig({ sourceBytes: MiB, cacheBytes: MiB });
    const engine = rig.format(64 * KiB, 4 * KiB);
    rig.run(engine.unmount());
    const geometry = engine.layout.geometry;
    // A newer version, and the one before this (its COFW chunks were not chunk-aligned): neither is guessed at.
    for (const version of [FORMAT_VERSION + 1, FORMAT_VERSION - 1]) {
      rig.writeCacheSector(0, encodeHeader({ version, valid: true, geometry }));
      const error = mountError(rig);
      expect(error.reason).toBe("unknown-version");
      expect(error.message).toContain(`format version ${version} is not one this engine knows (it reads version ${FORMAT_VERSION})`);
    }
  });

  it("a header marked invalid, and a Cache LU formatted for other devices", () => {
    const rig = new Rig({ sourceBytes: MiB, cacheBytes: MiB });
    const engine = rig.format(64 * KiB, 4 * KiB);
    const geometry = engine.layout.geometry;
    rig.writeCacheSector(0, encodeHeader({ version: FORMAT_VERSION, valid: false, geometry }));
    expect(mountError(rig).reason).toBe("marked-invalid");
    rig.writeCacheSector(0, encodeHeader({ version: FORMAT_VERSION, valid: true, geometry: { ...geometry, sourceCapacityBytes: 2 * MiB } }));
    expect(mountError(rig).reason).toBe("geometry-mismatch");
  });

  it("a torn allocation record: detected, never trusted, reported by fsck as fatal", () => {
    const { rig, layout } = oneCopyUnmounted(4 * KiB);
    const newer = emptyRecord(layout);
    newer.allocated[1] = 1;
    newer.inCache[1] = 1;
    // Chunk 60's source number lies in the sector's second half, so the two halves disagree.
    newer.allocated[60] = 1;
    newer.sourceChunks[60] = 17;
    const torn = encodeRecord(layout, 0, newer);
    // Half of the sector from a newer version, half from what is on disk: bytes no single write produced.
    const onDisk = rig.readCacheSector(layout.recordsFirstSector);
    torn.set(onDisk.subarray(256), 256);
    rig.writeCacheSector(layout.recordsFirstSector, torn);
    const error = mountError(rig);
    expect(error.reason).toBe("corrupt-metadata");
    expect(error.message).toMatch(/allocation record 0 unreadable \(bad-checksum\)/);
    const report = rig.run(fsck(rig.source, rig.cache));
    expect(report.clean).toBe(false);
    expect(report.fatal.map((f) => f.code)).toEqual(["record-corrupt"]);
  });

  it("one stray byte anywhere in a blank map sector of a clean region: the sector is corrupt, not blank", () => {
    // The scan passes over blank sectors a word at a time before decoding anything; a byte at either end of a sector,
    // or of a word, must still reach the decoder.
    for (const at of [0, 1, 3, 4, 255, 508, 511]) {
      const { rig, layout } = oneCopyUnmounted(16 * KiB);
      const sector = layout.mapFirstSector + 2;
      const stray = new Uint8Array(512);
      stray[at] = 0x5a;
      rig.writeCacheSector(sector, stray);
      const error = mountError(rig);
      expect(error.reason).toBe("corrupt-metadata");
      expect(error.message).toBe(`mount refused: map sector ${sector} of clean region 0 unreadable (bad-magic)`);
      const report = rig.run(fsck(rig.source, rig.cache));
      expect(report.fatal.map((f) => f.code)).toEqual(["map-sector-corrupt"]);
    }
  });

  it("a Cache LU with a finding per sector: the message names the first ten and counts the rest; the error keeps them all", () => {
    const { rig, layout } = oneCopyUnmounted(16 * KiB);
    // The region's first map sector copied over its next 20: each a well-formed sector in the wrong place.
    const first = rig.readCacheSector(layout.mapFirstSector);
    for (let sector = layout.mapFirstSector + 1; sector <= layout.mapFirstSector + 20; sector++) rig.writeCacheSector(sector, first);
    const error = mountError(rig);
    expect(error.reason).toBe("corrupt-metadata");
    if (!(error instanceof RecoveryRefused)) throw new Error(`expected a RecoveryRefused, got ${error.name}`);
    const fatal = error.findings.filter((f) => f.severity === "fatal");
    expect(fatal.length).toBe(20);
    expect(fatal.every((f) => /bad-location/.test(f.message))).toBe(true);
    expect(error.message).toBe(`mount refused: ${fatal.slice(0, 10).map((f) => f.message).join("; ")}; and 10 more fatal findings`);
  });
});

describe("recovery", () => {
  it("never honours a stale map entry after its slot is reused with a new sequence number", () => {
    const rig = new Rig({ sourceBytes: MiB, cacheBytes: MiB });
    const engine = rig.format(64 * KiB, 4 * KiB);
    rig.run(engine.startSession(3));
    rig.run(engine.hostWrite(0, Payload.stamp(50, 4 * KiB)));
    rig.run(engine.startSession(3)); // replaces: the copy made for sequence 1 is stale now
    rig.run(engine.unmount());
    const report = rig.run(fsck(rig.source, rig.cache));
    expect(report.clean).toBe(true);
    expect(report.summary.staleMapEntries).toBe(1);
    expect(report.repairable.map((f) => f.code)).toContain("stale-map-entries");
    const again = rig.mount();
    // The new session started after the write, so it reads the written data, not the stale copy.
    expect(tokensOf(rig.run(again.phantomRead(3, 0, 4 * KiB)))).toEqual(tokensOf(Payload.stamp(50, 4 * KiB)));
    again.assertConsistent();
  });

  it.each(COMMIT_POLICY_NAMES)("rebuilds the engine from the Cache LU alone after the engine is dropped without unmount (%s)", (policy) => {
    const rig = new Rig({ sourceBytes: 2 * MiB, cacheBytes: 2 * MiB });
    const sectors = (2 * MiB) / SECTOR_BYTES;
    const oracle = new Oracle(sectors);
    const engine = rig.format(16 * KiB, 1 * KiB, policy);
    let stamp = 100;
    for (const slot of [0, 5]) {
      rig.run(engine.startSession(slot));
      oracle.start(slot);
      for (let i = 0; i < 20; i++) {
        const first = (i * 97 + slot * 13) % (sectors - 8);
        rig.run(engine.hostWrite(first * SECTOR_BYTES, Payload.stamp(stamp, 8 * SECTOR_BYTES)));
        oracle.write(first, 8, stamp++);
      }
    }
    // No unmount: the next engine knows only what reached the Cache LU.
    const again = rig.mount(policy);
    again.assertConsistent();
    if (policy === "dirty-region-log") expect(again.counters.recoveryRegionsRebuilt).toBeGreaterThan(0);
    else expect(again.counters.recoveryRegionsRebuilt).toBe(0);
    expect(again.counters.recoveryBytesRead).toBeGreaterThan(0);
    for (const slot of [0, 5]) expect(tokensOf(rig.run(again.phantomRead(slot, 0, 2 * MiB)))).toEqual(oracle.expectedPhantom(slot, 0, sectors));
    expect(tokensOf(rig.run(again.hostRead(0, 2 * MiB)))).toEqual(oracle.expectedSource(0, sectors));
    // And a second mount of what the first one wrote back finds nothing left to rebuild.
    const third = rig.mount(policy);
    expect(third.counters.recoveryRegionsRebuilt).toBe(0);
  });
});
