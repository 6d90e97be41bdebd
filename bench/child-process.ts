import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Benchmarks that must not share a process with the others (so that their
 * garbage, heap and JIT feedback start clean) run in a child: a compiled
 * entry next to this file, talking over IPC.
 */
export interface ChildRun {
  /** From fork to exit, including Node's start-up. */
  readonly wallMs: number;
}

/** Forks `dist/bench/<entry>.js` with `args`, hands every message it sends to `onMessage`, and resolves when it exits cleanly. */
export function runChild(entry: string, args: readonly string[], onMessage: (message: unknown) => void, timeoutMs: number): Promise<ChildRun> {
  const path = fileURLToPath(new URL(`./${entry}.js`, import.meta.url));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // Node's flags of this process, which runs with the command line's heap flags (bench/run.ts), so a child measures what a user's run gets.
    const child = fork(path, [...args], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let failure: unknown;
    const timer = setTimeout(() => {
      failure = new Error(`bench child ${entry} ${args.join(" ")} (pid ${child.pid}) took longer than ${timeoutMs / 1000} s`);
      child.kill();
    }, timeoutMs);
    child.on("message", (message) => {
      try {
        onMessage(message);
      } catch (error) {
        failure ??= error;
      }
    });
    child.on("error", (error) => (failure ??= error));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (failure !== undefined) reject(failure instanceof Error ? failure : new Error(String(failure)));
      else if (code !== 0) reject(new Error(`bench child ${entry} ${args.join(" ")} exited with ${signal ?? `code ${code}`}`));
      else resolve({ wallMs: performance.now() - started });
    });
  });
}

/** runChild for a child that sends one result: its last message, or an error naming the child (`what`) if it sent none. */
export async function runChildForResult<T>(entry: string, args: readonly string[], timeoutMs: number, what: string): Promise<{ result: T; wallMs: number }> {
  let result: T | undefined;
  const run = await runChild(entry, args, (message) => (result = message as T), timeoutMs);
  if (result === undefined) throw new Error(`${what} exited without a result`);
  return { result, wallMs: run.wallMs };
}

/** In a child: sends one message and waits until it is on its way (so a parent sees progress as it happens). */
export function sendToParent(message: unknown): Promise<void> {
  if (process.send === undefined) {
    console.log(JSON.stringify(message, null, 2));
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    process.send?.(message, undefined, undefined, (error: Error | null) => (error === null ? resolve() : reject(error)));
  });
}

/** In a child: closes the IPC channel so the process can exit. */
export function doneWithParent(): void {
  if (process.connected) process.disconnect();
}

/**
 * This process's peak resident memory so far: the kernel's high-water mark
 * (getrusage), or the current RSS where that reads lower (it counts in
 * KiB, and some systems report 0).
 */
export function peakRssSoFarBytes(): number {
  return Math.max(process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
}
