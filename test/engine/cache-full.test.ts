import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import { COMMIT_POLICY_NAMES, type CofwEngine } from "../../engine/index.js";
import { FixedBandwidthModel } from "../../sim/devices/models/fixed-bandwidth.js";
import { Rig } from "./rig.js";
import { Oracle, SECTOR_BYTES, tokensOf } from "./oracle.js";

const KiB = 1024;

describe.each(COMMIT_POLICY_NAMES)("a full Cache LU (%s)", (policy) => {
  it("terminates the sessions that need a copy it cannot make, keeps the Source LU writable and the others intact", () => {
    const rig = new Rig({ sourceBytes: 512 * KiB, cacheBytes: 96 * KiB });
    const engine = rig.format(4 * KiB, 512, policy);
    const capacity = engine.layout.cofwChunkCount;
    const sectors = (512 * KiB) / SECTOR_BYTES;
    const oracle = new Oracle(sectors);
    // Slot 1 starts first and is covered for the chunks below before slot 2 starts.
    rig.run(engine.startSession(1));
    oracle.start(1);
    rig.run(engine.hostWrite(0, Payload.stamp(100, 4 * KiB)));
    oracle.write(0, 8, 100);
    rig.run(engine.startSession(2));
    oracle.start(2);
    let stamp = 200;
    for (let chunk = 1; chunk <= capacity + 5; chunk++) {
      rig.run(engine.hostWrite(chunk * 4 * KiB, Payload.stamp(stamp, 4 * KiB)));
      oracle.write(chunk * 8, 8, stamp++);
    }
    expect(engine.counters.sessionsTerminated).toBe(0 + engine.sessionList().filter((s) => s.endReason === "terminated-cache-full").length);
    const ended = engine.sessionList().filter((s) => s.endReason === "terminated-cache-full").map((s) => s.slot);
    expect(ended.length).toBeGreaterThan(0);
    expect(engine.counters.sessionsTerminated).toBe(ended.length);
    // The Source LU took every write.
    expect(tokensOf(rig.run(engine.hostRead(0, 512 * KiB)))).toEqual(oracle.expectedSource(0, sectors));
    for (const info of engine.sessionList().filter((s) => s.state === "active")) {
      expect(tokensOf(rig.run(engine.phantomRead(info.slot, 0, 512 * KiB)))).toEqual(oracle.expectedPhantom(info.slot, 0, sectors));
    }
    engine.assertConsistent();
    // Space freed by the terminated sessions is reused by a new one.
    rig.run(engine.startSession(4));
    oracle.start(4);
    rig.run(engine.hostWrite(0, Payload.stamp(999, 4 * KiB)));
    oracle.write(0, 8, 999);
    expect(tokensOf(rig.run(engine.phantomRead(4, 0, 4 * KiB)))).toEqual(oracle.expectedPhantom(4, 0, 8));
    engine.assertConsistent();
  });
});

describe.each(COMMIT_POLICY_NAMES)("two cache-full terminations in flight together (%s)", (policy) => {
  /**
   * Slot 0 has a copy of chunk 0, both slots a copy of chunk 1, and the Cache
   * LU is full. Then, together: a write to chunk 0 needs a copy for slot 1,
   * and a write to a fresh chunk needs one for slots 0 and 1. The first
   * terminates slot 1; the second finds slot 1's termination in flight and
   * terminates slot 0 itself. On devices that take 100 us a request, the two
   * slot commits overlap unless the engine serialises them.
   */
  it("end both sessions, in memory and on disk, and neither host write lands before its termination is durable", () => {
    const rig = new Rig({
      sourceBytes: 512 * KiB,
      cacheBytes: 96 * KiB,
      model: (kernel) => new FixedBandwidthModel(kernel, { latencyNs: 100_000, bandwidthBytesPerSec: 1e12, parallelism: 64 }),
    });
    const engine = rig.format(4 * KiB, 512, policy);
    const capacity = engine.layout.cofwChunkCount;
    rig.run(engine.startSession(0));
    rig.run(engine.hostWrite(0, Payload.stamp(100, 4 * KiB)));
    for (let chunk = 2; chunk < capacity; chunk++) rig.run(engine.hostWrite(chunk * 4 * KiB, Payload.stamp(100 + chunk, 4 * KiB)));
    rig.run(engine.startSession(1));
    rig.run(engine.hostWrite(4 * KiB, Payload.stamp(101, 4 * KiB)));
    expect(engine.counters.chunksInUse).toBe(capacity);

    const durableAtNs = new Map<number, number>();
    engine.terminationListener = (sessions) => () => {
      for (const { slot } of sessions) durableAtNs.set(slot, rig.kernel.nowNs);
    };
    const toChunk0 = rig.start(engine.hostWrite(0, Payload.stamp(200, 4 * KiB)), "write to chunk 0");
    const toFresh = rig.start(engine.hostWrite(capacity * 4 * KiB, Payload.stamp(201, 4 * KiB)), "write to a fresh chunk");
    rig.kernel.runUntilIdle();

    expect(engine.counters.sessionsTerminated).toBe(2);
    const ended = (e: CofwEngine) => e.sessionList().filter((s) => s.slot < 2).map((s) => [s.slot, s.state, s.endReason]);
    const bothEnded = [
      [0, "free", "terminated-cache-full"],
      [1, "free", "terminated-cache-full"],
    ];
    expect(ended(engine)).toEqual(bothEnded);
    // Each write waited for every termination it needed: chunk 0's for slot 1's, the fresh chunk's for both.
    expect([...durableAtNs.keys()].sort()).toEqual([0, 1]);
    expect(toChunk0.doneAtNs!).toBeGreaterThan(durableAtNs.get(1)!);
    expect(toFresh.doneAtNs!).toBeGreaterThan(Math.max(durableAtNs.get(0)!, durableAtNs.get(1)!));
    engine.assertConsistent();
    expect(ended(rig.mount(policy))).toEqual(bothEnded);
  });
});
