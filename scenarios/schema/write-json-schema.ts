/**
 * Writes scenarios/schema.json from the zod schema. Run after changing the
 * format (`npm run build && node dist/scenarios/schema/write-json-schema.js`);
 * a test fails while the committed file differs from a fresh export.
 *
 * Usage: write-json-schema.js [output path]; the default is the repository's
 * scenarios/schema.json, found from this file's location whether it runs from
 * the sources or from dist/.
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderScenarioJsonSchema, SCENARIO_JSON_SCHEMA_PATH } from "./json-schema.js";

/** The nearest directory above `start` with a package.json: the repository root (dist/ has none). */
function repositoryRoot(start: string): string {
  let directory = start;
  while (!existsSync(join(directory, "package.json"))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${start}`);
    directory = parent;
  }
  return directory;
}

export function writeScenarioJsonSchema(outputPath: string): void {
  writeFileSync(outputPath, renderScenarioJsonSchema());
}

const here = dirname(fileURLToPath(import.meta.url));
const output = resolve(process.argv[2] ?? join(repositoryRoot(here), SCENARIO_JSON_SCHEMA_PATH));
writeScenarioJsonSchema(output);
process.stdout.write(`wrote ${output}\n`);
