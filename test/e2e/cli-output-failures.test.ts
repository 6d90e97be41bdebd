import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEMI_SPACE_FLAG, SEMI_SPACE_MIB } from "../../bin/heap-flags.js";
import { cli, root } from "./cli-rig.js";

/**
 * What a user of a storage tool counts on when output fails: nothing lost or
 * mixed, and a clear message. The output directory of a run holds either the
 * whole of its new set of files or the earlier set untouched; a signal ends
 * the command with the signal's status and leaves no temporary file.
 */

/** Given at once, the command runs in one Node process rather than relaunching itself: half the cost of a spawn. */
const NODE_FLAGS = [`${SEMI_SPACE_FLAG}=${SEMI_SPACE_MIB}`];
const TINY = ["--set", "stop.hostIos=50"];
/** The largest file a command may write in the tests of failed writes: less than a run's report.html. */
const FILE_SIZE_LIMIT_KIB = 32;
/** What must never reach the user for an expected failure. */
const STACK_FRAME = /\n\s+at .+:\d+:\d+/;

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface SpawnOptions {
  /** Flags for node itself; [] starts the command as a user would, through its relaunch with heap flags. */
  readonly nodeFlags?: readonly string[];
  /** Text for the command's standard input. */
  readonly stdin?: string;
  /** A file descriptor to take the command's standard output (/dev/full) instead of a pipe. */
  readonly stdoutFd?: number;
  /**
   * The largest file the command may write, in KiB (RLIMIT_FSIZE, set by bash's ulimit): a write past it fails
   * with EFBIG, as a write to a full disk fails with ENOSPC, with no file system to mount and as any user (Node
   * ignores the SIGXFSZ that comes with it, so the write fails rather than the process).
   */
  readonly fileSizeLimitKiB?: number;
}

function start(cwd: string, args: readonly string[], options: SpawnOptions = {}) {
  const command = [process.execPath, ...(options.nodeFlags ?? NODE_FLAGS), cli, ...args];
  const limited = options.fileSizeLimitKiB === undefined ? command : ["/bin/bash", "-c", `ulimit -f ${options.fileSizeLimitKiB} && exec "$@"`, "bash", ...command];
  const child = spawn(limited[0]!, limited.slice(1), {
    cwd,
    timeout: 120_000,
    killSignal: "SIGKILL",
    stdio: [options.stdin === undefined ? "ignore" : "pipe", options.stdoutFd ?? "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, finished, stdout: () => stdout };
}

const run = (cwd: string, args: readonly string[], options?: SpawnOptions) => start(cwd, args, options).finished;

/** Every file of a directory with its bytes, names sorted. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), "latin1")]));
}

const temporaries = (dir: string) => readdirSync(dir).filter((name) => name.startsWith(".cofwsim"));

let scratch: string;
/** A run's complete report set, made once; each test works on a copy. */
let earlierSet: string;
let firstRun: Finished;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "cofwsim-output-"));
  earlierSet = join(scratch, "earlier");
  mkdirSync(earlierSet);
  // Left by an earlier crash campaign in the same directory, and a file of the user's.
  writeFileSync(join(earlierSet, "crash.json"), "{}\n");
  writeFileSync(join(earlierSet, "shrunk-invariant-3.yaml"), "name: old\n");
  writeFileSync(join(earlierSet, "notes.txt"), "mine\n");
  firstRun = await run(scratch, ["run", ...TINY, "--out", earlierSet]);
}, 60_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the earlier set in a directory of its own. */
function copyOfEarlierSet(name: string, parent = scratch): string {
  const dir = join(parent, name);
  cpSync(earlierSet, dir, { recursive: true });
  return dir;
}

