import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEMI_SPACE_FLAG, SEMI_SPACE_MIB } from "../../bin/heap-flags.js";
import { cofwsimAsync } from "./cli-rig.js";

/**
 * Bad usage of every command, as a user would make it: each case exits 2
 * with a message on stderr that names the culprit and says what was expected,
 * with no stack trace or internal error text, and announces nothing on stdout
 * (where import prints a scenario). The cases are run in a scratch directory
 * holding the files below; the runs that would start are kept tiny.
 */
interface UsageCase {
  readonly args: readonly string[];
  /** Text that names the culprit: the argument, option, file (and line:column) or value at fault. */
  readonly culprit: string;
}

/** What must never reach the user: a stack frame, a JavaScript error, a value printed as JavaScript sees it. */
const INTERNAL = [/\n\s+at .+:\d+:\d+/, /TypeError|ReferenceError|SyntaxError/, /Cannot read properties/, /\bundefined\b/, /\bNaN\b/, /\[object Object\]/];

const TINY = ["--set", "stop.hostIos=50"];
const VARY = ["--vary", "engine.chunkSize=16KiB,64KiB"];

const cases: Record<string, UsageCase> = {
  // The program itself.
  "an unknown command": { args: ["frobnicate"], culprit: "unknown command 'frobnicate'" },
  "an unknown command a typo away from one": { args: ["rn"], culprit: "unknown command 'rn' (Did you mean run?)" },
  "help for an unknown command": { args: ["help", "frobnicate"], culprit: "unknown command 'frobnicate'" },
  "help for two commands": { args: ["help", "run", "validate"], culprit: 'the extra "validate"' },
  "an unknown option of the program": { args: ["--frobnicate"], culprit: "unknown option '--frobnicate'" },
  // Arguments and options of the commands, as commander reads them.
  "run with two scenarios": { args: ["run", "a.yaml", "b.yaml"], culprit: 'the extra "b.yaml"' },
  "run with an unknown option": { args: ["run", "--frobnicate"], culprit: "unknown option '--frobnicate'" },
  "run with a misspelt option": { args: ["run", "--sed", "1"], culprit: "unknown option '--sed' (Did you mean one of --seed, --set?)" },
  "run with --seed and no value": { args: ["run", "--seed"], culprit: "'--seed <seed>' argument missing" },
  "run with --seed twice": { args: ["run", "--seed", "1", "--seed", "2", ...TINY], culprit: "'--seed <seed>' is given twice" },
  "run with --out twice": { args: ["run", "--out", "a", "--out", "b", ...TINY], culprit: "'--out <dir>' is given twice" },
  "run with --seed's value left out before --out": { args: ["run", "--seed", "--out", "x", ...TINY], culprit: "'--seed <seed>' is followed by the option --out" },
  "run with --set's value left out before --seed": { args: ["run", "--set", "--seed=3"], culprit: "'--set <path=value>' is followed by the option --seed=3" },
  "validate without a scenario": { args: ["validate"], culprit: "missing required argument 'scenario'" },
  "validate with an unknown option": { args: ["validate", "quickstart", "--out", "x"], culprit: "unknown option '--out'" },
  "import without a file": { args: ["import"], culprit: "missing required argument 'file'" },
  "import with two files": { args: ["import", "a.fio", "b.fio"], culprit: 'the extra "b.fio"' },
  "list with an argument": { args: ["list", "quickstart"], culprit: 'the extra "quickstart"' },
  "sweep without a scenario": { args: ["sweep"], culprit: "missing required argument 'scenario'" },
  "sweep with --vary and no value": { args: ["sweep", "quickstart", "--vary"], culprit: "'--vary <path=v1,v2,...>' argument missing" },
  "sweep with --jobs twice": { args: ["sweep", "quickstart", ...VARY, "--jobs", "1", "--jobs", "2"], culprit: "'--jobs <n>' is given twice" },
  "sweep with --jobs 0": { args: ["sweep", "quickstart", ...VARY, "--jobs", "0"], culprit: "'--jobs <n>' argument '0' is invalid" },
  "sweep with --jobs past 2^53": { args: ["sweep", "quickstart", ...VARY, "--jobs", "99999999999999999999"], culprit: "'--jobs <n>' argument '99999999999999999999' is invalid" },
  "merge without a directory": { args: ["merge"], culprit: "missing required argument 'dir'" },
  "gate without --baseline": { args: ["gate"], culprit: "required option '--baseline <file>' not specified" },
  "gate with --baseline twice": { args: ["gate", "--baseline", "a.json", "--baseline", "b.json"], culprit: "'--baseline <file>' is given twice" },
  "crash with --budget twice": { args: ["crash", "--mode", "sample", "--budget", "5", "--budget", "6"], culprit: "'--budget <states>' is given twice" },
  "crash with --replay's value left out before --out": { args: ["crash", "--replay", "--out", "x"], culprit: "'--replay <state-id>' is followed by the option --out" },
  "crash with --mode's value left out before --budget": { args: ["crash", "--mode", "--budget", "5"], culprit: "'--mode <mode>' is followed by the option --budget" },
  // Paths to read given empty: resolved, they were the working directory, and the refusal named it.
  "run with an empty scenario path": { args: ["run", ""], culprit: '<scenario>:1:1: an empty path' },
  "validate with an empty scenario path": { args: ["validate", " "], culprit: '<scenario>:1:1: an empty path' },
  "crash with an empty scenario path": { args: ["crash", ""], culprit: '<scenario>:1:1: an empty path' },
  "import with an empty path": { args: ["import", ""], culprit: 'the job file is an empty path' },
  "merge with an empty directory": { args: ["merge", ""], culprit: "a shard's output directory is an empty path" },
  "gate with an empty --baseline": { args: ["gate", "--baseline", "", "quickstart", ...TINY], culprit: "--baseline is an empty path" },
  // crash: its own parsers say what they expected; a replay takes no campaign option, which it would ignore.
  "crash with --budget 0": { args: ["crash", "--budget", "0"], culprit: "'--budget <states>' argument '0' is invalid" },
  "crash with a --budget past 2^53": { args: ["crash", "--budget", "99999999999999999999"], culprit: "argument '99999999999999999999' is invalid" },
  "crash with --mode of neither kind": { args: ["crash", "--mode", "random"], culprit: "'--mode <mode>' argument 'random' is invalid" },
  "crash with --time 0s": { args: ["crash", "--time", "0s"], culprit: "'--time <duration>' argument '0s' is invalid" },
  "crash with --bound 17": { args: ["crash", "--bound", "17"], culprit: "'--bound <n>' argument '17' is invalid" },
  "crash with a malformed --replay id": { args: ["crash", "--replay", "p1.q"], culprit: 'crash state id "p1.q"' },
  "crash --replay with --out and --bound": { args: ["crash", "--replay", "p12", "--out", "x", "--bound", "3"], culprit: "--bound, --out would be ignored" },
  "crash --replay with --recovery-crashes": { args: ["crash", "--replay", "p12", "--recovery-crashes"], culprit: "--recovery-crashes would be ignored" },
  // JSON files read back: located where they stop being JSON or UTF-8, not JSON.parse's "position 1" or a dump of the bytes.
  "gate with a --baseline that is not JSON": { args: ["gate", "--baseline", "not-json.json", "quickstart", ...TINY], culprit: "not-json.json:3:3: not JSON" },
  "gate with an empty --baseline file": { args: ["gate", "--baseline", "empty.yaml", "quickstart", ...TINY], culprit: "empty.yaml:1:1: not JSON" },
  "gate with a --baseline that is not text": { args: ["gate", "--baseline", "binary.json", "quickstart", ...TINY], culprit: "binary.json:2:2: not UTF-8 text" },
  "gate with a directory as --baseline": { args: ["gate", "--baseline", "a-directory", "quickstart", ...TINY], culprit: "cannot read a-directory (it is a directory)" },
  "merge of a shard whose sweep.json is not JSON": { args: ["merge", "broken-shard"], culprit: "broken-shard/sweep.json:2:15: not JSON" },
  // --seed as a scenario file's seed is read: "-1" was taken as a seed named "-1", where seed: -1 is refused.
  "run with a negative --seed": { args: ["run", "--seed", "-1", ...TINY], culprit: '<--seed>:1:1: seed: a number that is not a non-negative integer' },
  "sweep with a fractional --seed": { args: ["sweep", "quickstart", ...VARY, "--seed", "1.5"], culprit: '<--seed>:1:1: seed: a number that is not a non-negative integer' },
  "crash with a --seed in hexadecimal": { args: ["crash", "--seed", "0x10"], culprit: '<--seed>:1:1: seed: a number that is not a non-negative integer' },
  "run with a --seed past 2^53": { args: ["run", "--seed", "99999999999999999999", ...TINY], culprit: "<--seed>:1:1: seed: an integer past 9007199254740991" },
  "run with blanks around the --seed": { args: ["run", "--seed", " 7", ...TINY], culprit: "<--seed>:1:1: seed: blanks around the seed" },
  // Refusals that said what was wrong, or what to do, but not what was expected and found.
  "sweep without --vary": { args: ["sweep", "quickstart", ...TINY], culprit: "nothing to sweep" },
  "sweep with a value given twice": { args: ["sweep", "quickstart", "--vary", "engine.chunkSize=16KiB,16KiB"], culprit: '--vary engine.chunkSize: the value "16KiB" is given twice' },
  "sweep with a path varied twice": { args: ["sweep", "quickstart", ...VARY, "--vary", "engine.chunkSize=256KiB"], culprit: "--vary engine.chunkSize is given twice" },
  "sweep with a path varied twice, in its two spellings": { args: ["sweep", "quickstart", ...VARY, "--vary", "engine.chunkSizeBytes=262144"], culprit: "--vary engine.chunkSizeBytes is given twice (as --vary engine.chunkSize, its other spelling)" },
  "sweep with shard 0 of 2": { args: ["sweep", "quickstart", ...VARY, "--shard", "0/2"], culprit: "--shard 0/2: no such shard" },
  "sweep with no shards": { args: ["sweep", "quickstart", ...VARY, "--shard", "1/0"], culprit: "--shard 1/0: no shards" },
  "gate with --samples and no --wall": { args: ["gate", "--baseline", "b.json", "--samples", "3"], culprit: "--samples applies to wall-clock figures only" },
  "gate with --wall-threshold 100": { args: ["gate", "--baseline", "b.json", "--wall", "--wall-threshold", "100"], culprit: '--wall-threshold: expected a percentage between 0 and 100, found "100"' },
  "import of a file with no job section": { args: ["import", "empty.yaml"], culprit: "empty.yaml:1: no job sections" },
  // A --set whose value a later one drops: applied in order, the last won without a word.
  "validate with one path set twice": { args: ["validate", "quickstart", "--set", "stop.hostIos=1", "--set", "stop.hostIos=2"], culprit: "<--set>:2:1: stop.hostIos: --set 1 already sets the same path" },
  "run with a --set replaced by one above it": { args: ["run", "--set", "stop.hostIos=1", "--set", "stop={runtime: 1ms}"], culprit: "<--set>:2:1: stop: --set 1 already sets stop.hostIos" },
  "sweep with a --set on a varied path": { args: ["sweep", "quickstart", ...VARY, "--set", "engine.chunkSize=4KiB"], culprit: "--vary engine.chunkSize: --set 1" },
  "sweep with a --set on a varied path in its other spelling": { args: ["sweep", "quickstart", ...VARY, "--set", "engine.chunkSizeBytes=4096"], culprit: "--vary engine.chunkSize: --set 1" },
  // Files of the wrong kind, missing, or not files: refused at the file (and line:column), as they already were.
  "validate a trace": { args: ["validate", "trace.iolog"], culprit: "trace.iolog:1:1: wrong type" },
  "validate a fio job file": { args: ["validate", "job.fio"], culprit: "job.fio:2:1: YAML syntax error" },
  "validate an empty file": { args: ["validate", "empty.yaml"], culprit: "empty.yaml:1:1: the scenario is empty" },
  "validate a file that is not text": { args: ["validate", "binary.json"], culprit: "binary.json:2:2: not UTF-8 text" },
  "run a directory": { args: ["run", "a-directory"], culprit: "a-directory:1:1: cannot read the scenario file" },
  "sweep a missing scenario": { args: ["sweep", "missing.yaml", ...VARY], culprit: "missing.yaml:1:1: cannot read the scenario file" },
  "import a scenario": { args: ["import", "scenario.yaml"], culprit: 'scenario.yaml:1:1: "name: x"' },
  "import a directory": { args: ["import", "a-directory"], culprit: "a-directory:1: cannot read the job file (it is a directory)" },
  "merge a directory without sweep.json": { args: ["merge", "a-directory"], culprit: "a-directory/sweep.json (ENOENT" },
  "run with --out under a regular file": { args: ["run", ...TINY, "--out", "file/out"], culprit: "cannot write the outputs to" },
  "crash with --out under /proc": { args: ["crash", "--out", "/proc/cofwsim-usage/out"], culprit: "cannot write the outputs to /proc/cofwsim-usage/out" },
};

