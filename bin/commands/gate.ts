import type { Command } from "commander";
import { accessSync, constants, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { GateInputError } from "../../reports/gate/errors.js";
import { GATE_SCENARIO_FILES } from "../../reports/gate/gate-set.js";
import type { WallRequest } from "../../reports/gate/run-gate.js";
import { scenarioPathFor, SHIPPED_SCENARIOS_DIR } from "../paths.js";
import { VERSION } from "../version.js";
import { checkOutputDirectory } from "../output-dir.js";
import { writeOutputSet } from "../output-set.js";
import { nonEmptyPath } from "../usage.js";

interface GateOptions {
  readonly baseline: string;
  readonly updateBaseline?: boolean;
  readonly out: string;
  readonly set: string[];
  readonly wall?: boolean;
  readonly gateWall?: boolean;
  readonly samples?: string;
  readonly wallThreshold?: string;
}

const DEFAULT_SAMPLES = 5;
/** Each sample is a whole run of the scenario and of the reference: a thousand already take hours for the shipped set. */
const MAX_SAMPLES = 1000;
const DEFAULT_WALL_THRESHOLD_PERCENT = 10;
/** One untimed run of each workload first: the metrics run has warmed the scenario's code, not the reference's. */
const WARMUP_ITERATIONS = 2;

function parseNumber(flag: string, text: string, valid: (value: number) => boolean, expected: string): number {
  // Decimal only: Number() would also take "0x10", "1e9" and "Infinity".
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || !valid(value)) throw new GateInputError(`${flag}: expected ${expected}, found ${JSON.stringify(text)}`);
  return value;
}

/**
 * Refuses a baseline path --update-baseline could not write, before any
 * scenario runs (as --out is checked), rather than after all of them.
 */
function checkBaselineWritable(path: string): void {
  const absolute = resolve(path);
  try {
    // The directory first: a file standing where one of its directories should be makes stat of the path fail.
    checkOutputDirectory(dirname(absolute));
    const kind = statSync(absolute, { throwIfNoEntry: false });
    if (kind?.isDirectory() === true) throw new Error("it is a directory; expected a JSON file to write");
    if (kind !== undefined) accessSync(absolute, constants.W_OK);
  } catch (error) {
    throw new GateInputError(`cannot write the baseline ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function wallRequest(options: GateOptions): WallRequest | undefined {
  const measure = options.wall === true || options.gateWall === true;
  if (!measure) {
    if (options.samples !== undefined) throw new GateInputError("--samples applies to wall-clock figures only; expected --wall or --gate-wall beside it, found --samples alone");
    if (options.wallThreshold !== undefined) throw new GateInputError("--wall-threshold applies to wall-clock figures only; expected --wall or --gate-wall beside it, found --wall-threshold alone");
    return undefined;
  }
  return {
    samples: options.samples === undefined ? DEFAULT_SAMPLES : parseNumber("--samples", options.samples, (n) => Number.isInteger(n) && n >= 2 && n <= MAX_SAMPLES, `an integer from 2 (a standard error needs two samples) to ${MAX_SAMPLES}`),
    warmupIterations: WARMUP_ITERATIONS,
    thresholdPercent: options.wallThreshold === undefined ? DEFAULT_WALL_THRESHOLD_PERCENT : parseNumber("--wall-threshold", options.wallThreshold, (n) => n > 0 && n < 100, "a percentage between 0 and 100"),
    gated: options.gateWall === true,
  };
}

/** Runs the gate; when it refuses (bad input, a baseline that does not match), gate.md and gate.json say so before the error goes on. */
async function refusalWritten<T>(writeRefusal: (message: string) => Promise<void>, gate: () => T): Promise<T> {
  try {
    return gate();
  } catch (error) {
    if (error instanceof GateInputError) {
      try {
        await writeRefusal(error.message);
      } catch {
        // The refusal's own message matters more than the files that would repeat it: it goes on below.
      }
    }
    throw error;
  }
}

export function registerGate(program: Command): void {
  program
    .command("gate")
    .description("run scenarios and compare their headline metrics with a baseline; exit 1 on a regression, 2 when the baseline does not match")
    .argument("[scenario...]", `scenario files or shipped scenarios' names (default: the shipped gate set, ${GATE_SCENARIO_FILES.join(", ")})`)
    .requiredOption("--baseline <file>", "baseline JSON file (committed; written by --update-baseline)")
    .option("--update-baseline", "write the baseline from this run instead of comparing (keeps the file's tolerances)")
    .option("--out <dir>", "where gate.md and gate.json go", join("out", "gate"))
    .option("--set <path=value>", "override a field of every scenario, e.g. --set stop.hostIos=2000 (repeatable; part of the content hash)", (value: string, all: string[]) => [...all, value], [] as string[])
    .option("--wall", "also measure wall-clock figures (events and host I/Os per wall second, as ratios to a reference workload)")
    .option("--samples <n>", `timed runs per scenario for --wall (default ${DEFAULT_SAMPLES})`)
    .option("--wall-threshold <percent>", `a wall-clock regression needs the 95% interval of now/baseline wholly below 1 - this/100 (default ${DEFAULT_WALL_THRESHOLD_PERCENT})`)
    .option("--gate-wall", "fail on a wall-clock regression too (implies --wall; by default wall-clock figures are only reported)")
    .action(async (files: string[], options: GateOptions) => {
      // Loaded when the command runs, not with the command line (see bin/cli.ts).
      const [{ refuseOverwrittenOverrides }, { formatGateText, GATE_JSON, GATE_MARKDOWN, removeGateOutputs, writeGateOutputs, writeGateRefusal }, { runGate }, { GATE_FILES }] = await Promise.all([
        import("../../scenarios/schema/overrides.js"),
        import("../../reports/gate/render.js"),
        import("../../reports/gate/run-gate.js"),
        import("../../reports/output-families.js"),
      ]);
      nonEmptyPath(options.baseline, "--baseline", "a baseline JSON file");
      refuseOverwrittenOverrides(options.set);
      const scenarioPaths = files.length > 0 ? files.map((file) => scenarioPathFor(file)) : GATE_SCENARIO_FILES.map((name) => join(SHIPPED_SCENARIOS_DIR, name));
      const wall = wallRequest(options);
      const outDir = checkOutputDirectory(options.out);
      // An earlier run's gate.md must not stand beside this one's outcome, whatever that is.
      removeGateOutputs(outDir);
      if (options.updateBaseline === true) checkBaselineWritable(options.baseline);
      const report = await refusalWritten((message) => writeOutputSet(outDir, GATE_FILES, (dir) => writeGateRefusal(message, dir)), () => runGate({
        baselinePath: options.baseline,
        scenarioPaths,
        overrides: options.set,
        updateBaseline: options.updateBaseline === true,
        ...(wall === undefined ? {} : { wall }),
        cofwsimVersion: VERSION,
        nodeVersion: process.version,
        log: (line) => process.stderr.write(`${line}\n`),
      }));
      process.stdout.write(formatGateText(report));
      await writeOutputSet(outDir, GATE_FILES, (dir) => writeGateOutputs(report, dir));
      process.stdout.write(`summary: ${join(outDir, GATE_MARKDOWN)}\nreport: ${join(outDir, GATE_JSON)}\n`);
      if (report.mode === "update-baseline") process.stdout.write(`baseline written: ${options.baseline}\n`);
      process.exitCode = report.exitCode;
    });
}
