import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import { FixedBandwidthModel } from "../../sim/devices/models/fixed-bandwidth.js";
import { Rig } from "./rig.js";

const KiB = 1024;

/** Devices with 100 us per request and plenty of parallelism: elapsed simulated time shows what overlapped. */
function latencyRig(): Rig {
  return new Rig({
    sourceBytes: 1024 * KiB,
    cacheBytes: 1024 * KiB,
    model: (kernel) => new FixedBandwidthModel(kernel, { latencyNs: 100_000, bandwidthBytesPerSec: 1e12, parallelism: 64 }),
  });
}

function elapsedNs(rig: Rig, run: () => void): number {
  const start = rig.kernel.nowNs;
  run();
  return rig.kernel.nowNs - start;
}

describe("concurrent host writes", () => {
  it("copies of different chunks proceed in parallel", () => {
    const rig = latencyRig();
    const engine = rig.format(64 * KiB, 4 * KiB);
    rig.run(engine.startSession(0));
    const one = elapsedNs(rig, () => rig.run(engine.hostWrite(0, Payload.stamp(10, 4 * KiB))));
    const eight = elapsedNs(rig, () => rig.runAll(Array.from({ length: 8 }, (_, i) => engine.hostWrite((i + 1) * 64 * KiB, Payload.stamp(20 + i, 4 * KiB)))));
    expect(engine.counters.cofwCopies).toBe(9);
    // Eight copies in flight together cost about what one costs, not eight times as much.
    expect(eight).toBeLessThan(2 * one);
  });

  it("a write to a chunk whose copy is in progress waits for it, and no second copy is made", () => {
    const rig = latencyRig();
    const engine = rig.format(64 * KiB, 4 * KiB);
    rig.run(engine.startSession(0));
    rig.runAll([engine.hostWrite(0, Payload.stamp(10, 4 * KiB)), engine.hostWrite(8 * KiB, Payload.stamp(11, 4 * KiB))]);
    expect(engine.counters.cofwCopies).toBe(1);
    expect(engine.counters.copyWaits).toBe(1);
    expect(engine.counters.hostWrites).toBe(2);
    const rewrite = elapsedNs(rig, () => rig.run(engine.hostWrite(16 * KiB, Payload.stamp(12, 4 * KiB))));
    // A covered chunk goes straight through: one source write (100 us latency + 5 ns of transfer), no copy.
    expect(rewrite).toBe(100_005);
    expect(engine.counters.cofwCopies).toBe(1);
  });

  it("one copy serves every session that needs the same old data; a later session gets its own", () => {
    const rig = latencyRig();
    const engine = rig.format(64 * KiB, 4 * KiB);
    rig.run(engine.startSession(0));
    rig.run(engine.startSession(1));
    rig.run(engine.hostWrite(0, Payload.stamp(10, 4 * KiB)));
    expect(engine.counters.cofwCopies).toBe(1);
    rig.run(engine.startSession(2));
    rig.run(engine.hostWrite(0, Payload.stamp(11, 4 * KiB)));
    expect(engine.counters.cofwCopies).toBe(2);
    expect(engine.counters.chunksInUse).toBe(2);
    expect(rig.run(engine.phantomRead(2, 0, 4 * KiB)).equals(Payload.stamp(10, 4 * KiB))).toBe(true);
    expect(rig.run(engine.phantomRead(1, 0, 4 * KiB)).equals(Payload.stamp(1, 4 * KiB, 0))).toBe(true);
    engine.assertConsistent();
  });
});
