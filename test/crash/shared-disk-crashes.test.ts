import { describe, expect, it } from "vitest";
import { COMMIT_POLICY_NAMES } from "../../engine/index.js";
import { replayState, runCampaign, type CampaignOptions } from "../../scenarios/crash/campaign.js";
import { pendingAt } from "../../scenarios/crash/enumerate.js";
import { parseStateId } from "../../scenarios/crash/state-id.js";
import { BROKEN_ENGINES, MODIFIED_BIT_CLEARED_BEFORE_REBUILD } from "./broken-engines.js";
import { shippedScenario } from "./campaign-rig.js";

const SCENARIO = "crash-shared-disk.yaml";
const EXHAUSTIVE: CampaignOptions = { mode: "exhaustive", exhaustiveBound: 6, sampledSubsets: 16, replayCommand: (id) => id, nowMs: () => 0 };

describe(`crashes of one disk under both LUs (${SCENARIO})`, () => {
  it.each(COMMIT_POLICY_NAMES)("the correct engine breaks no invariant at any crash state, %s", (policy) => {
    const { scenario, meta } = shippedScenario(SCENARIO, [`engine.commitPolicy=${policy}`]);
    const { summary, recording } = runCampaign(scenario, meta, EXHAUSTIVE);
    expect(summary.findings.slice(0, 3)).toEqual([]);
    expect(summary.stoppedBy).toBe("complete");
    expect(summary.crashPointsVisited).toBe(summary.crashPoints);
    // One logged disk under both LUs; its writes went to both, and its pending writes mix them.
    expect(recording.shared).toEqual({ sourceBytes: 1024 * 1024, cacheBytes: 276 * 1024 });
    expect(recording.cache).toBe(recording.source);
    expect(summary.run.sourceDeviceWrites).toBeGreaterThan(40);
    expect(summary.run.cacheDeviceWrites).toBeGreaterThan(40);
    const mixed = recording.points.some((_, point) => {
      const offsets = pendingAt(recording, point).map((write) => recording.source.log().write(write.writeId).offsetBytes);
      return offsets.some((offset) => offset < 1024 * 1024) && offsets.some((offset) => offset >= 1024 * 1024);
    });
    expect(mixed).toBe(true);
    expect(pendingAt(recording, recording.points.length - 1).every((write) => write.device === "source")).toBe(true);
    // A torn metadata block of the Cache LU's partition is outside the promise, and refused.
    expect(summary.refusedOutsideFaultModel).toBeGreaterThan(0);
  });

  // The broken engines held to crash-write-through.yaml, on the same workload and sessions on one disk. Whether a run
  // gives the stale-sequence bug a state to show in depends on its interleaving: with this scenario, seeds 2 and 7
  // do, 1 and 3 do not (the other four are caught at all four).
  describe.each(BROKEN_ENGINES.filter((broken) => broken.scenario === "crash-write-through.yaml").map((broken) => [broken.name, broken] as const))("a broken engine: %s", (_name, broken) => {
    it(`is caught on the shared disk, naming invariant ${broken.expectedInvariant}, and its finding replays`, () => {
      const { scenario, meta } = shippedScenario(SCENARIO);
      const parts = broken.parts(scenario.engine.commitPolicy);
      const { summary } = runCampaign(scenario, meta, { ...EXHAUSTIVE, parts, shrinkFindings: false });
      expect(summary.findingsByInvariant[String(broken.expectedInvariant)] ?? 0).toBeGreaterThan(0);
      const finding = summary.findings.find((f) => f.invariant === broken.expectedInvariant)!;
      expect(finding.surviving.cache).toEqual([]);
      expect(replayState(scenario, meta, parseStateId(finding.id), parts).outcome).toEqual({ kind: "finding", invariant: finding.invariant, check: finding.check, message: finding.message });
    });
  });

  it("crashes recoveries on the shared disk too: the engine's repair survives them, one that clears a region's modified bit too early does not", () => {
    const { scenario, meta } = shippedScenario(SCENARIO, ["engine.commitPolicy=dirty-region-log"]);
    const sampled: CampaignOptions = { ...EXHAUSTIVE, mode: "sample", budgetStates: 800, recoveryCrashes: true, shrinkFindings: false };
    const correct = runCampaign(scenario, meta, sampled).summary;
    expect(correct.findingsByInvariant).toEqual({});
    expect(correct.recoveryCrashes!.recoveries).toBeGreaterThan(20);
    expect(correct.recoveryCrashes!.findingsByInvariant).toEqual({});
    expect(correct.recoveryCrashes!.statesChecked).toBeGreaterThan(correct.statesChecked);
    const broken = runCampaign(scenario, meta, { ...sampled, parts: { repair: MODIFIED_BIT_CLEARED_BEFORE_REBUILD } }).summary;
    expect(broken.recoveryCrashes!.findingsByInvariant["1"] ?? 0).toBeGreaterThan(0);
  });

  it("refuses a replay that lists Cache LU writes: the disk's writes are all listed after s", () => {
    const { scenario, meta } = shippedScenario(SCENARIO);
    expect(() => replayState(scenario, meta, parseStateId("p100.c3"))).toThrow(/share one disk, whose writes are all listed after "s": cache writes 3 name nothing/);
  });
});
