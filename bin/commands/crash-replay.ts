import { normalize } from "node:path";

/**
 * The replay command lines written to crash.json, the report and the shrunk
 * scenario files. They depend on the command line alone, never on the
 * working directory or on where cofwsim is installed, so one command line
 * gives the same crash.json wherever it runs: the scenario is named as the
 * user typed it (normalised, so "./a.yaml" and "a.yaml" agree; left out for
 * the default scenario, which the command falls back to), and a shrunk
 * scenario by its file name, to be run in the output directory it was
 * written to.
 */
export interface ReplayCommands {
  /** Replays a state of the campaign's own scenario. */
  readonly state: (stateId: string) => string;
  /** Replays a state of a shrunk scenario, run in the output directory. */
  readonly shrunk: (fileName: string, stateId: string) => string;
}

/** Characters a POSIX shell reads as themselves anywhere in a word. */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One argument as a POSIX shell reads it back: as it is when every character
 * is safe, else in single quotes, each ' written as '\'' (a single-quoted
 * string cannot hold one). A path with a space, a seed with a space, a --set
 * value with a quote then paste as they were given.
 */
export function shellQuote(argument: string): string {
  return SHELL_SAFE.test(argument) ? argument : `'${argument.replaceAll("'", "'\\''")}'`;
}

export function replayCommands(scenarioArg: string | undefined, seed: string, overrides: readonly string[]): ReplayCommands {
  // The seed is given on its own; a --set seed=... would repeat it.
  const sets = overrides.filter((o) => !o.startsWith("seed=")).flatMap((o) => ["--set", o]);
  const line = (scenario: string | undefined, setArgs: readonly string[], stateId: string): string =>
    ["cofwsim", "crash", ...(scenario === undefined ? [] : [scenario]), "--seed", seed, ...setArgs, "--replay", stateId].map(shellQuote).join(" ");
  const scenario = scenarioArg === undefined ? undefined : normalize(scenarioArg);
  return {
    state: (stateId) => line(scenario, sets, stateId),
    // A shrunk file has the overrides applied already.
    shrunk: (fileName, stateId) => line(fileName, [], stateId),
  };
}
