import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import type { OutputFamily } from "../reports/output-families.js";
import { FileWriteError, osReason } from "../reports/write-file.js";
import { OutputDirectoryError, PROBE_PREFIX } from "./output-dir.js";

/**
 * The outputs could not be written or put in place (a full disk, an I/O
 * error, a directory taken away during the run): exit 1, with the file and
 * the operating system's reason; the output directory is left as it was.
 */
export class OutputWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputWriteError";
  }
}

/**
 * Where a set is written before it is put in place, and where the set it
 * replaces waits until then. Each name carries the writing process's id (see
 * clearAbandoned).
 */
const STAGING_PREFIX = ".cofwsim-writing-";
const PREVIOUS_PREFIX = ".cofwsim-previous-";
/** The temporary names of this module and of checkOutputDirectory: each of these, then the id of the process that made it. */
const TEMPORARY_PREFIXES = [STAGING_PREFIX, PREVIOUS_PREFIX, PROBE_PREFIX];

/** Signals that end a command (see bin/heap-flags.ts, which passes them on to this process). */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Refuses, before any work, an output directory where an earlier set's file
 * name is taken by something that is not a file (results.json as a
 * directory): the new file could not be put there, and the hour of
 * simulation before it would be lost.
 */
export function checkReplaceable(outDir: string, family: OutputFamily): void {
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    // Not made yet (checkOutputDirectory has checked it can be).
    return;
  }
  for (const name of names.filter(family.owns)) {
    const kind = lstatSync(join(outDir, name), { throwIfNoEntry: false });
    if (kind !== undefined && !kind.isFile() && !kind.isSymbolicLink()) {
      throw new OutputDirectoryError(`cannot write the outputs to ${outDir}: ${join(outDir, name)} is ${kind.isDirectory() ? "a directory" : "not a regular file"}, where ${family.description} has its ${name}; expected a file cofwsim may replace, or nothing of that name`);
    }
  }
}

/**
 * Writes a set of outputs all or nothing: `write` puts the files in a
 * directory of its own inside `outDir` (same file system, so they move in by
 * rename), and only once every file is complete does the set replace the
 * directory's earlier set of the same family, every file of which is moved
 * aside first and removed last. A failure on the way, or SIGINT, SIGTERM or
 * SIGHUP while files are written, leaves `outDir` as it was, temporary files
 * removed; a signal then ends the process with its own status. `write` must
 * not keep the process busy for long without turning the event loop: a
 * signal's handler runs only when it turns.
 */
export async function writeOutputSet<T>(outDir: string, family: OutputFamily, write: (dir: string) => T | Promise<T>): Promise<T> {
  let staging: string | undefined;
  // The first directory of --out's path that this command made, if any: a set that is not written leaves none behind.
  let made: string | undefined;
  let replaced = false;
  // Undoes what the writing did so far: the staging directory, and the directories made for --out once nothing goes there.
  const abandon = () => {
    if (staging !== undefined) removeStaging(staging);
    if (!replaced && made !== undefined) removeEmptyDirectories(outDir, made);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    abandon();
    stopListening();
    process.kill(process.pid, signal);
  };
  const stopListening = () => {
    process.off("exit", abandon);
    for (const signal of ENDING_SIGNALS) process.off(signal, onSignal);
  };
  // Before the staging directory is made: a signal that came between the two would end the process and leave it.
  for (const signal of ENDING_SIGNALS) process.on(signal, onSignal);
  // process.exit (a failed write to stdout, an error reported by the command line) runs no finally block.
  process.on("exit", abandon);
  try {
    try {
      made = mkdirSync(outDir, { recursive: true });
      clearAbandoned(outDir);
      staging = mkdtempSync(join(outDir, `${STAGING_PREFIX}${process.pid}-`));
    } catch (error) {
      throw new OutputWriteError(`cannot write the outputs to ${outDir}: ${osReason(error)}`);
    }
    let result: T;
    try {
      result = await write(staging);
    } catch (error) {
      if (error instanceof FileWriteError) throw new OutputWriteError(`cannot write ${join(outDir, relative(staging, error.path))}: ${error.reason}; ${outDir} is left as it was`);
      throw error;
    }
    replaceSet(outDir, staging, family);
    replaced = true;
    return result;
  } finally {
    abandon();
    stopListening();
  }
}

