import { InvalidArgumentError, type Command } from "commander";
import { basename, join } from "node:path";
import type { CrashMode } from "../../scenarios/crash/campaign.js";
import type { ShrunkScenarioEntry, ShrunkScenarioFile } from "../../scenarios/crash/shrunk-file.js";
import { parseDurationNs } from "../../scenarios/schema/units.js";
import { scenarioPathFor, SHIPPED_SCENARIOS_DIR } from "../paths.js";
import { EXIT_PROBLEM } from "../exit-codes.js";
import { progressBar } from "../progress.js";
import { VERSION } from "../version.js";
import { checkOutputDirectory } from "../output-dir.js";
import { checkReplaceable, writeOutputSet } from "../output-set.js";
import { writeTextFileSync } from "../../reports/write-file.js";
import { replayCommands } from "./crash-replay.js";
import { UsageError, wholeNumberOption } from "../usage.js";

export const DEFAULT_CRASH_SCENARIO = join(SHIPPED_SCENARIOS_DIR, "crash-write-through.yaml");

interface CrashOptions {
  readonly mode: CrashMode;
  readonly budget?: number;
  readonly time?: number;
  readonly bound: number;
  readonly subsets: number;
  readonly seed?: string;
  readonly out?: string;
  readonly set: string[];
  readonly replay?: string;
  readonly shrinkWorkload: boolean;
  readonly recoveryCrashes: boolean;
}

/**
 * The largest --bound: 2^16 = 65,536 subsets of one crash point already take
 * about a minute to check; beyond it a campaign would run for days, and
 * --subsets samples a crash point with more pending writes instead.
 */
export const MAX_BOUND = 16;

function boundOption(value: string): number {
  const bound = wholeNumberOption(0)(value);
  if (bound > MAX_BOUND) throw new InvalidArgumentError(`expected at most ${MAX_BOUND} (2^${MAX_BOUND} subsets of a crash point's pending writes; beyond it use --subsets to sample them)`);
  return bound;
}

