import { spawn } from "node:child_process";
import { Worker } from "node:worker_threads";

/**
 * The V8 heap flags a simulation runs best with. A run allocates a few small
 * objects per simulated I/O that die young (steps, payloads, generators) and
 * keeps large typed arrays; a young generation larger than V8's default
 * (16 MiB semi-spaces on 64-bit) makes scavenges rarer and most of those
 * objects die before one: on bench/whole-run.yaml, scavenges fell from 141
 * to 57 per 300,000 host I/Os with 64 MiB. The minimum is set too: V8
 * grows the young generation only when many objects survive, and a run
 * whose objects die young (covered rewrites: 1.6M in the engine bench)
 * stayed at 16 MiB and scavenged 178 times instead of 27 (at 64 MiB).
 * 32 MiB rather than 64: each page of the young generation is a page
 * fault on first touch, dear on a virtual machine. On bench/whole-run.yaml
 * 32 MiB ran faster in 9 pairs out of 10 (median 5.91 s against 6.20 s,
 * ~43 MB less peak RSS); the engine bench's group-commit covered rewrites
 * ran ~10% slower, still above their target (docs/performance-log.md,
 * 2026-12-04 12:10). The flags only take effect when Node starts, so the
 * command line starts itself again with them (see relaunchWithHeapFlags).
 */
export const SEMI_SPACE_FLAG = "--max-semi-space-size";
export const SEMI_SPACE_MIB = 32;
export const HEAP_FLAGS: readonly string[] = [`${SEMI_SPACE_FLAG}=${SEMI_SPACE_MIB}`, `--min-semi-space-size=${SEMI_SPACE_MIB}`];

/**
 * glibc malloc tunables a relaunch sets (each unless the user set it):
 *
 * - `hugetlb=1` asks for transparent huge pages on the blocks malloc maps
 *   (madvise), which is where Node puts large ArrayBuffers. A run keeps a
 *   few hundred MiB of typed arrays (chunk map, chunk table, content stores)
 *   and touches them at random, and the first touch of each 4 KiB page is a
 *   fault, dear on a virtual machine. On bench/whole-run.yaml: 136k page
 *   faults -> 72k, whole run 6.2-6.4 s -> 5.8-6.0 s (six pairs side by
 *   side, both launch orders; see docs/performance-log.md).
 * - `trim_threshold`, `top_pad` and `mmap_threshold` keep memory malloc got
 *   from the system for the next allocation instead of handing it back. A
 *   run allocates and frees ArrayBuffers all along (each freed at a garbage
 *   collection), and with huge pages each 2 MiB handed back and taken again
 *   is zeroed again: ~0.3 s of the whole run was the kernel clearing pages
 *   for malloc (perf). With them: page faults 53-62k -> 30-31k, system time
 *   0.87 -> 0.74 s (means of seven pairs), peak RSS +30 MiB
 *   (docs/performance-log.md, 2026-12-05 21:40).
 *
 * Only under glibc (elsewhere the variable is ignored); huge pages only
 * where the system's THP setting is `madvise` or `always`. Like the heap
 * flags, they must be set before the process starts.
 */
export const MALLOC_TUNABLES: readonly (readonly [name: string, value: string])[] = [
  ["glibc.malloc.hugetlb", "1"],
  ["glibc.malloc.trim_threshold", String(1024 * 1024 * 1024)],
  ["glibc.malloc.top_pad", String(64 * 1024 * 1024)],
  ["glibc.malloc.mmap_threshold", String(32 * 1024 * 1024)],
];

/** GLIBC_TUNABLES for a relaunch: the user's, with each of MALLOC_TUNABLES added unless they set it themselves. */
export function withMallocTunables(tunables: string | undefined): string {
  const users = tunables === undefined || tunables === "" ? [] : tunables.split(":");
  const added = MALLOC_TUNABLES.filter(([name]) => !users.some((tunable) => tunable.startsWith(`${name}=`))).map(([name, value]) => `${name}=${value}`);
  return [...users, ...added].join(":");
}

