import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCampaign, type CampaignOptions } from "../../scenarios/crash/campaign.js";
import { StateChecker, imagesKey } from "../../scenarios/crash/check-state.js";
import { CrashOracle } from "../../scenarios/crash/oracle.js";
import { loadScenarioWithHash } from "../../scenarios/schema/scenario-hash.js";
import { parseStateId } from "../../scenarios/crash/state-id.js";
import { SLOT_TABLE_WITHOUT_FUA } from "./broken-engines.js";

const LATE_ACK = fileURLToPath(new URL("./fixtures/late-ack.yaml", import.meta.url));

function lateAck(extra: Partial<CampaignOptions> = {}) {
  const { scenario, contentHash, fileName } = loadScenarioWithHash(LATE_ACK, []);
  const parts = SLOT_TABLE_WITHOUT_FUA.parts(scenario.engine.commitPolicy);
  const meta = { cofwsimVersion: "test", fileName, contentHash };
  return { parts, ...runCampaign(scenario, meta, { mode: "exhaustive", exhaustiveBound: 6, sampledSubsets: 16, parts, shrinkFindings: false, replayCommand: (id) => id, nowMs: () => 0, ...extra }) };
}

describe("skipping crash states whose images were already checked", () => {
  it("checks identical images again where the oracle expects otherwise: nothing surviving loses a start only once it is acknowledged", () => {
    const { summary, recording, parts } = lateAck();
    const checker = new StateChecker(recording, new CrashOracle(recording), parts);
    const before = parseStateId("p14.s0,1");
    const after = parseStateId("p19");
    const key = (state: typeof before) => imagesKey(checker.images(state));
    // The images are the same; the verdicts are not.
    expect(key(after)).toBe(key(before));
    expect(checker.check(before).kind).toBe("ok");
    expect(checker.check(after)).toMatchObject({ kind: "finding", invariant: 1, check: "session-lost" });
    expect(checker.verdictContext(after)).not.toBe(checker.verdictContext(before));
    // The campaign reports the states that lose the acknowledged start with nothing of it surviving.
    const ids = summary.findings.map((f) => f.id);
    // (p20 and p20.c9 break it too, but lie in p19's stretch with the same images: skipped, rightly.)
    expect(ids).toEqual(expect.arrayContaining(["p19", "p19.c9"]));
    expect(checker.verdictContext(parseStateId("p20"))).toBe(checker.verdictContext(after));
    // Counts stay honest: fewer unique images than states checked, both fewer than generated.
    expect(summary.uniqueImages).toBeLessThan(summary.statesChecked);
    expect(summary.statesChecked).toBeLessThan(summary.statesGenerated);
  });

  it("still checks identical images once within a stretch where the oracle expects the same", () => {
    const { recording, parts } = lateAck();
    const checker = new StateChecker(recording, new CrashOracle(recording), parts);
    const same = [...Array(recording.points.length).keys()].filter((p) => checker.expectationEpoch(p) === checker.expectationEpoch(19));
    expect(same.length).toBeGreaterThan(1);
    expect(checker.check(parseStateId("p20"))).toEqual(checker.check(parseStateId("p19")));
  });
});
