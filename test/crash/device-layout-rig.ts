import { expect } from "vitest";
import { replayState, runCampaign, type CampaignOptions, type CrashFinding, type CrashSummary } from "../../scenarios/crash/campaign.js";
import { parseCrashId } from "../../scenarios/crash/recovery-crash.js";
import type { Recording } from "../../scenarios/crash/record.js";
import { MODIFIED_BIT_CLEARED_BEFORE_REBUILD, type BrokenEngine } from "./broken-engines.js";
import { shippedScenario } from "./campaign-rig.js";

/**
 * What the campaigns on other device layouts than one plain device per LU
 * (a shared disk, stripes) hold to: the broken engines the plain scenarios
 * catch are caught there too, and crashes during recovery are explored.
 */

export const EXHAUSTIVE: CampaignOptions = { mode: "exhaustive", exhaustiveBound: 6, sampledSubsets: 16, replayCommand: (id) => id, nowMs: () => 0 };

/** The exhaustive campaign of the shipped scenario `name` under `policy`: asserts it finds nothing at any crash point, and returns it. */
export function expectEveryStateClean(name: string, policy: string): { summary: CrashSummary; recording: Recording } {
  const { scenario, meta } = shippedScenario(name, [`engine.commitPolicy=${policy}`]);
  const campaign = runCampaign(scenario, meta, EXHAUSTIVE);
  expect(campaign.summary.findings.slice(0, 3)).toEqual([]);
  expect(campaign.summary.stoppedBy).toBe("complete");
  expect(campaign.summary.crashPointsVisited).toBe(campaign.summary.crashPoints);
  return campaign;
}

/** Runs `broken` on the shipped scenario `name` exhaustively; asserts it is caught and its finding replays from its id; returns that finding. */
export function expectCaughtAndReplayed(name: string, broken: BrokenEngine, overrides: readonly string[] = []): CrashFinding {
  const { scenario, meta } = shippedScenario(name, overrides);
  const parts = broken.parts(scenario.engine.commitPolicy);
  const { summary } = runCampaign(scenario, meta, { ...EXHAUSTIVE, parts, shrinkFindings: false });
  expect(summary.findingsByInvariant[String(broken.expectedInvariant)] ?? 0).toBeGreaterThan(0);
  const finding = summary.findings.find((f) => f.invariant === broken.expectedInvariant)!;
  expect(replayState(scenario, meta, parseCrashId(finding.id), parts).outcome).toEqual({ kind: "finding", invariant: finding.invariant, check: finding.check, message: finding.message });
  return finding;
}

/**
 * A sampled campaign with crashes during recovery on the shipped scenario
 * `name` under the dirty-region-log policy: the engine's repair survives
 * them; one that clears a region's modified bit too early does not.
 * Returns the broken repair's campaign.
 */
export function expectRecoveryCrashesJudged(name: string): CrashSummary {
  const { scenario, meta } = shippedScenario(name, ["engine.commitPolicy=dirty-region-log"]);
  const sampled: CampaignOptions = { ...EXHAUSTIVE, mode: "sample", budgetStates: 800, recoveryCrashes: true, shrinkFindings: false };
  const correct = runCampaign(scenario, meta, sampled).summary;
  expect(correct.findingsByInvariant).toEqual({});
  expect(correct.recoveryCrashes!.recoveries).toBeGreaterThan(20);
  expect(correct.recoveryCrashes!.findingsByInvariant).toEqual({});
  expect(correct.recoveryCrashes!.statesChecked).toBeGreaterThan(correct.statesChecked);
  const broken = runCampaign(scenario, meta, { ...sampled, parts: { repair: MODIFIED_BIT_CLEARED_BEFORE_REBUILD } }).summary;
  expect(broken.recoveryCrashes!.findingsByInvariant["1"] ?? 0).toBeGreaterThan(0);
  return broken;
}
