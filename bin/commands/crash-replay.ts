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

export function replayCommands(scenarioArg: string | undefined, seed: string, overrides: readonly string[]): ReplayCommands {
  // The seed is given on its own; a --set seed=... would repeat it.
  const sets = overrides.filter((o) => !o.startsWith("seed=")).flatMap((o) => ["--set", o]);
  const line = (scenario: string | undefined, setArgs: readonly string[], stateId: string): string =>
    ["cofwsim", "crash", ...(scenario === undefined ? [] : [scenario]), "--seed", seed, ...setArgs, "--replay", stateId].join(" ");
  const scenario = scenarioArg === undefined ? undefined : normalize(scenarioArg);
  return {
    state: (stateId) => line(scenario, sets, stateId),
    // A shrunk file has the overrides applied already.
    shrunk: (fileName, stateId) => line(fileName, [], stateId),
  };
}