/** The commands whose help must describe them fully (`<command> --help`; `help <command>` shows the same text). */
const COMMANDS = ["run", "validate", "import", "list", "sweep", "merge", "gate", "crash", "help"];

/**
 * The heap flags the command would relaunch itself with: given at once, it runs in one Node process rather than
 * two, which halves the cost of each of these short commands. Every command line is run before the tests, a few
 * at a time: one after another they took 50 s on a loaded machine.
 */
const NODE_FLAGS = [`${SEMI_SPACE_FLAG}=${SEMI_SPACE_MIB}`];
/** Two: vitest runs another test file beside this one on a 2-core machine, and four at once slowed its crash campaigns near their limits. */
const AT_ONCE = 2;

type Result = Awaited<ReturnType<typeof cofwsimAsync>>;
const results = new Map<string, Result>();
let dir: string;

async function runAll(commandLines: readonly (readonly string[])[]): Promise<void> {
  const queue = [...commandLines];
  const worker = async () => {
    for (let args = queue.shift(); args !== undefined; args = queue.shift()) results.set(args.join("\0"), await cofwsimAsync(NODE_FLAGS, dir, ...args));
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
}

function resultOf(args: readonly string[]): Result {
  const result = results.get(args.join("\0"));
  if (result === undefined) throw new Error(`not run: ${args.join(" ")}`);
  return result;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cofwsim-usage-"));
  mkdirSync(join(dir, "a-directory"));
  writeFileSync(join(dir, "empty.yaml"), "");
  writeFileSync(join(dir, "file"), "a regular file\n");
  writeFileSync(join(dir, "binary.json"), Buffer.from([0x7b, 0x0a, 0x22, 0xff, 0xfe, 0x00, 0x01]));
  writeFileSync(join(dir, "trace.iolog"), "fio version 3 iolog\n0 /dev/sda add\n");
  writeFileSync(join(dir, "job.fio"), "[job]\nrw=randwrite\nbs=4k\n");
  writeFileSync(join(dir, "scenario.yaml"), "name: x\n");
  mkdirSync(join(dir, "broken-shard"));
  writeFileSync(join(dir, "broken-shard", "sweep.json"), '{\n  "manifest": ,\n}\n');
  writeFileSync(join(dir, "not-json.json"), '{\n  "format": "cofwsim-gate-baseline/1",\n  oops\n}\n');
  await runAll([...Object.values(cases).map((c) => c.args), [], ["help"], ["help", "crash"], ...COMMANDS.map((command) => [command, "--help"])]);
}, 240_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The entries of a help text's Options: and Arguments: sections, one line each (a wrapped description's further lines left out). */
function helpEntries(help: string): string[] {
  const entries: string[] = [];
  let inSection = false;
  for (const line of help.split("\n")) {
    if (line === "Options:" || line === "Arguments:") inSection = true;
    else if (line === "" || !line.startsWith(" ")) inSection = false;
    else if (inSection && /^ {2}\S/.test(line)) entries.push(line);
  }
  return entries;
}

