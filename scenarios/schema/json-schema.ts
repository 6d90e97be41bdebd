/**
 * The scenario format as JSON Schema, for editors: completion, hover help (the
 * descriptions) and red squiggles for unknown keys, wrong types and malformed
 * units, before cofwsim ever reads the file. It describes the file as written
 * (zod's "input" side), with as much of the loader's checks as JSON Schema
 * can say (sector and chunk sizes, one trigger per session, one spelling per
 * setting, something to stop the run...: see EditorHints in scenario-schema.ts),
 * so that an editor does not call a file fine that validate refuses. Checks
 * that need code or several sections (a job inside the Source LU, percentages
 * that add to 100...) are the loader's alone.
 */
import { z } from "zod";
import { ALIAS_SUFFIXES, scenarioFileSchema } from "./scenario-schema.js";

/** Where the generated schema is committed, relative to the repository root. */
export const SCENARIO_JSON_SCHEMA_PATH = "scenarios/schema.json";

export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioFileSchema, { io: "input", target: "draft-2020-12" });
  forbidBothSpellings(schema);
  return schema;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every object that has a setting in both spellings (capacity and
 * capacityBytes, latency and latencyNs...) gets "not both", as normalize's
 * either() refuses them together; a required one says "one of" itself.
 */
function forbidBothSpellings(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(forbidBothSpellings);
    return;
  }
  if (!isObject(node)) return;
  const properties = node.properties;
  if (isObject(properties)) {
    const pairs = Object.keys(properties).flatMap((key) => ALIAS_SUFFIXES.filter((suffix) => `${key}${suffix}` in properties).map((suffix) => [key, `${key}${suffix}`]));
    if (pairs.length > 0) {
      const existing = Array.isArray(node.allOf) ? (node.allOf as unknown[]) : [];
      node.allOf = [...existing, ...pairs.map((pair) => ({ not: { required: pair } }))];
    }
  }
  Object.values(node).forEach(forbidBothSpellings);
}

/** The committed file's exact text: stable key order, two-space indent, final newline. */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
