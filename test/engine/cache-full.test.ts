import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import { COMMIT_POLICY_NAMES } from "../../engine/index.js";
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