describe("a report set is replaced whole", () => {
  it("a run replaces the directory's earlier report set: a campaign's crash.json and shrunk scenarios go, the user's files stay", () => {
    expect(firstRun.code, firstRun.stderr).toBe(0);
    const names = readdirSync(earlierSet);
    expect(names).toContain("results.json");
    expect(names).toContain("report.html");
    expect(names).toContain("notes.txt");
    expect(names).not.toContain("crash.json");
    expect(names).not.toContain("shrunk-invariant-3.yaml");
    expect(temporaries(earlierSet)).toEqual([]);
  });

  it("a run removes what a killed command left in --out (its unfinished set, its probe), keeps another live command's, and names a set moved aside", async () => {
    const out = copyOfEarlierSet("after-a-kill");
    // An id no process has: a child's, once it has exited.
    const gone = spawnSync("true").pid;
    expect(gone).toBeGreaterThan(0);
    const abandoned = [`.cofwsim-writing-${gone}-AbCdEf`, `.cofwsim-probe-${gone}-GhIjKl`];
    const live = `.cofwsim-writing-${process.pid}-MnOpQr`;
    const aside = `.cofwsim-previous-${gone}-StUvWx`;
    for (const name of [...abandoned, live, aside]) mkdirSync(join(out, name));
    writeFileSync(join(out, abandoned[0]!, "results.json"), "{ half a set");
    writeFileSync(join(out, aside, "report.html"), "the earlier set's report\n");
    const result = await run(scratch, ["run", ...TINY, "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(temporaries(out).sort()).toEqual([aside, live].sort());
    expect(result.stderr).toContain(`${join(out, aside)} holds files of an earlier set of outputs, left by a command (process ${gone}) that was killed`);
    expect(readFileSync(join(out, aside, "report.html"), "utf8")).toBe("the earlier set's report\n");
  });

  it("a file of the set that is a directory (results.json, sweep.json, crash.json) is refused before any work (exit 2), naming it", async () => {
    const cases = [
      { file: "results.json", args: ["run", ...TINY] },
      { file: "sweep.json", args: ["sweep", "quickstart", ...TINY, "--vary", "engine.chunkSize=16KiB,64KiB"] },
      { file: "crash.json", args: ["crash", "--mode", "sample", "--budget", "1"] },
    ];
    const outs = cases.map(({ file }) => {
      const out = join(scratch, `taken-${file}`);
      mkdirSync(join(out, file), { recursive: true });
      writeFileSync(join(out, "notes.txt"), "mine\n");
      return out;
    });
    const results = await Promise.all(cases.map(({ args }, i) => run(scratch, [...args, "--out", outs[i]!])));
    cases.forEach(({ file, args }, i) => {
      const result = results[i]!;
      const said = `${args.join(" ")}: ${result.stderr}`;
      expect(result.code, said).toBe(2);
      expect(result.stderr, said).toContain(`${join(outs[i]!, file)} is a directory`);
      expect(result.stderr, said).not.toMatch(STACK_FRAME);
      // Refused before the run: nothing announced, nothing written.
      expect(result.stdout, said).toBe("");
      expect(readdirSync(outs[i]!).sort(), said).toEqual([file, "notes.txt"].sort());
    });
  });

  it("a write that fails while the new set is written leaves the earlier set as it was (exit 1, the file and the reason, no stack)", async () => {
    const out = copyOfEarlierSet("out");
    const before = snapshot(out);
    // The earlier set's report.html is larger than this: written in place, the new one would be cut short over it.
    expect(statSync(join(out, "report.html")).size).toBeGreaterThan(FILE_SIZE_LIMIT_KIB * 1024);
    const result = await run(scratch, ["run", "--set", "stop.hostIos=2000", "--out", out], { fileSizeLimitKiB: FILE_SIZE_LIMIT_KIB });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`cannot write ${out}/\\S+: file too large \\(EFBIG\\); ${out} is left as it was`));
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(snapshot(out)).toEqual(before);
    expect(temporaries(out)).toEqual([]);
  });

  it("gate --update-baseline that cannot write the whole baseline leaves it as it was, not cut short (exit 1, the file and the reason, no stack)", async () => {
    // Eight scenarios: their baseline (~5.6 KiB) is larger than the command may write.
    const scenarios = Array.from({ length: 8 }, (_, i) => {
      const path = join(scratch, `gate-${i}.yaml`);
      writeFileSync(path, readFileSync(join(root, "scenarios", "quickstart.yaml"), "utf8").replace(/^name: quickstart$/m, `name: gate-${i}`));
      return path;
    });
    const earlier = '{ "format": "cofwsim-gate-baseline/1", "scenarios": {} }\n';
    const dir = mkdtempSync(join(scratch, "baseline-"));
    const baseline = join(dir, "baseline.json");
    writeFileSync(baseline, earlier);
    const result = await run(scratch, ["gate", ...scenarios, ...TINY, "--baseline", baseline, "--update-baseline", "--out", join(scratch, "gate-out")], { fileSizeLimitKiB: 4 });
    expect(readFileSync(baseline, "utf8")).toBe(earlier);
    // A full disk is not bad input: exit 1, as for run's outputs.
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`cannot write ${baseline}: file too large (EFBIG); the baseline file is left as it was`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(dir)).toEqual(["baseline.json"]);
  });
  it("gate that cannot write its outputs exits 1 with the file and the reason, no stack: a full disk is not bad input", async () => {
    const scenario = join(scratch, "gate-outputs.yaml");
    writeFileSync(scenario, readFileSync(join(root, "scenarios", "quickstart.yaml"), "utf8").replace(/^name: quickstart$/m, "name: gate-outputs"));
    const baseline = join(scratch, "gate-outputs-baseline.json");
    const made = await run(scratch, ["gate", scenario, ...TINY, "--baseline", baseline, "--update-baseline", "--out", join(scratch, "gate-made")]);
    expect(made.code, made.stderr).toBe(0);
    const out = join(scratch, "gate-compared");
    const result = await run(scratch, ["gate", scenario, ...TINY, "--baseline", baseline, "--out", out], { fileSizeLimitKiB: 1 });
    expect(result.code, result.stderr).toBe(1);
    // gate.md fits in 1 KiB here, gate.json does not: the pair is one output set, so neither is left.
    expect(result.stderr).toContain(`cofwsim: cannot write ${join(out, "gate.json")}: file too large (EFBIG)`);
    expect(existsSync(join(out, "gate.md"))).toBe(false);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("signals", () => {
  it("SIGTERM while the outputs are written, sent to the command as kill(1) would: it dies of SIGTERM, the earlier set untouched, no temporary file", async () => {
    const out = copyOfEarlierSet("signalled-while-writing");
    const before = snapshot(out);
    const command = start(scratch, ["run", "--set", "stop.hostIos=3000", "--out", out], { nodeFlags: [] });
    // The simulation writes nothing: the first new name in the directory, but for the check that --out can hold new
    // files (made and removed before the run), is the writing's start.
    const watcher = watch(out, (_event, name) => {
      if (name === null || name.startsWith(".cofwsim-probe-")) return;
      watcher.close();
      command.child.kill("SIGTERM");
    });
    const result = await command.finished;
    watcher.close();
    expect(result.signal, result.stderr).toBe("SIGTERM");
    expect(temporaries(out)).toEqual([]);
    expect(snapshot(out)).toEqual(before);
  });

  it("SIGINT during the simulation ends the command at once with SIGINT's status, writing nothing", async () => {
    const out = join(scratch, "signalled-while-simulating");
    const command = start(scratch, ["run", "--set", "stop.hostIos=3000000", "--out", out], { nodeFlags: [] });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (!command.stdout().includes("seed")) return;
        clearInterval(poll);
        resolve();
      }, 20);
    });
    const sentMs = performance.now();
    command.child.kill("SIGINT");
    const result = await command.finished;
    expect(result.signal, result.stderr).toBe("SIGINT");
    expect(performance.now() - sentMs).toBeLessThan(5_000);
    expect(existsSync(out)).toBe(false);
  });
});

