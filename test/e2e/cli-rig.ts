import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Runs the built CLI as a user would (npm test builds dist/ first). */
export const root = fileURLToPath(new URL("../..", import.meta.url));
export const cli = join(root, "dist/bin/cofwsim.js");
export const fixtures = join(root, "../shared/fixtures");

export function cofwsim(...args: string[]) {
  return cofwsimIn(root, ...args);
}

/** As cofwsim, run in the working directory `cwd`. */
export function cofwsimIn(cwd: string, ...args: string[]) {
  return cofwsimWithNodeFlags([], cwd, ...args);
}

/** As cofwsimIn, with flags for node itself (`--max-old-space-size=300`), which the command's relaunch keeps. */
export function cofwsimWithNodeFlags(nodeFlags: readonly string[], cwd: string, ...args: string[]) {
  // A hung command fails its test (status null) rather than hanging the suite: spawnSync blocks vitest's own timeout.
  const result = spawnSync(process.execPath, [...nodeFlags, cli, ...args], { encoding: "utf8", cwd, timeout: 300_000, killSignal: "SIGKILL" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `body` in a new temporary directory, removed when the body is done: when it returns, or when the promise it returns settles. */
export function withTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "cofwsim-cli-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  let result: T;
  try {
    result = body(dir);
  } catch (error) {
    remove();
    throw error;
  }
  // An async body is still running here: removing the directory now would pull it from under its later steps.
  if (result instanceof Promise) return result.finally(remove) as T;
  remove();
  return result;
}


/**
 * As cofwsimWithNodeFlags, without blocking: many short commands (bad usage refused in a moment) then share the
 * machine's cores. The same 300 s limit applies.
 */
export function cofwsimAsync(nodeFlags: readonly string[], cwd: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, cli, ...args], { cwd, timeout: 300_000, killSignal: "SIGKILL" });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
