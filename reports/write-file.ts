import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { writeFile } from "node:fs/promises";

/**
 * A file that could not be written, named by its path: Node's own error for a
 * full disk ("ENOSPC: no space left on device, write") does not say which
 * file it was writing.
 */
export class FileWriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
    this.name = "FileWriteError";
  }
}

/** The operating system's reason in an error from node:fs, as "no space left on device (ENOSPC)"; else the message. */
export function osReason(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === "string" ? message : String(error);
  if (typeof code !== "string") return text;
  // Node's messages read "ENOSPC: no space left on device, write" or "EACCES: permission denied, open '/x'".
  const said = new RegExp(`^${code}: ([^,]+)`).exec(text)?.[1];
  return said === undefined ? `${text} (${code})` : `${said} (${code})`;
}

export async function writeTextFile(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new FileWriteError(path, osReason(error));
  }
}

export function writeTextFileSync(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new FileWriteError(path, osReason(error));
  }
}

/**
 * Replaces the file at `path` with `text` whole or not at all: written to a
 * temporary file beside it, then renamed over it, so that a full disk or a
 * crash midway leaves the earlier file as it was rather than cut short (a
 * committed file such as the gate's baseline must never be half written).
 */
export function replaceTextFileSync(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.cofwsim-${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new FileWriteError(path, osReason(error));
  }
}
