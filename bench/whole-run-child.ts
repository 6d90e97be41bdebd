import { fileURLToPath } from "node:url";
import { loadScenarioFile } from "../scenarios/schema/load.js";
import { runScenario } from "../scenarios/runner/run-scenario.js";
import { doneWithParent, peakRssSoFarBytes, sendToParent } from "./child-process.js";
import { RunPhaseClock, type RunPhasesMs } from "./run-phases.js";

/** The whole-run scenario's result as sent to the parent. */
export interface WholeRunResult {
  readonly seed: string;
  readonly hostIos: number;
  readonly cofwCopies: number;
  readonly wallMs: number;
  readonly simulatedNs: number;
  readonly events: number;
  readonly peakRssBytes: number;
  readonly phases: RunPhasesMs;
}

/**
 * Child-process entry: `node dist/bench/whole-run-child.js`. Runs
 * bench/whole-run.yaml through the same runner as `cofwsim run`, sampling
 * resident memory as the run progresses.
 */
const scenarioPath = fileURLToPath(new URL("../../bench/whole-run.yaml", import.meta.url));
const scenario = loadScenarioFile(scenarioPath);
let peakRssBytes = process.memoryUsage().rss;
const started = process.hrtime.bigint();
const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
const clock = new RunPhaseClock();
const { results, kernel } = runScenario(
  scenario,
  { cofwsimVersion: "bench", fileName: "whole-run.yaml", contentHash: "" },
  {
    onProgress: (fraction) => {
      clock.mark(fraction, elapsedMs());
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    },
  },
);
const wallMs = elapsedMs();
const result: WholeRunResult = {
  seed: scenario.seed,
  hostIos: results.engine.hostWrites + results.engine.hostReads,
  cofwCopies: results.engine.cofwCopies,
  wallMs,
  simulatedNs: kernel.nowNs,
  events: kernel.eventCount,
  peakRssBytes: Math.max(peakRssBytes, peakRssSoFarBytes()),
  phases: clock.phases(wallMs),
};
await sendToParent(result);
doneWithParent();