describe("bad usage of every command", () => {
  it.each(Object.entries(cases))("%s: exit 2, the culprit and what was expected, nothing internal", (_name, { args, culprit }) => {
    const result = resultOf(args);
    const said = `cofwsim ${args.join(" ")}\n${result.stderr}`;
    expect(result.code, said).toBe(2);
    expect(result.stderr, said).toContain(culprit);
    expect(result.stderr, said).toMatch(/expected/i);
    for (const internal of INTERNAL) expect(result.stderr, said).not.toMatch(internal);
    expect(result.stdout, said).toBe("");
  });

  it("cofwsim alone shows the help on stderr and says a command was expected (exit 2)", () => {
    const result = resultOf([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Usage: cofwsim/);
    expect(result.stderr).toContain("cofwsim: no command given; expected one of the commands run, validate, import, list, sweep, merge, gate, crash, help");
  });

  it("help describes every command, and every option and argument of each (exit 0, on stdout)", () => {
    const general = resultOf(["help"]);
    expect(general.code).toBe(0);
    for (const command of COMMANDS) expect(general.stdout).toMatch(new RegExp(`\\n  ${command}\\b[^\\n]* {2,}\\w`));
    for (const command of COMMANDS) {
      for (const args of [[command, "--help"], ...(command === "crash" ? [["help", command]] : [])]) {
        const result = resultOf(args);
        expect(result.code, args.join(" ")).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^Usage: cofwsim ${command} `));
        const entries = helpEntries(result.stdout);
        expect(entries.length, args.join(" ")).toBeGreaterThan(0);
        // Flags or argument name, then at least two blanks, then its description.
        for (const entry of entries) expect(entry, `${args.join(" ")}: ${entry}`).toMatch(/^ {2}\S.*\S {2,}\S/);
      }
    }
  });
});
