import { describe, expect, it } from "vitest";
import { replayState } from "../../scenarios/crash/campaign.js";
import { parseStateId } from "../../scenarios/crash/state-id.js";
import { BROKEN_ENGINES } from "./broken-engines.js";
import { exhaustive, shippedScenario } from "./campaign-rig.js";

describe.each(BROKEN_ENGINES.map((broken) => [broken.name, broken] as const))("a broken engine: %s", (_name, broken) => {
  it(`is caught by the exhaustive campaign of ${broken.scenario}, naming invariant ${broken.expectedInvariant}, and its finding replays`, () => {
    const { scenario, meta } = shippedScenario(broken.scenario);
    const parts = broken.parts(scenario.engine.commitPolicy);
    const { summary } = exhaustive(broken.scenario, { parts });
    expect(summary.findingsByInvariant[String(broken.expectedInvariant)] ?? 0).toBeGreaterThan(0);
    const finding = summary.findings.find((f) => f.invariant === broken.expectedInvariant)!;
    expect(finding.seed).toBe(scenario.seed);
    expect(finding.replay).toBe(`replay ${finding.id}`);
    // Replaying the id rebuilds the same state and fails the same check.
    const replayed = replayState(scenario, meta, parseStateId(finding.id), parts).outcome;
    expect(replayed).toEqual({ kind: "finding", invariant: finding.invariant, check: finding.check, message: finding.message });
    // The shrunk state is no larger, and still breaks the same invariant when replayed.
    expect(finding.shrunk).not.toBeNull();
    expect(finding.shrunk!.survivingAfter).toBeLessThanOrEqual(finding.shrunk!.survivingBefore);
    const shrunk = replayState(scenario, meta, parseStateId(finding.shrunk!.id), parts).outcome;
    expect(shrunk).toMatchObject({ kind: "finding", invariant: finding.invariant });
    // A broken reader (decoder) records the same run as the correct engine, so the very same state can be held against it.
    if (parts.makePolicy === undefined) expect(replayState(scenario, meta, parseStateId(finding.id)).outcome.kind).not.toBe("finding");
  });
});
