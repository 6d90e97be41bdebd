import { describe, expect, it } from "vitest";
import { COMMIT_POLICY_NAMES } from "../../engine/index.js";
import { replayState } from "../../scenarios/crash/campaign.js";
import { pendingAt } from "../../scenarios/crash/enumerate.js";
import { parseStateId } from "../../scenarios/crash/state-id.js";
import { BROKEN_ENGINES } from "./broken-engines.js";
import { shippedScenario } from "./campaign-rig.js";
import { expectCaughtAndReplayed, expectEveryStateClean, expectRecoveryCrashesJudged } from "./device-layout-rig.js";

const SCENARIO = "crash-shared-disk.yaml";

describe(`crashes of one disk under both LUs (${SCENARIO})`, () => {
  it.each(COMMIT_POLICY_NAMES)("the correct engine breaks no invariant at any crash state, %s", (policy) => {
    const { summary, recording } = expectEveryStateClean(SCENARIO, policy);
    // One logged disk under both LUs; its writes went to both, and its pending writes mix them.
    expect(recording.disks.map((disk) => disk.key)).toEqual(["s"]);
    expect(recording.source).toMatchObject({ kind: "partition", offsetBytes: 0, capacityBytes: 1024 * 1024, of: { kind: "disk", disk: 0 } });
    expect(recording.cache).toMatchObject({ kind: "partition", offsetBytes: 1024 * 1024, capacityBytes: 276 * 1024, of: { kind: "disk", disk: 0 } });
    expect(summary.run.sourceDeviceWrites).toBeGreaterThan(40);
    expect(summary.run.cacheDeviceWrites).toBeGreaterThan(40);
    const mixed = recording.points.some((_, point) => {
      const offsets = pendingAt(recording, point).map((write) => recording.disks[0]!.device.log().write(write.writeId).offsetBytes);
      return offsets.some((offset) => offset < 1024 * 1024) && offsets.some((offset) => offset >= 1024 * 1024);
    });
    expect(mixed).toBe(true);
    expect(pendingAt(recording, recording.points.length - 1).every((write) => write.disk === "s")).toBe(true);
    // A torn metadata block of the Cache LU's partition is outside the promise, and refused.
    expect(summary.refusedOutsideFaultModel).toBeGreaterThan(0);
  });

  // The broken engines held to crash-write-through.yaml, on the same workload and sessions on one disk. Whether a run
  // gives the stale-sequence bug a state to show in depends on its interleaving: with this scenario, seeds 2 and 7
  // do, 1 and 3 do not (the other four are caught at all four).
  describe.each(BROKEN_ENGINES.filter((broken) => broken.scenario === "crash-write-through.yaml").map((broken) => [broken.name, broken] as const))("a broken engine: %s", (_name, broken) => {
    it(`is caught on the shared disk, naming invariant ${broken.expectedInvariant}, and its finding replays`, () => {
      const finding = expectCaughtAndReplayed(SCENARIO, broken);
      expect(Object.keys(finding.surviving)).not.toContain("c");
    });
  });

  it("crashes recoveries on the shared disk too: the engine's repair survives them, one that clears a region's modified bit too early does not", () => {
    expectRecoveryCrashesJudged(SCENARIO);
  });

  it("refuses a replay that lists Cache LU writes: the disk's writes are all listed after s", () => {
    const { scenario, meta } = shippedScenario(SCENARIO);
    expect(() => replayState(scenario, meta, parseStateId("p100.c3"))).toThrow(/share one disk, whose writes are all listed after "s": cache writes 3 name nothing/);
  });
});
