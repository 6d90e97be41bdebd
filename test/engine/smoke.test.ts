import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import { Rig, SOURCE_ORIGIN_STAMP } from "./rig.js";
import { COMMIT_POLICY_NAMES } from "../../engine/index.js";

const KiB = 1024;
const MiB = 1024 * KiB;

describe.each(COMMIT_POLICY_NAMES)("engine basics (%s)", (policy) => {
  it("copies on first write, serves phantom reads, and survives a clean remount", () => {
    const rig = new Rig({ sourceBytes: 4 * MiB, cacheBytes: 2 * MiB });
    const engine = rig.format(64 * KiB, 4 * KiB, policy);
    rig.run(engine.hostWrite(0, Payload.stamp(10, 8 * KiB)));
    const slot0 = rig.run(engine.startSession(0));
    expect(slot0).toBe(1);
    rig.run(engine.hostWrite(4 * KiB, Payload.stamp(11, 8 * KiB)));
    rig.run(engine.hostWrite(4 * KiB, Payload.stamp(12, 4 * KiB)));
    expect(engine.counters.cofwCopies).toBe(1);

    const phantom = rig.run(engine.phantomRead(0, 0, 64 * KiB));
    const expected = new Payload([
      ...Payload.stamp(10, 8 * KiB).segments,
      ...Payload.stamp(SOURCE_ORIGIN_STAMP, 56 * KiB, 8 * KiB).segments,
    ]);
    expect(phantom.equals(expected)).toBe(true);
    const now = rig.run(engine.hostRead(0, 16 * KiB));
    expect(now.equals(new Payload([...Payload.stamp(10, 4 * KiB).segments, ...Payload.stamp(12, 4 * KiB).segments, ...Payload.stamp(11, 4 * KiB, 4 * KiB).segments, ...Payload.stamp(SOURCE_ORIGIN_STAMP, 4 * KiB, 12 * KiB).segments]))).toBe(true);
    engine.assertConsistent();

    rig.run(engine.unmount());
    const again = rig.mount(policy);
    again.assertConsistent();
    expect(again.sessionList()[0]).toMatchObject({ state: "active", sequence: 1 });
    expect(rig.run(again.phantomRead(0, 0, 64 * KiB)).equals(expected)).toBe(true);
    expect(again.counters.recoveryChunksReclaimed).toBe(0);
  });
});