describe.runIf(existsSync("/dev/full"))("standard output on a full disk", () => {
  it("list, import and run say they cannot write to standard output and why (exit 1), without a stack trace; run leaves no --out behind", async () => {
    writeFileSync(join(scratch, "job.fio"), "[job]\nrw=randwrite\nbs=4k\nsize=1g\n");
    const made = join(scratch, "stdout-full");
    const out = join(made, "run");
    const full = openSync("/dev/full", "w");
    let results: Finished[];
    // Four runs: a report writer's asynchronous mkdir, still in flight at the exit, once recreated the removed staging
    // directory in about one run in five.
    // Each in a new directory of its own: commands that make the same new directory each leave it to the other.
    const extraMade = [1, 2, 3].map((i) => `${made}-${i}`);
    const runs = [out, ...extraMade.map((dir) => join(dir, "run"))].map((runOut) => ["run", ...TINY, "--set", "seed=2", "--out", runOut]);
    try {
      results = await Promise.all([["list"], ["import", "job.fio"], ...runs].map((args) => run(scratch, args, { stdoutFd: full })));
    } finally {
      closeSync(full);
    }
    for (const result of results) {
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toBe("cofwsim: cannot write to standard output: no space left on device (ENOSPC)\n");
    }
    // The run's announcement failed: a run whose summary cannot be told writes nothing rather than half its outputs,
    // and removes the directories it made for them.
    expect(existsSync(made)).toBe(false);
    for (const dir of extraMade) expect(existsSync(dir), dir).toBe(false);
  });
});