function parseTimeMs(value: string): number {
  let ns: number;
  try {
    ns = parseDurationNs(value, { bareNumbers: "reject", bareNumberHint: "write 60s or 5m" });
  } catch (error) {
    throw new InvalidArgumentError(`--time: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (ns <= 0) throw new InvalidArgumentError("expected a time longer than 0");
  return ns / 1e6;
}

/** A state budget as crash.json says it: null for none (JSON has no infinity). */
function budgetOrNull(states: number): number | null {
  return Number.isFinite(states) ? states : null;
}

/** An exhaustive campaign over more crash points than this is told that a sampled one exists: it may take hours. */
const MANY_CRASH_POINTS = 5000;

/** What the campaign is about to do, said before the checks start (they may take long, and print nothing else off a terminal). */
export function crashPointsLine(crashPoints: number, mode: CrashMode): string {
  if (mode === "sample") return `${crashPoints} crash points recorded; sampling crash states among them`;
  const hint = crashPoints > MANY_CRASH_POINTS ? " (this many can take hours: --mode sample with --time or --budget checks a random share)" : "";
  return `${crashPoints} crash points recorded; checking every one${hint}`;
}

/** The options of a campaign, which a replay of one state does not use. */
const CAMPAIGN_ONLY = ["mode", "budget", "time", "bound", "subsets", "out", "recoveryCrashes", "shrinkWorkload"];

/** A replay rebuilds one state from its id and writes nothing: a campaign's option beside it would be ignored without a word. */
function refuseReplayIgnoring(command: Command): void {
  const given = command.options.filter((option) => CAMPAIGN_ONLY.includes(option.attributeName()) && command.getOptionValueSource(option.attributeName()) === "cli");
  if (given.length === 0) return;
  const flags = given.map((option) => option.long ?? option.flags).join(", ");
  throw new UsageError(
    `cofwsim crash: --replay rebuilds one crash state from its id and writes nothing, so ${flags} would be ignored; expected --replay with only the scenario, --seed and --set of the campaign that found the state, found ${flags}`,
  );
}

export function registerCrash(program: Command): void {
  program
    .command("crash")
    .description("crash campaign: record a run, crash it at every device-event boundary (or sampled ones), recover each crash image and check DESIGN.md's invariants; writes crash.json and report.html, exits 1 if an invariant broke")
    .argument("[scenario]", "scenario file (YAML or JSON), or a shipped scenario's name (cofwsim list); default: scenarios/crash-write-through.yaml")
    .option("--mode <mode>", "exhaustive: every crash point, every subset of pending writes up to --bound, then --subsets sampled, and torn variants; sample: random crash states within --budget/--time", (value: string) => {
      if (value !== "exhaustive" && value !== "sample") throw new InvalidArgumentError("expected exhaustive or sample");
      return value;
    }, "exhaustive")
    .option("--budget <states>", "stop after this many crash states (sample mode default: 1000, or none when --time is given)", wholeNumberOption(1))
    .option("--time <duration>", "stop after this much wall time, e.g. 60s, once at least one state is checked (the states checked then depend on the machine)", parseTimeMs)
    .option("--bound <n>", `pending writes up to which every subset is tried (at most ${MAX_BOUND})`, boundOption, 6)
    .option("--subsets <n>", "random subsets tried at a crash point beyond the bound", wholeNumberOption(0), 16)
    .option("--seed <seed>", "root seed (overrides the scenario's)")
    .option("--out <dir>", "output directory (default: out/crash/<scenario name>)")
    .option("--set <path=value>", "override a field, e.g. --set engine.commitPolicy=group-commit (repeatable)", (value: string, all: string[]) => [...all, value], [] as string[])
    .option("--replay <state-id>", "rebuild one crash state from its id (as printed in a finding; p57.c0/3.c1/4 lists the writes of a striped LU's members 0 and 1; p57.s3/p4.c2 for a crash during recovery) and print what its check finds")
    .option("--recovery-crashes", "also crash every successful recovery at each boundary of its own writes (subsets of its pending writes) and check the second recovery; several times the states")
    .option("--no-shrink-workload", "do not shrink the workload of a finding (by default each invariant's first finding is reduced to a short script of host operations, written to DIR/shrunk-invariant-N.yaml)")
    .action(async (file: string | undefined, options: CrashOptions, command: Command) => {
      if (options.replay !== undefined) refuseReplayIgnoring(command);
      // Loaded when the command runs, not with the command line (see bin/cli.ts).
      const [{ findingTotals, runCampaign, replayState, stateBudget }, { shrinkScenarios }, { parseCrashId }, { loadScenarioWithHash }, { commandOverrides }, { writeRunReport }, { renderCrashSection, INVARIANT_TITLES }, { RUN_REPORT_FILES }] =
        await Promise.all([
          import("../../scenarios/crash/campaign.js"),
          import("../../scenarios/crash/shrunk-file.js"),
          import("../../scenarios/crash/recovery-crash.js"),
          import("../../scenarios/schema/scenario-hash.js"),
          import("../../scenarios/schema/overrides.js"),
          import("../../reports/run-report.js"),
          import("../../reports/crash/crash-section.js"),
          import("../../reports/output-families.js"),
        ]);
      // A malformed id is refused before the scenario is read or anything is announced.
      const replayed = options.replay === undefined ? undefined : parseCrashId(options.replay);
      const path = file === undefined ? DEFAULT_CRASH_SCENARIO : scenarioPathFor(file);
      const overrides = commandOverrides(options.set, options.seed);
      const { scenario, contentHash, text: scenarioText } = loadScenarioWithHash(path, overrides);
      const meta = { cofwsimVersion: VERSION, fileName: basename(path), contentHash };
      // A replay writes nothing; a campaign refuses a bad --out before it starts.
      const outDir = options.replay === undefined ? checkOutputDirectory(options.out ?? join("out", "crash", scenario.name)) : "";
      if (options.replay === undefined) checkReplaceable(outDir, RUN_REPORT_FILES);
      process.stdout.write(`cofwsim ${VERSION} crash: ${scenario.name}, seed ${scenario.seed}\n`);

      if (options.replay !== undefined && replayed !== undefined) {
        const { outcome } = replayState(scenario, meta, replayed);
        if (outcome.kind === "finding") {
          process.stdout.write(`state ${options.replay}: invariant ${outcome.invariant} (${INVARIANT_TITLES[outcome.invariant] ?? "?"}) broke, check ${outcome.check}:\n  ${outcome.message}\n`);
          process.exitCode = EXIT_PROBLEM;
        } else if (outcome.kind === "refused") {
          process.stdout.write(`state ${options.replay}: outside the fault model (a torn metadata block); recovery refused it as it should: ${outcome.reason}\n`);
        } else {
          process.stdout.write(`state ${options.replay}: recovered, every invariant holds (${outcome.reclaimedChunks} leaked chunks reclaimed)\n`);
        }
        return;
      }

      const replay = replayCommands(file, scenario.seed, overrides);
      const bar = progressBar("crash states [{bar}] {percentage}% | {checked} checked | eta {eta}s");
      const started = performance.now();
      let peakRssBytes = process.memoryUsage().rss;
      const { summary, recording } = runCampaign(scenario, meta, {
        mode: options.mode,
        ...(options.budget === undefined ? {} : { budgetStates: options.budget }),
        ...(options.time === undefined ? {} : { timeLimitMs: options.time }),
        exhaustiveBound: options.bound,
        sampledSubsets: options.subsets,
        recoveryCrashes: options.recoveryCrashes === true,
        replayCommand: replay.state,
        nowMs: () => performance.now(),
        onRecorded: (crashPoints) => process.stdout.write(`${crashPointsLine(crashPoints, options.mode)}\n`),
        onProgress: (fraction, checked) => {
          peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
          bar.update(fraction, { checked });
        },
      });
      bar.stop();
      const { wall, ...deterministic } = summary;
      let shrunkScenarios: ShrunkScenarioEntry[] = [];
      let shrunkFiles: ShrunkScenarioFile[] = [];
      const shrinkStarted = performance.now();
      if (summary.findings.length > 0 && options.shrinkWorkload) {
        const status = progressBar("shrinking the workload of invariant {invariant}: campaign {campaigns}, {kept} host operations kept");
        ({ entries: shrunkScenarios, files: shrunkFiles } = shrinkScenarios(recording, meta, summary, {
          originalText: scenarioText,
          originalFileName: basename(path),
          overrides,
          invariantTitles: INVARIANT_TITLES,
          exhaustiveBound: options.bound,
          sampledSubsets: options.subsets,
          recoveryCrashes: options.recoveryCrashes === true,
          replayFor: replay.shrunk,
          onCampaign: (invariant, campaigns, kept) => status.update(0, { invariant, campaigns, kept }),
          nowMs: () => performance.now(),
        }));
        status.stop();
      }
      const shrinkMs = performance.now() - shrinkStarted;
      const crashJson = {
        kind: "cofwsim-crash",
        manifest: recording.results.manifest,
        options: { mode: options.mode, exhaustiveBound: options.bound, sampledSubsets: options.subsets, budgetStates: budgetOrNull(stateBudget(options.mode, options.budget, options.time)), timeLimited: options.time !== undefined, recoveryCrashes: options.recoveryCrashes === true },
        ...deterministic,
        shrunkScenarios,
        // The only part that differs between two campaigns of the same scenario, seed and version (and, with --time, the states above).
        wall: { ...wall, peakRssBytes, shrinkMs },
      };
      const crashPath = join(outDir, "crash.json");
      const wallSeconds = (performance.now() - started) / 1000;
      await writeOutputSet(outDir, RUN_REPORT_FILES, async (dir) => {
        for (const file of shrunkFiles) writeTextFileSync(join(dir, file.fileName), file.text);
        writeTextFileSync(join(dir, "crash.json"), `${JSON.stringify(crashJson, null, 2)}\n`);
        await writeRunReport(dir, {
          results: recording.results,
          timeSeries: recording.timeSeries,
          scenarioText,
          overrides,
          wall: {
            rows: [
              ["wall time, all of it (s)", wallSeconds.toFixed(3)],
              ["campaign: recording and checking (s)", (wall.wallMs / 1000).toFixed(3)],
              ["crash states checked per wall second", String(Math.round(wall.statesCheckedPerSecond))],
              ["workload shrinking (s)", (shrinkMs / 1000).toFixed(3)],
              ["peak resident memory (MiB)", (peakRssBytes / 2 ** 20).toFixed(1)],
            ],
          },
          extraSections: [renderCrashSection(summary, shrunkScenarios)],
        });
      });
      const totals = findingTotals(summary);
      const recovery = summary.recoveryCrashes;
      process.stdout.write(
        `${summary.crashPoints} crash points, ${summary.statesGenerated} states generated, ${summary.uniqueImages} unique images, ${summary.statesChecked} states checked (${Math.round(wall.statesCheckedPerSecond)}/s, ${(wall.wallMs / 1000).toFixed(1)} s), ${summary.refusedOutsideFaultModel} refused outside the fault model\n` +
          (recovery === null
            ? ""
            : `crashes during recovery: ${recovery.recoveries} recoveries, ${recovery.statesGenerated} states generated, ${recovery.uniqueImages} unique images, ${recovery.statesChecked} states checked, ${recovery.refusedOutsideFaultModel} refused outside the fault model\n`),
      );
      if (totals.total === 0) process.stdout.write("no invariant broke\n");
      else {
        const byInvariant = (counts: Record<string, number>) => Object.entries(counts).map(([k, v]) => `invariant ${k}: ${v}`).join(", ");
        process.stdout.write(`${totals.run} of the run's ${summary.statesChecked} states checked broke invariants${totals.run === 0 ? "" : ` (${byInvariant(summary.findingsByInvariant)})`}\n`);
        if (recovery !== null) process.stdout.write(`${totals.recovery} of the ${recovery.statesChecked} crash states during recovery checked broke invariants${totals.recovery === 0 ? "" : ` (${byInvariant(recovery.findingsByInvariant)})`}\n`);
        for (const finding of summary.findings.slice(0, 5)) process.stdout.write(`  invariant ${finding.invariant} at ${finding.id}: ${finding.message}\n    replay: ${finding.replay}\n${finding.shrunk === null ? "" : `    shrunk: ${finding.shrunk.replay}\n`}`);
        for (const entry of shrunkScenarios) {
          process.stdout.write(
            entry.file === null
              ? `  invariant ${entry.invariant}: the run rewritten as a script no longer breaks it (the failure needs the original timing); workload not shrunk\n`
              : `  invariant ${entry.invariant}: workload shrunk from ${entry.opsBefore} to ${entry.opsAfter} host operations (${entry.campaigns} campaigns): ${join(outDir, entry.file)}\n    replay, in ${outDir}: ${entry.replay}\n`,
          );
        }
        process.exitCode = EXIT_PROBLEM;
      }
      process.stdout.write(`crash:  ${crashPath}\nreport: ${join(outDir, "report.html")}\n`);
    });
}
