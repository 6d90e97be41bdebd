import type { Command } from "commander";
import { basename, join } from "node:path";
import type { RunOutput } from "../../scenarios/runner/run-scenario.js";
import type { WallFigures } from "../../scenarios/runner/results.js";
import { DEFAULT_SCENARIO, scenarioPathFor } from "../paths.js";
import { EXIT_PROBLEM } from "../exit-codes.js";
import { formatRunSummary } from "../run-summary.js";
import { VERSION } from "../version.js";
import { progressBar, traceReadProgress } from "../progress.js";
import { checkOutputDirectory } from "../output-dir.js";
import { TIMELESS_JOB_EXPECTED } from "../../scenarios/workloads/timeless-job.js";
import { checkReplaceable, writeOutputSet } from "../output-set.js";
import { writeTextFileSync } from "../../reports/write-file.js";
import { formatDurationNs } from "../../scenarios/traces/common.js";

interface RunOptions {
  readonly seed?: string;
  readonly out?: string;
  readonly set: string[];
}

/** Why a run may not move on: its time stands still, and only a runtime stops it (until the runner stops it itself). */
function timeStandingStillWarning(atNs: number, hostIos: number, stopAtIos: number): string {
  return (
    `cofwsim: warning: simulated time has stood still at ${formatDurationNs(atNs)} for ${hostIos.toLocaleString("en-US")} host I/Os in a row, and only stop.runtime ends this run. ` +
    "A closed-loop job whose I/Os complete on devices that take no time (model: instant) never reaches it. " +
    `If it does not move on, it is stopped after ${stopAtIos.toLocaleString("en-US")} host I/Os at one instant, with its results and the problem in them (exit 1). Such a job needs ${TIMELESS_JOB_EXPECTED}.\n`
  );
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run a scenario; writes results.json, CSV time series, charts, report.html and summary.md, and prints a summary")
    .argument("[scenario]", "scenario file (YAML or JSON), or a shipped scenario's name (cofwsim list)", DEFAULT_SCENARIO)
    .option("--seed <seed>", "root seed (overrides the scenario's)")
    .option("--out <dir>", "output directory (default: out/<scenario name>)")
    .option("--set <path=value>", "override a field, e.g. --set engine.chunkSize=256KiB (repeatable)", (value: string, all: string[]) => [...all, value], [] as string[])
    .action(async (file: string, options: RunOptions) => {
      // Loaded when the command runs, not with the command line (see bin/cli.ts).
      const [{ loadScenarioWithHash }, { commandOverrides }, { runScenario }, { writeRunReport }, { RUN_REPORT_FILES }] = await Promise.all([
        import("../../scenarios/schema/scenario-hash.js"),
        import("../../scenarios/schema/overrides.js"),
        import("../../scenarios/runner/run-scenario.js"),
        import("../../reports/run-report.js"),
        import("../../reports/output-families.js"),
      ]);
      const path = scenarioPathFor(file);
      const overrides = commandOverrides(options.set, options.seed);
      const { scenario, contentHash, text: scenarioText } = loadScenarioWithHash(path, overrides);
      const outDir = checkOutputDirectory(options.out ?? join("out", scenario.name));
      checkReplaceable(outDir, RUN_REPORT_FILES);
      process.stdout.write(`cofwsim ${VERSION}: ${scenario.name}, seed ${scenario.seed}\n`);
      const bar = progressBar("simulating [{bar}] {percentage}% | eta {eta}s");
      const traces = traceReadProgress();
      const wallStartNs = process.hrtime.bigint();
      let workloadsReadNs = wallStartNs;
      let peakRssBytes = process.memoryUsage().rss;
      let output: RunOutput;
      try {
        output = runScenario(
          scenario,
          { cofwsimVersion: VERSION, fileName: basename(path), contentHash },
          {
            onTraceRead: traces.onTraceRead,
            onWorkloadsRead: () => {
              workloadsReadNs = process.hrtime.bigint();
            },
            onProgress: (fraction) => {
              peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
              bar.update(fraction);
            },
            // On stderr whether or not it is a terminal: a run that may never end should say why wherever it runs.
            onTimeStandingStill: (atNs, hostIos, stopAtIos) => bar.warn(timeStandingStillWarning(atNs, hostIos, stopAtIos)),
          },
        );
      } finally {
        // Also when a trace is refused: its message must not land on a bar's line.
        traces.stop();
        bar.stop();
      }
      const { results, timeSeries, kernel } = output;
      const wallSeconds = Number(process.hrtime.bigint() - wallStartNs) / 1e9;
      // Every host I/O the run processed, warm-up and drain included, as the wall time covers the whole run (the
      // jobs' total_ios count only the measurement window's: a long warm-up made this figure 0).
      const hostIos = results.engine.hostWrites + results.engine.hostReads + results.engine.phantomReads;
      const wall: WallFigures = {
        wallSeconds,
        workloadReadSeconds: Number(workloadsReadNs - wallStartNs) / 1e9,
        events: kernel.eventCount,
        eventsPerSecond: Math.round(kernel.eventCount / wallSeconds),
        simulatedToWallRatio: kernel.nowNs / 1e9 / wallSeconds,
        peakRssBytes: Math.max(peakRssBytes, process.memoryUsage().rss),
        hostIosPerWallSecond: Math.round(hostIos / wallSeconds),
      };
      await writeOutputSet(outDir, RUN_REPORT_FILES, async (dir) => {
        // `wall` is the only part that differs between two runs of the same scenario, seed and version.
        writeTextFileSync(join(dir, "results.json"), `${JSON.stringify({ ...results, wall }, null, 2)}\n`);
        await writeRunReport(dir, { results, timeSeries, scenarioText, wall, overrides });
      });
      const resultsPath = join(outDir, "results.json");
      process.stdout.write(formatRunSummary(results, wall));
      process.stdout.write(`results: ${resultsPath}\n`);
      process.stdout.write(`report:  ${join(outDir, "report.html")}\n`);
      if (results.problems.length > 0) process.exitCode = EXIT_PROBLEM;
    });
}
