import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEAP_FLAGS, hasHeapFlags, simulates, withMallocTunables } from "../../bin/heap-flags.js";
import { cli, root } from "../e2e/cli-rig.js";

describe("the command line's launcher", () => {
  it("are recognised on the command line or in NODE_OPTIONS, ours or the user's", () => {
    expect(hasHeapFlags([], undefined)).toBe(false);
    expect(hasHeapFlags(["--enable-source-maps"], "--max-old-space-size=4096")).toBe(false);
    expect(hasHeapFlags([...HEAP_FLAGS], undefined)).toBe(true);
    expect(hasHeapFlags([], "--max-old-space-size=4096 --max-semi-space-size=8")).toBe(true);
  });

  it("relaunch only the commands that simulate", () => {
    for (const command of ["run", "sweep", "gate", "crash"]) {
      expect(simulates([command])).toBe(true);
      expect(simulates([command, "--help"])).toBe(true);
    }
    expect(simulates([])).toBe(false);
    for (const args of [["--version"], ["--help"], ["validate", "run"], ["import", "job.fio"], ["list"], ["merge", "a", "b"], ["help", "run"], ["runs"]]) expect(simulates(args)).toBe(false);
  });

  it("asks glibc for huge pages and to keep freed memory, keeping the user's other tunables and their own choice of ours", () => {
    const ours = "glibc.malloc.hugetlb=1:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=33554432";
    expect(withMallocTunables(undefined)).toBe(ours);
    expect(withMallocTunables("")).toBe(ours);
    expect(withMallocTunables("glibc.malloc.mmap_max=0")).toBe(`glibc.malloc.mmap_max=0:${ours}`);
    expect(withMallocTunables("glibc.malloc.hugetlb=0")).toBe("glibc.malloc.hugetlb=0:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=33554432");
    expect(withMallocTunables("glibc.malloc.trim_threshold=1024:glibc.malloc.hugetlb=2")).toBe("glibc.malloc.trim_threshold=1024:glibc.malloc.hugetlb=2:glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=33554432");
    // A tunable whose name begins with one of ours is not ours.
    expect(withMallocTunables("glibc.malloc.top_pad_x=1")).toBe(`glibc.malloc.top_pad_x=1:${ours}`);
  });

  it("are added by a relaunch that passes the arguments, the exit code and the output through", () => {
    const dir = mkdtempSync(join(tmpdir(), "cofwsim-heap-"));
    try {
      const script = join(dir, "probe.mjs");
      const module = JSON.stringify(join(root, "dist/bin/heap-flags.js"));
      writeFileSync(
        script,
        `import { relaunchWithHeapFlags } from ${module};\n` +
          "const status = await relaunchWithHeapFlags();\n" +
          "if (status !== undefined) process.exit(status);\n" +
          "console.log(JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2), tunables: process.env.GLIBC_TUNABLES }));\n" +
          "process.exit(3);\n",
      );
      const result = spawnSync(process.execPath, [script, "a", "b c"], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", GLIBC_TUNABLES: "glibc.malloc.trim_threshold=1024" } });
      expect(result.status).toBe(3);
      expect(JSON.parse(result.stdout)).toEqual({ execArgv: [...HEAP_FLAGS], args: ["a", "b c"], tunables: "glibc.malloc.trim_threshold=1024:glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=33554432" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["SIGTERM", "pass a signal sent to the launcher alone on to the relaunched run, and die of it too"],
    ["SIGKILL", "end the relaunched run when the launcher is killed by a signal it cannot pass on, even while the run keeps its main thread busy"],
  ] as const)("%s: %s", async (signal, _title) => {
    const dir = mkdtempSync(join(tmpdir(), "cofwsim-heap-"));
    /** Both processes, ended if a check fails: it must not leave the child running forever. (Not after a pass: both are gone then, and their pids may be another process's already.) */
    const started: number[] = [];
    let passed = false;
    try {
      const script = join(dir, "probe.mjs");
      const pidFile = join(dir, "child.pid");
      const module = JSON.stringify(join(root, "dist/bin/heap-flags.js"));
      // The relaunched child writes its pid and then runs until something kills it.
      writeFileSync(
        script,
        `import { writeFileSync } from "node:fs";\nimport { relaunchWithHeapFlags } from ${module};\n` +
          "const status = await relaunchWithHeapFlags();\n" +
          "if (status !== undefined) process.exit(status);\n" +
          `writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\n` +
          // Busy, as a simulation is: the event loop never turns.
          "for (;;) {}\n",
      );
      const launcher = spawn(process.execPath, [script], { stdio: "ignore", env: { ...process.env, NODE_OPTIONS: "" } });
      if (launcher.pid !== undefined) started.push(launcher.pid);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => launcher.once("exit", (_code, signal) => resolve(signal)));
      const waitUntil = async (condition: () => boolean, what: string) => {
        for (let tries = 0; !condition(); tries++) {
          if (tries > 200) throw new Error(`gave up waiting: ${what}`);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      };
      await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, "utf8") !== "", "the relaunched child to start");
      const childPid = Number(readFileSync(pidFile, "utf8"));
      started.push(childPid);
      expect(childPid).not.toBe(launcher.pid);
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      expect(alive(childPid)).toBe(true);
      // To the launcher only, as kill(1) or timeout(1) send it: not to its process group.
      launcher.kill(signal);
      expect(await exited).toBe(signal);
      await waitUntil(() => !alive(childPid), "the relaunched child to end");
      passed = true;
    } finally {
      for (const pid of passed ? [] : started) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone, as it should be.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leave a reader that stops early with a quiet exit 0 (no EPIPE trace)", () => {
    // `true` exits without reading, so the list is written into a closed pipe; pipefail reports cofwsim's own status.
    const result = spawnSync(`set -o pipefail; ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} list | true`, { shell: "/bin/bash", encoding: "utf8", cwd: root });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
