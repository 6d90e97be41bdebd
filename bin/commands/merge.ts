import type { Command } from "commander";
import { join, resolve } from "node:path";
import { EXIT_PROBLEM } from "../exit-codes.js";
import { checkReplaceable, writeOutputSet } from "../output-set.js";
import { checkOutputDirectory, OutputDirectoryError } from "../output-dir.js";
import { nonEmptyPath } from "../usage.js";

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description("combine the outputs of cofwsim sweep --shard i/n into one sweep, identical to the unsharded run")
    .argument("<dir...>", "output directories of the shards (each holds a sweep.json)")
    .option("--out <dir>", "output directory (default: out/sweep-<scenario name>)")
    .addHelpText(
      "after",
      "\nExample:\n  cofwsim sweep s.yaml --vary engine.chunkSize=16KiB,64KiB --shard 1/2 --out a\n  cofwsim sweep s.yaml --vary engine.chunkSize=16KiB,64KiB --shard 2/2 --out b\n  cofwsim merge a b --out merged\n\nRefused (exit 2): outputs of different sweeps (scenario, its content, seed, --set, --vary, cofwsim version), a point in two outputs, a point in none.",
    )
    .action(async (dirs: string[], options: { out?: string }) => {
        // Loaded when the command runs, not with the command line (see bin/cli.ts).
        const [{ mergeSweeps }, { readSweepFile }, { formatSweepSummary, hasProblems }, { writeSweepOutputs }, { SWEEP_FILES }] = await Promise.all([
          import("../../reports/sweep/merge.js"),
          import("../../reports/sweep/sweep-document.js"),
          import("../../reports/sweep/summary.js"),
          import("../../reports/sweep/write-outputs.js"),
          import("../../reports/output-families.js"),
        ]);
        const parts = dirs.map((dir) => ({ source: dir, result: readSweepFile(join(resolve(nonEmptyPath(dir, "a shard's output directory", "the output directory of a cofwsim sweep")), "sweep.json")) }));
        const merged = mergeSweeps(parts);
        const outDir = checkOutputDirectory(options.out ?? join("out", `sweep-${merged.identity.scenario.name}`));
        // Writing over a shard's own sweep.json would lose it: a second merge of the same shards would then fail.
        const input = dirs.find((dir) => resolve(dir) === outDir);
        if (input !== undefined) throw new OutputDirectoryError(`cannot write the merged sweep to ${outDir}: it is one of the shard outputs being merged (${input}); expected a directory of its own`);
        checkReplaceable(outDir, SWEEP_FILES);
        process.stdout.write(`merged ${parts.length} outputs: ${merged.rows.length} points of ${merged.identity.scenario.name}, seed ${merged.identity.seed}\n`);
        const { document } = await writeOutputSet(outDir, SWEEP_FILES, (dir) => writeSweepOutputs(dir, merged));
        process.stdout.write(formatSweepSummary(document, outDir));
        if (hasProblems(document)) process.exitCode = EXIT_PROBLEM;
    });
}
