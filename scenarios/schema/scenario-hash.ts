import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { Scenario } from "../model.js";
import { loadScenarioFile, loadScenarioText } from "./load.js";

/**
 * The identity of a scenario as results manifests record it: sha256 of the
 * file's bytes followed by the JSON of the `--set` overrides (in order, the
 * seed override included), exactly as `cofwsim run` and `cofwsim sweep` hash
 * it. One definition, so a gate baseline matches results.json of the same run.
 */
export function scenarioContentHash(fileBytes: Uint8Array, overrides: readonly string[]): string {
  return createHash("sha256").update(fileBytes).update(JSON.stringify(overrides)).digest("hex");
}

export interface LoadedScenario {
  readonly scenario: Scenario;
  /** The file's name without its directory: results must not depend on where the checkout is. */
  readonly fileName: string;
  readonly contentHash: string;
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
  const scenario = loadScenarioText(bytes.toString("utf8"), { overrides, fileName: path, baseDirectory: dirname(resolve(path)) });
  return { scenario, fileName: basename(path), contentHash: scenarioContentHash(bytes, overrides) };
}
