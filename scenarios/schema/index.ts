/** The scenario file format: what the CLI and the runner import. */
export { loadScenarioFile, loadScenarioText, type LoadOptions, type LoadTextOptions } from "./load.js";
export { ScenarioError, OVERRIDE_FILE, formatProblem, type ScenarioProblem } from "./problems.js";
export { scenarioFileSchema, type SchemaContext, type ScenarioFile } from "./scenario-schema.js";
export { scenarioJsonSchema, renderScenarioJsonSchema, SCENARIO_JSON_SCHEMA_PATH } from "./json-schema.js";
export { parseSizeBytes, parseDurationNs, parseRateBytesPerSec, formatSize, formatDuration, UnitError } from "./units.js";
