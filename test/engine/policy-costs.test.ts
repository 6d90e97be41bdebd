import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import type { CommitPolicyName, CofwEngine } from "../../engine/index.js";
import { DirtyRegionLogPolicy } from "../../engine/policies/dirty-region-log.js";
import { DeviceIo } from "../../engine/device-io.js";
import { zeroCounters } from "../../engine/counters.js";
import { scanCacheLu } from "../../engine/scan.js";
import { FixedBandwidthModel } from "../../sim/devices/models/fixed-bandwidth.js";
import { Rig, SOURCE_ORIGIN_STAMP } from "./rig.js";
import { Oracle, token, tokensOf } from "./oracle.js";

/**
 * What each commit policy exists for, measured in the engine's counters: a
 * policy that loses its point (group commit that stops batching, a dirty-region
 * log that never writes back) still passes every consistency check, so its
 * cost is asserted here.
 */
const KiB = 1024;
const CHUNK = 16 * KiB;
const SOURCE = 4096 * KiB;
const COPIES = 32;

/** COPIES concurrent first writes to distinct chunks under one session, on devices that take 20 us per I/O (so copies overlap). */
function concurrentFirstWrites(policy: CommitPolicyName): { rig: Rig; engine: CofwEngine; oracle: Oracle; flushes: number; metadataWrites: number } {
  const rig = new Rig({ sourceBytes: SOURCE, cacheBytes: 2048 * KiB, model: (kernel) => new FixedBandwidthModel(kernel, { latencyNs: 20_000, bandwidthBytesPerSec: 1e9, parallelism: 8 }) });
  const engine = rig.format(CHUNK, 4 * KiB, policy);
  const oracle = new Oracle(SOURCE / 512);
  rig.run(engine.startSession(0));
  oracle.start(0);
  const before = { ...engine.counters };
  rig.runAll(Array.from({ length: COPIES }, (_, i) => engine.hostWrite(i * 2 * CHUNK, Payload.stamp(100 + i, 4 * KiB))));
  for (let i = 0; i < COPIES; i++) oracle.write((i * 2 * CHUNK) / 512, 8, 100 + i);
  // What the copies alone cost.
  return { rig, engine, oracle, flushes: engine.counters.flushes - before.flushes, metadataWrites: engine.counters.metadataWrites - before.metadataWrites };
}

function expectReadsRight({ rig, engine, oracle }: ReturnType<typeof concurrentFirstWrites>): void {
  const sectors = SOURCE / 512;
  expect(tokensOf(rig.run(engine.phantomRead(0, 0, SOURCE)))).toEqual(oracle.expectedPhantom(0, 0, sectors));
  expect(tokensOf(rig.run(engine.hostRead(0, SOURCE)))).toEqual(oracle.expectedSource(0, sectors));
}