/**
 * Removes what a killed command (SIGKILL, a power cut) left in `outDir`:
 * a set it was writing, and the empty directory of its check that the
 * directory can hold new files. A set it had moved aside while putting a new
 * one in place holds the earlier set's files, some of which may not be back:
 * it is kept, and named on stderr. Only names whose process is gone are
 * touched; another command writing to the same directory keeps its own.
 */
function clearAbandoned(outDir: string): void {
  for (const name of readdirSync(outDir)) {
    const prefix = TEMPORARY_PREFIXES.find((temporary) => name.startsWith(temporary));
    const pid = prefix === undefined ? undefined : /^(\d+)-/.exec(name.slice(prefix.length))?.[1];
    if (pid === undefined || !processGone(Number(pid))) continue;
    const path = join(outDir, name);
    if (prefix === PREVIOUS_PREFIX) {
      process.stderr.write(`cofwsim: ${path} holds files of an earlier set of outputs, left by a command (process ${pid}) that was killed while it put a new set in place; it is left for you to look at\n`);
    } else {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/** Whether no process has the id `pid` (one that exists but is another user's counts as there). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes a staging directory. At an exit or a signal mid-set, a write still
 * in Node's thread pool can add a file after rmSync has listed the directory,
 * which then fails ENOTEMPTY (rmSync's own retries list it only once). The
 * writers have one write in flight at a time, so the next attempt finds the
 * file and removes it.
 */
function removeStaging(staging: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(staging, { recursive: true, force: true });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOTEMPTY" || attempt === 3) throw error;
    }
  }
}

/** Removes `dir` and the directories above it up to `top`, each only while it is empty. */
function removeEmptyDirectories(dir: string, top: string): void {
  for (let current = dir; ; current = dirname(current)) {
    try {
      rmdirSync(current);
    } catch {
      return;
    }
    if (current === top || dirname(current) === current) return;
  }
}

/** Moves the files of `staging` into `outDir` in place of the family's files there; undoes every move if one fails. */
function replaceSet(outDir: string, staging: string, family: OutputFamily): void {
  const moved: Array<readonly [from: string, to: string]> = [];
  const move = (from: string, to: string) => {
    renameSync(from, to);
    moved.push([from, to]);
  };
  let aside: string | undefined;
  try {
    // Checked again: the directory may have changed during the run, and a directory moved aside would be removed below.
    checkReplaceable(outDir, family);
    const fresh = readdirSync(staging);
    const previous = readdirSync(outDir).filter(family.owns);
    aside = mkdtempSync(join(outDir, `${PREVIOUS_PREFIX}${process.pid}-`));
    for (const name of previous) move(join(outDir, name), join(aside, name));
    for (const name of fresh) move(join(staging, name), join(outDir, name));
  } catch (error) {
    for (const [from, to] of moved.reverse()) {
      try {
        renameSync(to, from);
      } catch {
        // Left where it is, with the directory it is in: nothing is removed that was not put back.
      }
    }
    if (aside !== undefined) {
      try {
        rmdirSync(aside);
      } catch {
        // Not empty: a file of the earlier set could not be put back, and stays there.
      }
    }
    if (error instanceof OutputDirectoryError) throw error;
    const culprit = (error as { path?: unknown }).path;
    const where = typeof culprit === "string" ? ` (${basename(culprit)})` : "";
    throw new OutputWriteError(`cannot put the new outputs in place in ${outDir}${where}: ${osReason(error)}; ${outDir} is left as it was`);
  }
  rmSync(aside, { recursive: true, force: true });
}
