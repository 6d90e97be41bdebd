import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadScenarioFile } from "../../scenarios/schema/load.js";
import { runScenario } from "../../scenarios/runner/run-scenario.js";
import type { WallFigures } from "../../scenarios/runner/results.js";
import type { RunReportInput } from "../../reports/run-report.js";

export const QUICKSTART = fileURLToPath(new URL("../../scenarios/quickstart.yaml", import.meta.url));

/** A job name with everything HTML, markdown and CSV must escape or quote. */
export const HOSTILE_JOB_NAME = `o<l>t&p "x" | *y*`;

/**
 * The quickstart cut to 3,000 host I/Os (a fraction of a second), with a
 * second job, and session operations: a start, a rollback, and a start on
 * the live slot that is refused (a problem). The writer's name needs
 * escaping everywhere it appears.
 */
export const FIXTURE_OVERRIDES: readonly string[] = [
  "stop.hostIos=3000",
  `workloads[0].name=${JSON.stringify(HOSTILE_JOB_NAME)}`,
  "workloads[1]={kind: job, name: reader, rw: randread, bs: 4k, iodepth: 2}",
  "sessions[1].afterHostIos=2600",
  "sessions[1].action=rollback",
  "sessions[1].slot=0",
  "sessions[2].afterHostIos=2500",
  "sessions[2].action=start",
  "sessions[2].slot=0",
];

/** Fixed, so report bytes can be compared; real runs measure these. */
export const FIXED_WALL: WallFigures = { wallSeconds: 0.25, workloadReadSeconds: 0.01, events: 40_000, eventsPerSecond: 160_000, simulatedToWallRatio: 0.4, peakRssBytes: 150 * 2 ** 20, hostIosPerWallSecond: 12_000 };

export function shortRun(wall: WallFigures = FIXED_WALL): RunReportInput {
  const scenario = loadScenarioFile(QUICKSTART, { overrides: FIXTURE_OVERRIDES });
  const { results, timeSeries } = runScenario(scenario, { cofwsimVersion: "0.0.0-test", fileName: "quickstart.yaml", contentHash: "f".repeat(64) });
  return { results, timeSeries, scenarioText: readFileSync(QUICKSTART, "utf8"), wall, overrides: FIXTURE_OVERRIDES };
}