describe("commit policy costs", () => {
  it("group commit batches concurrent copies: a few batches of two flushes each, and no more metadata writes than write-through", () => {
    const writeThrough = concurrentFirstWrites("write-through");
    const groupCommit = concurrentFirstWrites("group-commit");
    expect(writeThrough.engine.counters.cofwCopies).toBe(COPIES);
    expect(groupCommit.engine.counters.cofwCopies).toBe(COPIES);
    // Write-through makes each copy durable with FUA writes; group commit with two flushes per batch.
    // With 32 overlapping copies that is a handful of batches: committed one by one it would be 64 flushes.
    expect(writeThrough.flushes).toBe(0);
    expect(groupCommit.flushes).toBeGreaterThanOrEqual(2);
    expect(groupCommit.flushes).toBeLessThanOrEqual(COPIES / 4);
    expect(groupCommit.metadataWrites).toBeLessThanOrEqual(writeThrough.metadataWrites);
    expectReadsRight(writeThrough);
    expectReadsRight(groupCommit);
  });

  it("group commit commits a lone copy at once (it waits for no timer and no company)", () => {
    const rig = new Rig({ sourceBytes: SOURCE, cacheBytes: 2048 * KiB });
    const engine = rig.format(CHUNK, 4 * KiB, "group-commit");
    rig.run(engine.startSession(0));
    const before = rig.kernel.nowNs;
    rig.run(engine.hostWrite(0, Payload.stamp(7, 4 * KiB)));
    expect(engine.counters.cofwCopies).toBe(1);
    expect(rig.kernel.nowNs).toBe(before); // zero-latency devices: nothing made it wait
    expect(engine.counters.flushes).toBeGreaterThanOrEqual(2);
  });

  it("the dirty-region log writes no map sector while copying, writes every modified region back at a host flush, and then has nothing to rebuild", () => {
    const drl = concurrentFirstWrites("dirty-region-log");
    const wt = concurrentFirstWrites("write-through");
    const scanNow = (rig: Rig) => rig.run(scanCacheLu(new DeviceIo(rig.source, rig.cache, zeroCounters()), rig.source));
    // Before the flush: the map lives in memory and in the records; regions are marked modified on disk.
    expect(drl.metadataWrites).toBeLessThan(wt.metadataWrites);
    const modifiedBefore = scanNow(drl.rig).regionModified!.reduce((a, b) => a + b, 0);
    expect(modifiedBefore).toBeGreaterThan(0);
    const writesBefore = drl.engine.counters.metadataWrites;
    drl.rig.run(drl.engine.hostFlush());
    expect(drl.engine.counters.metadataWrites).toBeGreaterThan(writesBefore);
    const afterFlush = scanNow(drl.rig);
    expect(afterFlush.regionModified!.reduce((a, b) => a + b, 0)).toBe(0);
    expect(afterFlush.entries!.length).toBe(COPIES);
    // A remount (as after a crash right here) reads the written-back map and rebuilds nothing.
    const remounted = drl.rig.mount("dirty-region-log");
    expect(remounted.counters.recoveryRegionsRebuilt).toBe(0);
    expectReadsRight({ ...drl, engine: remounted });
  });

  it("the dirty-region log writes regions back once more than maxModifiedRegions are modified now, without a flush", () => {
    const rig = new Rig({ sourceBytes: SOURCE, cacheBytes: 2048 * KiB });
    const engine = rig.format(CHUNK, 4 * KiB, new DirtyRegionLogPolicy({ maxModifiedRegions: 1 }));
    const perRegion = engine.layout.entriesPerRegion;
    expect(engine.layout.regionCount).toBeGreaterThanOrEqual(3);
    rig.run(engine.startSession(0));
    const modifiedOnDisk = () => rig.run(scanCacheLu(new DeviceIo(rig.source, rig.cache, zeroCounters()), rig.source)).regionModified!.reduce((a, b) => a + b, 0);
    rig.run(engine.hostWrite(0, Payload.stamp(10, 4 * KiB)));
    expect(modifiedOnDisk()).toBe(1); // one region modified: at the limit, not over it
    // A copy in a second region takes the count over the limit: both regions are written back and their bits cleared.
    rig.run(engine.hostWrite(perRegion * CHUNK, Payload.stamp(11, 4 * KiB)));
    expect(modifiedOnDisk()).toBe(0);
    // The count is of the regions modified now, not of those ever modified: a copy in a third region leaves it
    // modified, at the limit again, and nothing is written back.
    const writesBefore = engine.counters.metadataWrites;
    rig.run(engine.hostWrite(2 * perRegion * CHUNK, Payload.stamp(12, 4 * KiB)));
    expect(modifiedOnDisk()).toBe(1);
    expect(engine.counters.metadataWrites - writesBefore).toBe(2); // the copy's record and the region's modified bit
    const remounted = rig.mount(new DirtyRegionLogPolicy({ maxModifiedRegions: 1 }));
    expect(remounted.counters.recoveryRegionsRebuilt).toBe(1);
    // The session still reads its point in time, through the written-back map and the rebuilt region.
    for (const chunk of [0, perRegion, 2 * perRegion]) {
      expect(tokensOf(rig.run(remounted.phantomRead(0, chunk * CHUNK, 4 * KiB)))[0]).toBe(token(SOURCE_ORIGIN_STAMP, (chunk * CHUNK) / 512));
    }
  });
});
