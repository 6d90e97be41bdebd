import { mkdtempSync, rmdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The directory checkOutputDirectory makes and removes at once, named with the process id (see bin/output-set.ts). */
export const PROBE_PREFIX = ".cofwsim-probe-";

/** An output directory that cannot be made or written: bad input (exit 2), told before any work is done. */
export class OutputDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputDirectoryError";
  }
}

/**
 * Checks that `dir` is a writable directory, or could be made as one (its
 * nearest existing ancestor is a writable directory), without making it: a
 * command refuses a bad --out before it runs, not after an hour of simulation
 * whose results it then could not keep, and a command refused for another
 * reason leaves nothing behind. Returns the absolute path; the writer makes it.
 */
export function checkOutputDirectory(dir: string): string {
  // resolve("") is the working directory: an empty --out would scatter the outputs there.
  if (dir.trim() === "") throw new OutputDirectoryError("cannot write the outputs to an empty path; expected a directory that exists or can be made, and can be written");
  const path = resolve(dir);
  const refuse = (reason: string): never => {
    throw new OutputDirectoryError(`cannot write the outputs to ${path}: ${reason}; expected a directory that exists or can be made, and can be written`);
  };
  let existing = path;
  for (;;) {
    let kind;
    try {
      kind = statSync(existing, { throwIfNoEntry: false });
    } catch (error) {
      // ENOTDIR: a file stands where a directory of the path should; the walk up finds it and says so.
      if ((error as NodeJS.ErrnoException).code !== "ENOTDIR") refuse(error instanceof Error ? error.message : String(error));
    }
    if (kind !== undefined) {
      if (!kind.isDirectory()) refuse(existing === path ? "it is not a directory" : `${existing} is not a directory`);
      break;
    }
    const parent = dirname(existing);
    if (parent === existing) refuse("no part of the path exists");
    existing = parent;
  }
  // Tried rather than asked (access(2)): root is allowed to write anywhere, /proc and /sys included, where nothing can
  // be made, and Node 20's recursive mkdirSync, which the writers use, loops forever on such a path. A directory
  // made and removed at once says that the writers' files and directories can be made there.
  let probe: string | undefined;
  try {
    // With the process's id, as the output sets' temporary names: a killed command's probe is removed by the next.
    probe = mkdtempSync(join(existing, `${PROBE_PREFIX}${process.pid}-`));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    refuse(`${existing === path ? "it" : existing} cannot hold new files (${code})`);
  }
  if (probe !== undefined) rmdirSync(probe);
  return path;
}
