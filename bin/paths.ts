import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: two levels above bin/ in the sources and above dist/bin/ when built. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "scenarios"))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the cofwsim package root above ${fileURLToPath(import.meta.url)}`);
}

export const PACKAGE_ROOT = packageRoot();
/** Where the shipped scenarios live. */
export const SHIPPED_SCENARIOS_DIR = join(PACKAGE_ROOT, "scenarios");
export const DEFAULT_SCENARIO = join(SHIPPED_SCENARIOS_DIR, "quickstart.yaml");
