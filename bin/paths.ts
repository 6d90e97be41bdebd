import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
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

/** What a shipped scenario's name looks like: a file name without a directory. */
const SHIPPED_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * The file a scenario argument names: the path itself when something is
 * there, else the shipped scenario of that name (`cofwsim run tpcc-replay`,
 * as `cofwsim list` prints them), else the path, which the loader then
 * reports missing. A file in the working directory wins over a shipped name.
 */
export function scenarioPathFor(argument: string): string {
  const path = resolve(argument);
  if (existsSync(path) || !SHIPPED_NAME.test(argument)) return path;
  const shipped = join(SHIPPED_SCENARIOS_DIR, argument.endsWith(".yaml") ? argument : `${argument}.yaml`);
  return existsSync(shipped) ? shipped : path;
}
