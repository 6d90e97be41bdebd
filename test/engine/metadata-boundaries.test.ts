import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import { fsck, COMMIT_POLICY_NAMES } from "../../engine/index.js";
import { Rig } from "./rig.js";
import { Oracle, tokensOf } from "./oracle.js";

/**
 * Copies at the edges of the metadata's sectors: the last chunk of an
 * allocation record and the first of the next, the Source LU's last chunk
 * when it is shorter than the others, and the last region of a region-bitmap
 * sector and the first of the next. The other engine tests use Cache LUs
 * smaller than one record, Source LUs of a few hundred regions and whole
 * chunks, so an encoding that dropped the last item of a sector, or a layout
 * that left out a short last chunk, passed all of them (each checked by hand
 * on engine/metadata.ts and engine/on-disk/layout.ts; see the commits).
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 4 * KiB;

describe.each(COMMIT_POLICY_NAMES)("metadata sector boundaries survive a remount (%s)", (policy) => {
  it("copies in every chunk of the first allocation record and the first chunks of the second", () => {
    const rig = new Rig({ sourceBytes: MiB, cacheBytes: MiB });
    const engine = rig.format(CHUNK, 4 * KiB, policy);
    const perRecord = engine.layout.chunksPerRecord;
    const copies = perRecord + 2;
    expect(engine.layout.cofwChunkCount).toBeGreaterThan(copies);
    const oracle = new Oracle(MiB / 512);
    rig.run(engine.startSession(0));
    oracle.start(0);
    // One first write per chunk, in order: the copies take COFW chunks 0, 1, 2, ... so they fill record 0 and reach record 1.
    for (let chunk = 0; chunk < copies; chunk++) {
      rig.run(engine.hostWrite(chunk * CHUNK, Payload.stamp(100 + chunk, CHUNK)));
      oracle.write((chunk * CHUNK) / 512, CHUNK / 512, 100 + chunk);
    }
    rig.run(engine.unmount());
    expect(rig.run(fsck(rig.source, rig.cache)).summary).toMatchObject({ chunksInUse: copies, validMapEntries: copies, unreachableChunks: 0 });
    const mounted = rig.mount(policy);
    mounted.assertConsistent();
    const sectors = (copies * CHUNK) / 512;
    expect(tokensOf(rig.run(mounted.phantomRead(0, 0, copies * CHUNK)))).toEqual(oracle.expectedPhantom(0, 0, sectors));
  });

  it("a copy of the Source LU's last chunk, shorter than the others", () => {
    // 1 MiB + 4 KiB of 64 KiB chunks: 17 chunks, the last of 4 KiB.
    const sourceBytes = MiB + 4 * KiB;
    const rig = new Rig({ sourceBytes, cacheBytes: MiB });
    const engine = rig.format(64 * KiB, 4 * KiB, policy);
    expect(engine.layout.sourceChunkCount).toBe(17);
    const oracle = new Oracle(sourceBytes / 512);
    rig.run(engine.startSession(0));
    oracle.start(0);
    rig.run(engine.hostWrite(MiB, Payload.stamp(100, 4 * KiB)));
    oracle.write(MiB / 512, 8, 100);
    rig.run(engine.unmount());
    expect(rig.run(fsck(rig.source, rig.cache)).summary).toMatchObject({ chunksInUse: 1, validMapEntries: 1 });
    const mounted = rig.mount(policy);
    expect(tokensOf(rig.run(mounted.phantomRead(0, MiB, 4 * KiB)))).toEqual(oracle.expectedPhantom(0, MiB / 512, 8));
  });

  it("copies in the last region of the first region-bitmap sector and the first region of the second", () => {
    // 4 KiB regions of 120 source chunks; a bitmap sector covers 3,968 regions, so the Source LU needs more than
    // 476,160 chunks of 4 KiB. Simulated devices hold only what is written.
    const sourceBytes = 2048 * MiB;
    const rig = new Rig({ sourceBytes, cacheBytes: 64 * MiB });
    const engine = rig.format(CHUNK, 4 * KiB, policy);
    const { bitsPerBitmapSector, entriesPerRegion, regionCount } = engine.layout;
    expect(regionCount).toBeGreaterThan(bitsPerBitmapSector + 1);
    const regions = [0, bitsPerBitmapSector - 1, bitsPerBitmapSector];
    const oracle = new Oracle(sourceBytes / 512);
    rig.run(engine.startSession(0));
    oracle.start(0);
    for (const region of regions) {
      const offset = region * entriesPerRegion * CHUNK;
      rig.run(engine.hostWrite(offset, Payload.stamp(100 + region, CHUNK)));
      oracle.write(offset / 512, CHUNK / 512, 100 + region);
    }
    rig.run(engine.unmount());
    const mounted = rig.mount(policy);
    mounted.assertConsistent();
    for (const region of regions) {
      const offset = region * entriesPerRegion * CHUNK;
      expect(tokensOf(rig.run(mounted.phantomRead(0, offset, CHUNK)))).toEqual(oracle.expectedPhantom(0, offset / 512, CHUNK / 512));
    }
  });
});
