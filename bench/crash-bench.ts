import { join } from "node:path";
import { SHIPPED_SCENARIOS_DIR } from "../bin/paths.js";
import { runCampaign } from "../scenarios/crash/campaign.js";
import { loadScenarioWithHash } from "../scenarios/schema/scenario-hash.js";
import type { Figure } from "./figures.js";

const CRASH_SCENARIOS = ["crash-write-through.yaml", "crash-group-commit.yaml", "crash-dirty-region-log.yaml"];
const STATES_PER_SECOND_TARGET = 2000;

/**
 * The exhaustive crash campaign `cofwsim crash` runs on each shipped small
 * crash scenario: crash states checked (unique images mounted and held to
 * every invariant) per wall second, and the campaign's whole time, recording
 * run included. The correct engine must find nothing, or the figure is moot.
 */
function campaign(name: string) {
  const { scenario, contentHash, fileName } = loadScenarioWithHash(join(SHIPPED_SCENARIOS_DIR, name), []);
  const { summary } = runCampaign(scenario, { cofwsimVersion: "bench", fileName, contentHash }, {
    mode: "exhaustive",
    exhaustiveBound: 6,
    sampledSubsets: 16,
    replayCommand: (id) => id,
    nowMs: () => performance.now(),
  });
  return { scenario, summary };
}

export function crashFigures(): Figure[] {
  // The first campaign in a process also compiles the checker's code (a second run of the same campaign
  // is ~1.5x faster): it is reported on its own, close to what one `cofwsim crash` costs, and the rates
  // below are measured after it, warm, as in any micro-benchmark.
  const cold = campaign(CRASH_SCENARIOS[0]!).summary;
  const figures: Figure[] = [
    {
      id: "crash.cold.statesPerSecond",
      label: `crash ${CRASH_SCENARIOS[0]!.replace(/\.yaml$/, "")}: states checked/s, first campaign (cold)`,
      value: cold.wall.statesCheckedPerSecond,
      unit: "/s",
      detail: { how: "the same campaign as the write-through one below, run before it", wallMs: Math.round(cold.wall.wallMs) },
    },
  ];
  for (const name of CRASH_SCENARIOS) {
    const { scenario, summary } = campaign(name);
    if (summary.findings.length > 0) throw new Error(`${name}: the correct engine broke an invariant: ${summary.findings[0]!.message}`);
    const detail = { how: `exhaustive, bound 6, 16 sampled subsets`, crashPoints: summary.crashPoints, statesGenerated: summary.statesGenerated, statesChecked: summary.statesChecked, wallMs: Math.round(summary.wall.wallMs) };
    const policy = scenario.engine.commitPolicy;
    figures.push(
      { id: `crash.${policy}.statesPerSecond`, label: `crash ${policy}: states checked/s`, value: summary.wall.statesCheckedPerSecond, unit: "/s", target: { op: ">=", value: STATES_PER_SECOND_TARGET }, detail },
      { id: `crash.${policy}.campaignMs`, label: `crash ${policy}: exhaustive campaign`, value: summary.wall.wallMs, unit: "ms", target: { op: "<", value: 60_000 }, detail },
    );
  }
  return figures;
}
