/**
 * The scenario format as JSON Schema, for editors: completion, hover help (the
 * descriptions) and red squiggles for unknown keys, wrong types and malformed
 * units, before cofwsim ever reads the file. It describes the file as written
 * (zod's "input" side); checks that need code (a chunk size that is a power
 * of two, a job inside the Source LU...) are the loader's alone.
 */
import { z } from "zod";
import { scenarioFileSchema } from "./scenario-schema.js";

/** Where the generated schema is committed, relative to the repository root. */
export const SCENARIO_JSON_SCHEMA_PATH = "scenarios/schema.json";

export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioFileSchema, { io: "input", target: "draft-2020-12" });
}

/** The committed file's exact text: stable key order, two-space indent, final newline. */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