/** True when this process already runs with a semi-space size of its own (ours, or one the user chose). */
export function hasHeapFlags(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.some((arg) => arg.startsWith(SEMI_SPACE_FLAG)) || (nodeOptions ?? "").split(/\s+/).some((arg) => arg.startsWith(SEMI_SPACE_FLAG));
}

/** The commands that simulate, and so are worth a second Node process with the heap flags. */
const SIMULATING_COMMANDS: ReadonlySet<string> = new Set(["run", "sweep", "gate", "crash"]);

/**
 * Whether the command line `args` (without node and the script) names a
 * command that simulates. The others (validate, import, list, merge, help,
 * --version) take well under a second, which a relaunch, a second Node
 * starting, would lengthen by a fifth of a second. The command is the first
 * argument that is not an option: the program's own options (--help,
 * --version) take no value.
 */
export function simulates(args: readonly string[]): boolean {
  const command = args.find((arg) => !arg.startsWith("-"));
  return command !== undefined && SIMULATING_COMMANDS.has(command);
}

/** Tells a relaunched process its launcher's pid, so that it can end when the launcher is gone (see watchLauncher). */
const LAUNCHER_PID_VARIABLE = "COFWSIM_LAUNCHER_PID";

/** How often the relaunched process looks for its launcher, in milliseconds. */
const LAUNCHER_CHECK_MS = 250;

/**
 * In a relaunched process: ends it once its launcher is gone. A SIGKILL
 * cannot be passed on (spawnSync's timeout with killSignal SIGKILL, an OOM
 * killer, `kill -9`), and the run went on orphaned. The process learns of
 * it from its parent pid, which changes when the parent dies; it is looked
 * at from a worker thread, because the simulation keeps the main thread busy
 * for minutes without turning the event loop. The worker does not keep the
 * process alive.
 */
function watchLauncher(): void {
  const launcherPid = Number(process.env[LAUNCHER_PID_VARIABLE]);
  if (!Number.isSafeInteger(launcherPid) || launcherPid <= 0) return;
  // Not handed down to processes this one starts: their parent is this one.
  delete process.env[LAUNCHER_PID_VARIABLE];
  const watchdog = new Worker(
    `const { workerData } = require("node:worker_threads");
     setInterval(() => { if (process.ppid !== workerData.launcherPid) process.kill(process.pid, "SIGKILL"); }, workerData.checkMs);`,
    { eval: true, workerData: { launcherPid, checkMs: LAUNCHER_CHECK_MS } },
  );
  watchdog.unref();
}

/** Signals that end a command when sent to it alone: by kill(1), timeout(1), a CI runner cancelling a job. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Runs this same command in a new Node process with HEAP_FLAGS (and
 * MALLOC_TUNABLES in its environment), inheriting
 * stdin, stdout and stderr (so a progress bar still sees a terminal), and
 * resolves to its exit code; to undefined when this process has the flags
 * already and should run the command itself. A child killed by a signal
 * kills this process with the same signal.
 *
 * Signals sent to this process are passed on to the child. A terminal's
 * Ctrl-C reaches both (it signals the whole process group), but a signal
 * sent to this process alone did not: with the launcher blocked in
 * spawnSync, `timeout 90 cofwsim run ...` killed the launcher and left the
 * run going, orphaned, for as long as it took (found when a fuzzer's
 * timed-out run kept a core busy for 40 minutes).
 */
export function relaunchWithHeapFlags(): Promise<number | undefined> {
  if (hasHeapFlags(process.execArgv, process.env.NODE_OPTIONS)) {
    watchLauncher();
    return Promise.resolve(undefined);
  }
  const child = spawn(process.execPath, [...process.execArgv, ...HEAP_FLAGS, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, GLIBC_TUNABLES: withMallocTunables(process.env.GLIBC_TUNABLES), [LAUNCHER_PID_VARIABLE]: String(process.pid) },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      if (signal !== null) process.kill(process.pid, signal);
      else resolve(code ?? 1);
    });
  });
}
