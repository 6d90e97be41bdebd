import { describe, expect, it } from "vitest";
import { COMMIT_POLICY_NAMES } from "../../engine/index.js";
import { replayState } from "../../scenarios/crash/campaign.js";
import { pendingAt } from "../../scenarios/crash/enumerate.js";
import { parseCrashId } from "../../scenarios/crash/recovery-crash.js";
import { parseStateId } from "../../scenarios/crash/state-id.js";
import { BROKEN_ENGINES, MODIFIED_BIT_CLEARED_BEFORE_REBUILD } from "./broken-engines.js";
import { shippedScenario } from "./campaign-rig.js";
import { expectCaughtAndReplayed, expectEveryStateClean, expectRecoveryCrashesJudged } from "./device-layout-rig.js";

const SCENARIO = "crash-striped.yaml";

describe(`crashes of striped LUs, each member on its own (${SCENARIO})`, () => {
  it.each(COMMIT_POLICY_NAMES)("the correct engine breaks no invariant at any crash state, %s", (policy) => {
    const { summary, recording } = expectEveryStateClean(SCENARIO, policy);
    // Each member is a logged disk of its own, listed under its LU's letter and its number.
    expect(recording.disks.map((disk) => disk.key)).toEqual(["s0/", "s1/", "c0/", "c1/"]);
    expect(recording.cache).toMatchObject({ kind: "stripe", stripeUnitBytes: 4096, members: [{ kind: "disk", disk: 2 }, { kind: "disk", disk: 3 }] });
    // Writes reached every member, and some crash points leave writes pending on both of an LU's members at once.
    for (const disk of recording.disks) expect(disk.device.log().writes.length, disk.key).toBeGreaterThan(10);
    const onBoth = (first: string, second: string) =>
      recording.points.some((_, point) => {
        const disks = new Set(pendingAt(recording, point).map((write) => write.disk));
        return disks.has(first) && disks.has(second);
      });
    expect(onBoth("c0/", "c1/")).toBe(true);
    expect(onBoth("s0/", "s1/")).toBe(true);
    // A torn metadata block on a Cache LU member is outside the promise, and refused: member writes map to the LU's offsets.
    expect(summary.refusedOutsideFaultModel).toBeGreaterThan(0);
  });

  // The broken engines held to crash-write-through.yaml and crash-dirty-region-log.yaml, on the same workload and
  // sessions over stripes, each with its own scenario's commit policy.
  describe.each(BROKEN_ENGINES.map((broken) => [broken.name, broken] as const))("a broken engine: %s", (_name, broken) => {
    it(`is caught on the stripes, naming invariant ${broken.expectedInvariant}, and its finding replays from its id`, () => {
      const policy = shippedScenario(broken.scenario).scenario.engine.commitPolicy;
      const finding = expectCaughtAndReplayed(SCENARIO, broken, [`engine.commitPolicy=${policy}`]);
      // Surviving writes are listed per member; no plain s or c list exists here.
      expect(Object.keys(finding.surviving).every((disk) => /^[sc][01]\/$/.test(disk))).toBe(true);
    });
  });

  it("crashes recoveries on the stripes too: the engine's repair survives them, one that clears a region's modified bit too early does not", () => {
    const broken = expectRecoveryCrashesJudged(SCENARIO);
    // The recovery's writes were logged per member too, and its crash state's id replays.
    const finding = broken.findings.find((f) => f.recoveryCrash !== null)!;
    expect(Object.keys(finding.recoveryCrash!.surviving).every((disk) => /^[sc][01]\/$/.test(disk))).toBe(true);
    const { scenario, meta } = shippedScenario(SCENARIO, ["engine.commitPolicy=dirty-region-log"]);
    expect(replayState(scenario, meta, parseCrashId(finding.id), { repair: MODIFIED_BIT_CLEARED_BEFORE_REBUILD }).outcome).toMatchObject({ kind: "finding", invariant: finding.invariant });
  });

  it("refuses a replay that lists a plain LU's writes: a striped LU's are listed per member", () => {
    const { scenario, meta } = shippedScenario(SCENARIO);
    expect(() => replayState(scenario, meta, parseStateId("p100.c3"))).toThrow(/Source LU's writes are listed after "s0\/", "s1\/" and the Cache LU's after "c0\/", "c1\/": cache writes 3 name nothing/);
    expect(() => replayState(scenario, meta, parseStateId("p100.c2/3"))).toThrow(/cache member 2 writes 3 name nothing/);
  });
});
