import { fileURLToPath } from "node:url";
import { runCampaign, type CampaignOptions, type CrashSummary } from "../../scenarios/crash/campaign.js";
import type { Recording } from "../../scenarios/crash/record.js";
import { loadScenarioWithHash } from "../../scenarios/schema/scenario-hash.js";
import type { Scenario } from "../../scenarios/model.js";
import type { RunMeta } from "../../scenarios/runner/run-scenario.js";

export const CRASH_SCENARIOS = ["crash-write-through.yaml", "crash-group-commit.yaml", "crash-dirty-region-log.yaml"] as const;

export function shippedScenario(name: string, overrides: readonly string[] = []): { scenario: Scenario; meta: RunMeta; path: string } {
  const path = fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));
  const { scenario, contentHash, fileName } = loadScenarioWithHash(path, overrides);
  return { scenario, meta: { cofwsimVersion: "test", fileName, contentHash }, path };
}

/** The exhaustive campaign `cofwsim crash` runs by default, with a deterministic clock. */
export function exhaustive(name: string, extra: Partial<CampaignOptions> = {}): { summary: CrashSummary; recording: Recording } {
  const { scenario, meta } = shippedScenario(name);
  return runCampaign(scenario, meta, { mode: "exhaustive", exhaustiveBound: 6, sampledSubsets: 16, replayCommand: (id) => `replay ${id}`, nowMs: () => 0, ...extra });
}
