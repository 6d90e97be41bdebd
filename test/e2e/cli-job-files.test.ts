import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEMI_SPACE_FLAG, SEMI_SPACE_MIB } from "../../bin/heap-flags.js";
import { cli } from "./cli-rig.js";

/** fio job files as a user hands them over: on standard input (`import -`), or where a scenario is expected. */

/** Given at once, the command runs in one Node process rather than relaunching itself: half the cost of a spawn. */
const NODE_FLAGS = [`${SEMI_SPACE_FLAG}=${SEMI_SPACE_MIB}`];
const STACK_FRAME = /\n\s+at .+:\d+:\d+/;

function cofwsimWithInput(cwd: string, stdin: string | undefined, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, cli, ...args], { cwd, timeout: 60_000, killSignal: "SIGKILL", stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    if (stdin !== undefined) child.stdin!.end(stdin);
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const JOB = "[oltp]\nrw=randwrite\nbs=4k\nsize=1g\nioengine=libaio\n";
const BROKEN_JOB = "[oltp]\nrw=randwrite\nbsx=4k\n";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cofwsim-job-files-"));
  writeFileSync(join(dir, "oltp.fio"), JOB);
  // A job file by another name: known by what it holds.
  writeFileSync(join(dir, "oltp.ini"), JOB);
  // A job file that fio would read with the environment's $SIZE, which the importer refuses: known by its name alone.
  writeFileSync(join(dir, "sized.fio"), "[sized]\nrw=randwrite\nsize=${SIZE}\n");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("cofwsim import -", () => {
  it("reads the job file from standard input; its problems and ignored options are at <stdin>:line[:column]", async () => {
    const [good, broken] = await Promise.all([cofwsimWithInput(dir, JOB, "import", "-"), cofwsimWithInput(dir, BROKEN_JOB, "import", "-")]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain("# cofwsim scenario imported from a fio job file read from standard input");
    expect(good.stdout).toContain("rw: randwrite");
    // No name of its own: the scenario takes the name of the file it is saved to.
    expect(good.stdout).not.toMatch(/^name:/m);
    expect(good.stderr).toMatch(/^<stdin>:5: ignored ioengine \(job oltp\)/);
    expect(broken.code, broken.stderr).toBe(2);
    expect(broken.stderr).toContain('<stdin>:3:1: unknown fio option "bsx"; did you mean bs?');
    expect(broken.stderr).not.toMatch(STACK_FRAME);
    expect(broken.stdout).toBe("");
  });
});

describe("a fio job file given as a scenario", () => {
  it("is refused (exit 2) with the way to run it: cofwsim import, or a scenario that names it; known by what it holds, or by its .fio name", async () => {
    const results = await Promise.all([cofwsimWithInput(dir, undefined, "validate", "oltp.fio"), cofwsimWithInput(dir, undefined, "run", "oltp.ini"), cofwsimWithInput(dir, undefined, "validate", "sized.fio")]);
    for (const [result, file, found] of [
      [results[0]!, "oltp.fio", "the fio job section [oltp]"],
      [results[1]!, "oltp.ini", "the fio job section [oltp]"],
      [results[2]!, "sized.fio", "a file named .fio"],
    ] as const) {
      expect(result.code, result.stderr).toBe(2);
      const path = join(dir, file);
      expect(result.stderr).toContain(`${path}:1:1: a fio job file, not a scenario; expected a scenario (YAML or JSON): \`cofwsim import ${path}\` prints one that runs its jobs, or a scenario's workloads can name the job file as { kind: fio, path: ${file} }`);
      expect(result.stderr).toContain(`, found ${found}\n`);
      // The YAML problem is still told where it is.
      expect(result.stderr).toContain(`${path}:2:1: YAML syntax error`);
      expect(result.stdout).toBe("");
    }
  });
});
