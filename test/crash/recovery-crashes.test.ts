import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { replayState } from "../../scenarios/crash/campaign.js";
import { formatRecoveryCrashId, parseCrashId } from "../../scenarios/crash/recovery-crash.js";
import { StateIdError } from "../../scenarios/crash/state-id.js";
import { MODIFIED_BIT_CLEARED_BEFORE_REBUILD } from "./broken-engines.js";
import { exhaustive, shippedScenario } from "./campaign-rig.js";

const SCENARIO = "crash-dirty-region-log.yaml";

describe("crashes during recovery", () => {
  it("the correct engine's recoveries survive a crash at every boundary of their own writes", () => {
    const { summary } = exhaustive(SCENARIO, { recoveryCrashes: true });
    expect(summary.findingsByInvariant).toEqual({});
    const recovery = summary.recoveryCrashes!;
    expect(recovery.recoveries).toBeGreaterThan(1000);
    expect(recovery.statesChecked).toBeGreaterThan(summary.statesChecked);
    expect(recovery.statesGenerated).toBeGreaterThan(recovery.statesChecked);
  }, 180_000); // an exhaustive campaign with recovery crashes: 30 s alone, 55 s beside the other test files

  it("catch a repair that clears a region's modified bit too early, in recoveries from crashes anywhere in the run", () => {
    const parts = { repair: MODIFIED_BIT_CLEARED_BEFORE_REBUILD };
    // Without them, only the run's own recovery measurement (a mount after the last host operation,
    // on the recorded devices) is crashed: findings come from there alone.
    const plain = exhaustive(SCENARIO, { parts, shrinkFindings: false });
    const host = plain.recording.host;
    const lastHostPoint = Math.max(...[...host.writes, ...host.flushes, ...host.sessionOps].map((op) => op.ackPoint));
    expect(plain.summary.findings.length).toBeGreaterThan(0);
    expect(plain.summary.findings.every((f) => f.crashPoint > lastHostPoint)).toBe(true);
    const { summary } = exhaustive(SCENARIO, { parts, recoveryCrashes: true });
    // The run's own states are counted as without crashes during recovery; those crashes' findings apart.
    expect(summary.findingsByInvariant).toEqual(plain.summary.findingsByInvariant);
    const recoveryFindings = Object.values(summary.recoveryCrashes!.findingsByInvariant).reduce((a, b) => a + b, 0);
    expect(summary.recoveryCrashes!.findingsByInvariant["1"]).toBeGreaterThan(0);
    expect(recoveryFindings).toBeLessThanOrEqual(summary.recoveryCrashes!.statesChecked);
    const duringRun = summary.findings.filter((f) => f.recoveryCrash !== null && f.crashPoint <= lastHostPoint);
    expect(duringRun.length).toBeGreaterThan(0);
    const finding = duringRun[0]!;
    expect(finding.invariant).toBe(1);
    expect(finding.id).toMatch(/^p\d+[^/]*\/p\d+/);
    expect(finding.shrunk).toBeNull();
    // The id alone rebuilds the run's state, the recovery from it, and the crash in that recovery.
    const { scenario, meta } = shippedScenario(SCENARIO);
    expect(replayState(scenario, meta, parseCrashId(finding.id), parts).outcome).toEqual({ kind: "finding", invariant: 1, check: finding.check, message: finding.message });
    // The engine's own repair passes the very same state.
    expect(replayState(scenario, meta, parseCrashId(finding.id)).outcome.kind).toBe("ok");
  }, 180_000); // two exhaustive campaigns, one with recovery crashes: 35 s alone, over 60 s beside the other crash suites

  it("have ids that say both states", () => {
    const list = fc.uniqueArray(fc.nat(99), { minLength: 1, maxLength: 3 });
    const state = fc.record({ point: fc.nat(1000), surviving: fc.record({ s: list, "c0/": list, "c1/": list }, { requiredKeys: [] }) });
    fc.assert(
      fc.property(state, state, (base, recovery) => {
        expect(parseCrashId(formatRecoveryCrashId({ base, recovery }))).toEqual({ base, recovery });
      }),
    );
    expect(parseCrashId("p4.c2")).toEqual({ point: 4, surviving: { c: [2] } });
    expect(parseCrashId("p4.c0/2/p1.c1/3")).toEqual({ base: { point: 4, surviving: { "c0/": [2] } }, recovery: { point: 1, surviving: { "c1/": [3] } } });
    expect(() => parseCrashId("p4/p1/p2")).toThrow(StateIdError);
    expect(() => parseCrashId("p4/x")).toThrow(StateIdError);
  });

  it("refuse to replay a recovery crash point that does not exist", () => {
    const { scenario, meta } = shippedScenario(SCENARIO);
    expect(() => replayState(scenario, meta, parseCrashId("p60/p9999"))).toThrow(/recovery crash point 9999 is outside/);
  });
});
