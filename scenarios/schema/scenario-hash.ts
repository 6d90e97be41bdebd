import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { Scenario } from "../model.js";
import { SCENARIO_DEFAULTS } from "./defaults.js";
import { loadScenarioFile, loadScenarioText, parseScenarioYaml, scenarioValue } from "./load.js";
import { applyOverrides, seedOf } from "./overrides.js";
import { scenarioFileSchema } from "./scenario-schema.js";

/**
 * The identity of a scenario as results manifests record it: sha256 of the
 * file's bytes, then the JSON of the `--set` overrides (in order, the seed
 * override included), then the bytes of each trace and fio job file its
 * workloads read, in workload order (a changed trace is another workload,
 * which the gate must refuse to compare, not judge). A scenario that reads
 * no file hashes as it did before files were included. Exactly as `cofwsim
 * run`, `sweep`, `gate` and `crash` hash it: one definition, so a gate
 * baseline matches results.json of the same run.
 */
export function scenarioContentHash(fileBytes: Uint8Array, overrides: readonly string[], scenario: Scenario): string {
  const hash = createHash("sha256").update(fileBytes).update(JSON.stringify(hashedOverrides(fileBytes, overrides)));
  for (const path of referencedFiles(scenario)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      // Unreadable now: the run that reads it reports why; the hash is of what could be read.
      continue;
    }
    // Each file's length first, so that where one file ends and the next begins is part of the hash.
    hash.update(`\n${bytes.length}\n`).update(bytes);
  }
  return hash.digest("hex");
}

/**
 * The overrides as the hash covers them. `--seed 1` on a file that says
 * `seed: 1` (or says none: the default is 1) runs exactly what no --seed
 * runs, so it must hash the same, or the gate refuses the run as another
 * scenario; --seed's entry is left out then. A seed that changes the run
 * stays in, so such runs hash as they always did.
 */
function hashedOverrides(fileBytes: Uint8Array, overrides: readonly string[]): readonly string[] {
  const seed = seedOf(overrides);
  if (seed === undefined) return overrides;
  const others = overrides.slice(0, -1);
  return seedWithout(fileBytes, others) === seed ? others : overrides;
}

/** The seed the file and the other overrides give, as the loader reads it; undefined when they give no valid one. */
function seedWithout(fileBytes: Uint8Array, overrides: readonly string[]): string | undefined {
  const document = parseScenarioYaml(new TextDecoder().decode(fileBytes));
  if (document.errors.length > 0 || applyOverrides(document, overrides, new WeakMap()).length > 0) return undefined;
  let value: unknown;
  try {
    value = scenarioValue(document);
  } catch {
    return undefined;
  }
  const written = typeof value === "object" && value !== null ? (value as { seed?: unknown }).seed : undefined;
  const parsed = scenarioFileSchema.shape.seed.safeParse(written);
  return parsed.success ? (parsed.data ?? SCENARIO_DEFAULTS.seed) : undefined;
}

/** The files a scenario's workloads read (traces, fio job files), in workload order; paths as loaded (absolute). */
function referencedFiles(scenario: Scenario): string[] {
  return scenario.workloads.flatMap((workload) => (workload.kind === "trace" || workload.kind === "fio" ? [workload.path] : []));
}

export interface LoadedScenario {
  readonly scenario: Scenario;
  /** The file's name without its directory: results must not depend on where the checkout is. */
  readonly fileName: string;
  readonly contentHash: string;
  /** The file's text as it was parsed and hashed: a report that quotes the scenario quotes these bytes, not a second reading. */
  readonly text: string;
}

/** Loads a scenario with overrides and hashes the very bytes that were parsed (throws ScenarioError). */
export function loadScenarioWithHash(path: string, overrides: readonly string[]): LoadedScenario {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    // The loader turns an unreadable file into the usual ScenarioError (file, reason): let it throw that.
    loadScenarioFile(path, { overrides });
    throw error;
  }
  const text = bytes.toString("utf8");
  const scenario = loadScenarioText(text, { overrides, fileName: path, baseDirectory: dirname(resolve(path)) });
  return { scenario, fileName: basename(path), contentHash: scenarioContentHash(bytes, overrides, scenario), text };
}
