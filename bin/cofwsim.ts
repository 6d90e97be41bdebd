#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_DEMO, runDemo, type DemoResult } from "../scenarios/demo.js";
import { COMMIT_POLICY_NAMES, type CommitPolicyName } from "../engine/index.js";
import { formatDemoSummary } from "./demo-summary.js";
import { VERSION } from "./version.js";

/** Exit codes: 0 success, 1 the run found a problem, 2 bad usage or bad input. */
const EXIT_PROBLEM = 1;
const EXIT_USAGE = 2;

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  return value;
}

function policyName(text: string): CommitPolicyName {
  if (!(COMMIT_POLICY_NAMES as readonly string[]).includes(text)) throw new InvalidArgumentError(`expected one of ${COMMIT_POLICY_NAMES.join(", ")}, got "${text}"`);
  return text as CommitPolicyName;
}

const program = new Command()
  .name("cofwsim")
  .description("Deterministic simulator and benchmark harness for a copy-on-first-write snapshot engine")
  .version(VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

program
  .command("run")
  .description("run a scenario and write its results (today: the built-in demo; scenario files arrive with the scenario runner)")
  .argument("[scenario]", "scenario file (not supported yet: only the built-in demo runs)")
  .option("--seed <seed>", "root seed of the run", DEFAULT_DEMO.seed)
  .option("--writes <n>", "host writes in the demo", positiveInteger, DEFAULT_DEMO.hostWrites)
  .option("--policy <name>", `metadata commit policy (${COMMIT_POLICY_NAMES.join(", ")})`, policyName, DEFAULT_DEMO.policy)
  .option("--out <dir>", "directory for results.json", "out/run")
  .action((scenario: string | undefined, options: { seed: string; writes: number; policy: CommitPolicyName; out: string }) => {
    if (scenario !== undefined) {
      process.stderr.write(`cofwsim run: scenario files are not supported yet (got "${scenario}"); run without one for the built-in demo\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    process.stdout.write(`cofwsim ${VERSION}: demo, seed ${options.seed}\n`);
    const wallStartNs = process.hrtime.bigint();
    const result: DemoResult = runDemo({ seed: options.seed, hostWrites: options.writes, policy: options.policy });
    const wallSeconds = Number(process.hrtime.bigint() - wallStartNs) / 1e9;
    const outDir = resolve(options.out);
    mkdirSync(outDir, { recursive: true });
    const document = {
      manifest: { cofwsimVersion: VERSION, scenario: "built-in demo", seed: result.seed },
      results: result,
      // The only part of this file that is not deterministic.
      wall: {
        wallSeconds,
        events: result.events,
        eventsPerSecond: Math.round(result.events / wallSeconds),
        simulatedToWallRatio: result.simulatedNs / 1e9 / wallSeconds,
        peakRssBytes: process.memoryUsage().rss,
      },
    };
    const path = join(outDir, "results.json");
    writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
    process.stdout.write(formatDemoSummary(result));
    process.stdout.write(`results: ${path}\n`);
  });

try {
  program.parse(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") process.exit(0);
  if (typeof code === "string" && code.startsWith("commander.")) process.exit(EXIT_USAGE);
  process.stderr.write(`cofwsim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(EXIT_PROBLEM);
}
