import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { renderScenarioJsonSchema, SCENARIO_JSON_SCHEMA_PATH, scenarioJsonSchema } from "../../../scenarios/schema/json-schema.js";

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

interface JsonSchemaNode {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly additionalProperties?: boolean;
  readonly required?: readonly string[];
  readonly $defs?: Readonly<Record<string, JsonSchemaNode>>;
  readonly oneOf?: readonly JsonSchemaNode[];
}

describe("JSON Schema export", () => {
  test(`the committed ${SCENARIO_JSON_SCHEMA_PATH} is a fresh export (regenerate with write-json-schema after changing the format)`, () => {
    const committed = readFileSync(join(repositoryRoot, SCENARIO_JSON_SCHEMA_PATH), "utf8");
    expect(committed).toBe(renderScenarioJsonSchema());
  });

  test("it describes the file as written: strict objects, required keys, help text for editors, the recursive device", () => {
    const schema = scenarioJsonSchema() as JsonSchemaNode;
    expect(schema.additionalProperties).toBe(false);
    // stop may be left out when every workload is a script (normalize checks that).
    expect(schema.required).toEqual(["devices", "workloads"]);
    const engine = schema.properties?.engine;
    expect(engine?.additionalProperties).toBe(false);
    expect(engine?.properties?.chunkSize?.description).toContain("power of two");
    expect(engine?.properties?.chunkSize?.type).toEqual(["integer", "string"]);
    const device = schema.$defs?.device;
    expect(device?.oneOf?.map((option) => option.properties?.model)).toHaveLength(7);
    for (const option of device?.oneOf ?? []) expect(option.additionalProperties).toBe(false);
  });
});
