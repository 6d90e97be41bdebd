import { writeFileSync } from "node:fs";
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
