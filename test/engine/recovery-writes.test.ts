import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import { COMMIT_POLICY_NAMES } from "../../engine/index.js";
import { DeviceIo } from "../../engine/device-io.js";
import { zeroCounters } from "../../engine/counters.js";
import { scanCacheLu } from "../../engine/scan.js";
import { Rig } from "./rig.js";

/**
 * What a mount writes, and that it sticks: the repository's mounted flag,
 * and the rewrite of the records of chunks it reclaims. Without them a crash
 * right after a mount would leave a Cache LU that claims a clean unmount, or
 * that leaks the same chunks again.
 */
const KiB = 1024;
const SOURCE = 1024 * KiB;
const CACHE = 512 * KiB;

function scan(rig: Rig) {
  return rig.run(scanCacheLu(new DeviceIo(rig.source, rig.cache, zeroCounters()), rig.source));
}

describe.each(COMMIT_POLICY_NAMES)("what a mount writes (%s)", (policy) => {
  it("marks the repository mounted, and a clean unmount marks it clean", () => {
    const rig = new Rig({ sourceBytes: SOURCE, cacheBytes: CACHE });
    const formatted = rig.format(16 * KiB, 4 * KiB, policy);
    rig.run(formatted.unmount());
    expect(scan(rig).repository?.cleanlyUnmounted).toBe(true);
    const mounted = rig.mount(policy);
    expect(scan(rig).repository?.cleanlyUnmounted).toBe(false);
    rig.run(mounted.startSession(0));
    rig.run(mounted.hostWrite(0, Payload.stamp(9, 4 * KiB)));
    rig.run(mounted.unmount());
    const after = scan(rig);
    expect(after.repository?.cleanlyUnmounted).toBe(true);
    expect(after.repository?.chunksInUse).toBe(1);
    // Shadow copies: every commit writes the copy that is not current and then switches to it, so the
    // current one is never overwritten in place (a crash mid-write leaves the previous copy whole).
    // Some rounds end in a clean unmount, others in a crash right after the mount, so a mount finds either copy current.
    const currentBeforeMount = new Set<number | undefined>();
    for (let round = 0; round < 4; round++) {
      const before = scan(rig).repositoryCopy;
      currentBeforeMount.add(before);
      const again = rig.mount(policy);
      const mountedCopy = scan(rig).repositoryCopy;
      expect(mountedCopy).toBe(before === 0 ? 1 : 0);
      if (round % 3 === 0) {
        rig.run(again.unmount());
        expect(scan(rig).repositoryCopy).toBe(mountedCopy === 0 ? 1 : 0);
      }
      expect(scan(rig).findings.filter((f) => f.severity === "fatal")).toEqual([]);
    }
    expect([...currentBeforeMount].sort()).toEqual([0, 1]);
  });

  it("persists what it reclaims: a second mount of the same Cache LU finds nothing more to reclaim", () => {
    // Record the Cache LU's writes, then crash after each one until some mount has a leaked chunk to reclaim.
    const rig = new Rig({ sourceBytes: SOURCE, cacheBytes: CACHE, recordLog: true });
    const engine = rig.format(16 * KiB, 4 * KiB, policy);
    const formatWrites = rig.cache.log().length;
    rig.run(engine.startSession(0));
    for (let i = 0; i < 4; i++) rig.run(engine.hostWrite(i * 64 * KiB, Payload.stamp(10 + i, 4 * KiB)));
    rig.run(engine.stopSession(0));
    let reclaimedOnce = false;
    for (let point = formatWrites; point <= rig.cache.log().length && !reclaimedOnce; point++) {
      const crashed = new Rig({ sourceBytes: SOURCE, cacheBytes: CACHE, cacheContents: rig.cache.buildImage(point, new Set()), sourceContents: rig.source.buildImage(rig.source.log().length, new Set()) });
      let first;
      try {
        first = crashed.mount(policy);
      } catch {
        continue; // a crash inside a metadata update the mount refuses: not this test's subject
      }
      if (first.counters.recoveryChunksReclaimed === 0) continue;
      reclaimedOnce = true;
      expect(scan(crashed).reclaimableChunks).toEqual([]);
      const second = crashed.mount(policy);
      expect(second.counters.recoveryChunksReclaimed).toBe(0);
      second.assertConsistent();
    }
    expect(reclaimedOnce).toBe(true);
  });
});
