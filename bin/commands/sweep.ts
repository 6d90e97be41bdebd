import type { Command } from "commander";
import { join } from "node:path";
import { SingleBar } from "cli-progress";
import { defaultJobs } from "../../reports/sweep/default-jobs.js";
import { EXIT_PROBLEM } from "../exit-codes.js";
import { wholeNumberOption } from "../usage.js";
import { checkReplaceable, writeOutputSet } from "../output-set.js";
import { checkOutputDirectory } from "../output-dir.js";
import { VERSION } from "../version.js";
import { scenarioPathFor } from "../paths.js";

interface SweepOptions {
  readonly vary: string[];
  readonly set: string[];
  readonly seed?: string;
  readonly jobs?: number;
  readonly shard?: string;
  readonly out?: string;
}

const collect = (value: string, all: string[]) => [...all, value];

/** A points-done bar on stderr, only on a terminal (stdout stays clean for logs and CI). */
function progressBar(total: number): { update: (done: number) => void; stop: () => void } {
  if (process.stderr.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: process.stderr, format: "sweeping [{bar}] {value}/{total} points | eta {eta}s", hideCursor: true });
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description(
      "run a scenario over the cartesian product of --vary values in parallel worker threads; writes sweep.csv, sweep.json, recommendations.csv, charts (.vl.json and .svg) and sweep.html",
    )
    .argument("<scenario>", "scenario file (YAML or JSON), or a shipped scenario's name (cofwsim list)")
    .option("--vary <path=v1,v2,...>", "vary a field over values (as --set values), e.g. --vary engine.chunkSize=16KiB,64KiB,256KiB (repeatable; the first varies slowest)", collect, [] as string[])
    .option("--set <path=value>", "override a field for every point, e.g. --set stop.hostIos=5000 (repeatable)", collect, [] as string[])
    .option("--seed <seed>", "root seed (overrides the scenario's)")
    .option("--jobs <n>", `worker threads (default: one per CPU, here ${defaultJobs()})`, wholeNumberOption(1))
    .option("--shard <i/n>", "run only shard i of n (points whose index mod n is i-1); combine the shards' outputs with cofwsim merge")
    .option("--out <dir>", "output directory (default: out/sweep-<scenario name>, or out/sweep-<scenario name>-shard-<i>-of-<n>)")
    .addHelpText(
      "after",
      "\nExample:\n  cofwsim sweep scenarios/quickstart.yaml --vary engine.chunkSize=16KiB,64KiB,256KiB --vary engine.regionSize=4KiB,16KiB,64KiB --jobs 2\n\nExit codes: 0 every point ran cleanly, 1 a point failed or its run found a problem (outputs are still written), 2 bad input.",
    )
    .action(async (file: string, options: SweepOptions) => {
        // Loaded when the command runs, not with the command line (see bin/cli.ts).
        const [{ executeSweep, prepareSweep }, { formatSweepSummary, hasProblems }, { writeSweepOutputs }, { SWEEP_FILES }] = await Promise.all([
          import("../../reports/sweep/run-sweep.js"),
          import("../../reports/sweep/summary.js"),
          import("../../reports/sweep/write-outputs.js"),
          import("../../reports/output-families.js"),
        ]);
        const prepared = prepareSweep({
          scenarioPath: scenarioPathFor(file),
          vary: options.vary,
          set: options.set,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.shard === undefined ? {} : { shard: options.shard }),
          cofwsimVersion: VERSION,
        });
        const jobs = options.jobs ?? defaultJobs();
        const shard = prepared.shard;
        const name = prepared.identity.scenario.name;
        const outDir = checkOutputDirectory(options.out ?? join("out", shard === undefined ? `sweep-${name}` : `sweep-${name}-shard-${shard.index}-of-${shard.count}`));
        checkReplaceable(outDir, SWEEP_FILES);
        const share = shard === undefined ? "" : ` (shard ${shard.index}/${shard.count}: ${prepared.selected.length})`;
        process.stdout.write(`cofwsim ${VERSION}: sweep of ${name}, seed ${prepared.identity.seed}: ${prepared.points.length} points${share}, ${Math.min(jobs, Math.max(1, prepared.selected.length))} worker threads\n`);
        if (shard !== undefined && prepared.selected.length === 0) {
          // Not refused: a CI matrix with a fixed number of shards may outnumber a small sweep's points, and merge takes the empty shard.
          process.stderr.write(`note: shard ${shard.index}/${shard.count} holds none of the ${prepared.points.length} points (it takes those whose index mod ${shard.count} is ${shard.index - 1}); its outputs list no points\n`);
        }
        const bar = progressBar(prepared.selected.length);
        const wallStartNs = process.hrtime.bigint();
        let result;
        try {
          result = await executeSweep(prepared, { jobs, onPointDone: (done) => bar.update(done) });
        } finally {
          bar.stop();
        }
        const wallSeconds = Number(process.hrtime.bigint() - wallStartNs) / 1e9;
        const { document } = await writeOutputSet(outDir, SWEEP_FILES, (dir) => writeSweepOutputs(dir, result));
        // Wall time goes to the terminal only: the files must not depend on the machine.
        process.stdout.write(`${prepared.selected.length} points in ${wallSeconds.toFixed(1)} s wall\n`);
        process.stdout.write(formatSweepSummary(document, outDir));
        if (hasProblems(document)) process.exitCode = EXIT_PROBLEM;
    });
}
