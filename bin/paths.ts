import { existsSync, readdirSync } from "node:fs";
import { ScenarioError, suggestKey } from "../scenarios/schema/problems.js";
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

/** The shipped scenarios' names (their files' names without .yaml), sorted. */
export function shippedScenarioNames(): string[] {
  return readdirSync(SHIPPED_SCENARIOS_DIR)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => name.slice(0, -".yaml".length))
    .sort();
}

/**
 * The file a scenario argument names: the path itself when something is
 * there, else the shipped scenario of that name (`cofwsim run tpcc-replay`,
 * as `cofwsim list` prints them), else the path, which the loader then
 * reports missing. A file in the working directory wins over a shipped name.
 * A name a typo away from a shipped one is refused with the one it resembles.
 */
export function scenarioPathFor(argument: string): string {
  // resolve("") is the working directory, which the loader would then say it cannot read as a file.
  if (argument.trim() === "") {
    throw new ScenarioError([{ file: "<scenario>", line: 1, column: 1, path: "", message: "an empty path", expected: "a scenario file or a shipped scenario's name (cofwsim list)", found: JSON.stringify(argument) }]);
  }
  const path = resolve(argument);
  if (existsSync(path) || !SHIPPED_NAME.test(argument)) return path;
  const name = argument.endsWith(".yaml") ? argument.slice(0, -".yaml".length) : argument;
  const shipped = join(SHIPPED_SCENARIOS_DIR, `${name}.yaml`);
  if (existsSync(shipped)) return shipped;
  const suggestion = suggestKey(name, shippedScenarioNames());
  if (suggestion === undefined) return path;
  throw new ScenarioError([
    { file: path, line: 1, column: 1, path: "", message: `no such file, and no shipped scenario is named "${name}"`, expected: "a scenario file or a shipped scenario's name (cofwsim list)", found: JSON.stringify(argument), suggestion },
  ]);
}
