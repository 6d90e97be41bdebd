import { readFileSync } from "node:fs";

/** The package version, read once from package.json (two levels up from both bin/ and dist/bin/). */
function readVersion(): string {
  for (const relative of ["../package.json", "../../package.json"]) {
    try {
      const parsed = JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (parsed.name === "cofwsim" && typeof parsed.version === "string") return parsed.version;
    } catch {
      // Not at this depth; try the next.
    }
  }
  return "unknown";
}

export const VERSION = readVersion();
