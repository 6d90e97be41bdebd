/**
 * Loads a scenario file (YAML, or JSON, which YAML reads too, so both get line
 * and column numbers; a .json file must also be strict JSON) into the normalized Scenario of scenarios/model.ts, or
 * throws one ScenarioError that lists every problem found: YAML syntax errors,
 * duplicate keys, malformed --set overrides, and everything the schema
 * rejects, each located in the file (or in the --set argument it came from).
 */
import { statSync } from "node:fs";
import { foundNotUtf8, readUtf8File } from "../text-file.js";
import { basename, dirname, extname, resolve } from "node:path";
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type YAMLError } from "yaml";
import type { z } from "zod";
import type { Scenario } from "../model.js";
import { applyOverrides } from "./overrides.js";
import { formatPath, ScenarioError, suggestKey, type ScenarioProblem } from "./problems.js";
import { normalizeSections, sectionsOf, type ParsedSections } from "./normalize.js";
import { SCENARIO_SECTIONS, scenarioFileSchema, type ProblemParams, type SchemaContext } from "./scenario-schema.js";
import { allowedKeysAt, expectationAt } from "./schema-walk.js";
import { describeValue } from "./units.js";
import { jsonSyntaxError, type JsonSyntaxError } from "./json-syntax.js";
import { withFioJobFileHint } from "./fio-job-hint.js";
import { DocumentPositions, type KeyPath, type OverrideOrigins } from "./yaml-positions.js";

export { ScenarioError, type ScenarioProblem } from "./problems.js";

export interface LoadOptions {
  /** `path=value` strings, as given to `--set`; applied in order before validation. */
  readonly overrides?: readonly string[];
  /**
   * False leaves out the check that the engine can lay the Cache LU out (see
   * SchemaContext): a sweep checks each value alone without it, since a
   * geometry that cannot be formatted is a finding about a point, not a typo.
   */
  readonly checkLayout?: boolean;
}

export interface LoadTextOptions extends LoadOptions {
  /** Names the file in problems; its directory anchors relative trace and fio paths unless baseDirectory is given. */
  readonly fileName: string;
  readonly baseDirectory?: string;
}

/** YAML's limit on alias expansion, kept: a scenario has no use for a billion laughs. */
const MAX_ALIAS_COUNT = 100;

/** A scenario's text as YAML, read as every reader of scenario files must read it (the loader, the content hash). */
export function parseScenarioYaml(text: string): Document {
  // uniqueKeys off: duplicates are reported below with the key's path and both lines, which YAML's own error lacks.
  // merge on: `<<: *anchor` (YAML 1.1's merge key, which YAML 1.2 readers commonly keep) is how a file says "the
  // same device, but..."; without it the merged keys vanished and the object was refused for lacking them.
  return parseDocument(text, { prettyErrors: false, uniqueKeys: false, merge: true });
}

/** The document as plain values, aliases expanded up to MAX_ALIAS_COUNT; throws for an alias that cannot be. */
export function scenarioValue(document: Document): unknown {
  return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

function pathKind(path: string): "file" | "directory" | "missing" | "other" {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats === undefined ? "missing" : stats.isFile() ? "file" : stats.isDirectory() ? "directory" : "other";
}

/** Reads and validates a scenario file; throws ScenarioError (also when the file cannot be read). */
export function loadScenarioFile(path: string, options: LoadOptions = {}): Scenario {
  let read: ReturnType<typeof readUtf8File>;
  try {
    read = readUtf8File(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScenarioError([{ file: path, line: 1, column: 1, path: "", message: `cannot read the scenario file (${reason})`, expected: "a readable YAML or JSON file", found: "none" }]);
  }
  if ("notUtf8" in read) {
    const { line, column } = read.notUtf8;
    throw new ScenarioError([{ file: path, line, column, path: "", message: "not UTF-8 text", expected: "a YAML or JSON file in UTF-8", found: foundNotUtf8(read.notUtf8) }]);
  }
  return loadScenarioText(read.text, { ...options, fileName: path, baseDirectory: dirname(resolve(path)) });
}

/** Validates scenario text; `fileName` is used in messages and for the default name and base directory. */
export function loadScenarioText(text: string, options: LoadTextOptions): Scenario {
  try {
    return validateScenarioText(text, options);
  } catch (error) {
    throw withFioJobFileHint(error, options.fileName, text);
  }
}

function validateScenarioText(text: string, options: LoadTextOptions): Scenario {
  const { fileName } = options;
  const document = parseScenarioYaml(text);
  const origins: OverrideOrigins = new WeakMap();
  const positions = new DocumentPositions(document, text, fileName, origins);
  // YAML takes what JSON refuses (trailing commas, comments...): a .json file is held to JSON, as other tools read it.
  const jsonError = extname(fileName).toLowerCase() === ".json" ? jsonSyntaxError(text) : undefined;
  const problems: ScenarioProblem[] = jsonError === undefined ? document.errors.map((error) => syntaxProblem(error, text, positions)) : [jsonSyntaxProblem(jsonError, text, positions)];

  problems.push(...applyOverrides(document, options.overrides ?? [], origins));
  // A document with syntax errors is a guess at what was meant; validating it would report the guess.
  if (document.errors.length > 0 || jsonError !== undefined) throw new ScenarioError(problems);
  problems.push(...duplicateKeys(document, positions));

  let value: unknown;
  try {
    value = scenarioValue(document);
  } catch (error) {
    // Unresolvable or too many aliases: YAML throws instead of reporting an error.
    problems.push({ file: fileName, line: 1, column: 1, path: "", message: error instanceof Error ? error.message : String(error), expected: "aliases that refer to earlier anchors", found: "an unusable alias" });
    throw new ScenarioError(problems);
  }
  if (value === null || value === undefined) {
    problems.push({ file: fileName, line: 1, column: 1, path: "", message: "the scenario is empty", expected: "an object with devices, workloads and stop", found: "nothing" });
    throw new ScenarioError(problems);
  }

  const context: SchemaContext = {
    baseDirectory: options.baseDirectory ?? dirname(resolve(fileName)),
    defaultName: basename(fileName, extname(fileName)),
    pathKind,
    ...(options.checkLayout === undefined ? {} : { checkLayout: options.checkLayout }),
  };
  const result = scenarioFileSchema.safeParse(value, { reportInput: true });
  if (!result.success) problems.push(...result.error.issues.flatMap((issue) => issueProblems(issue, [], value, positions)));
  // The defaults and the checks that read several fields together run on every section that parsed: on a file with
  // problems elsewhere too, so that one pass reports both kinds.
  const sections = result.success ? sectionsOf(result.data) : parsedSections(value);
  const issues: Issue[] = [];
  const scenario = normalizeSections(sections, context, {
    add(path, message, expected, found) {
      issues.push({ code: "custom", message, path: [...path], params: { expected, found } satisfies ProblemParams, input: undefined });
    },
  });
  problems.push(...issues.flatMap((issue) => issueProblems(issue, [], value, positions)));
  if (problems.length > 0 || scenario === undefined) throw new ScenarioError(problems);
  return scenario;
}

/** Each top-level section of a file the schema refused, parsed alone: undefined where it has problems of its own. */
function parsedSections(value: unknown): ParsedSections {
  const record = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return Object.fromEntries(
    SCENARIO_SECTIONS.map((key) => {
      const result = scenarioFileSchema.shape[key].safeParse(record[key]);
      return [key, result.success ? { value: result.data } : undefined];
    }),
  ) as ParsedSections;
}

// ---- YAML-level problems ---------------------------------------------------------------

/** What the file holds from `offset` to the end of that line, for a syntax error's "found". */
function foundAt(text: string, offset: number): string {
  const rest = text.slice(offset).split("\n")[0]?.trim() ?? "";
  return rest === "" ? (offset >= text.length ? "the end of the file" : "the end of the line") : JSON.stringify(rest.length > 40 ? `${rest.slice(0, 37)}...` : rest);
}

function syntaxProblem(error: YAMLError, text: string, positions: DocumentPositions): ScenarioProblem {
  const offset = error.pos[0];
  return { ...positions.atOffset(offset), path: "", message: `YAML syntax error: ${error.message}`, expected: "well-formed YAML (or JSON)", found: foundAt(text, offset) };
}

function jsonSyntaxProblem(error: JsonSyntaxError, text: string, positions: DocumentPositions): ScenarioProblem {
  return { ...positions.atOffset(error.offset), path: "", message: `JSON syntax error: ${error.problem}`, expected: `${error.expected} (a .json scenario is read as JSON; YAML is for .yaml files)`, found: foundAt(text, error.offset) };
}

/** Every key given twice in one object, located at the second; YAML readers disagree on which one wins, so none does. */
function duplicateKeys(document: Document, positions: DocumentPositions): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const visit = (node: unknown, path: Array<string | number>) => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (key === null || typeof key === "object") continue;
        const name = String(key);
        const first = seen.get(name);
        const keyPath = [...path, name];
        if (first === undefined) {
          seen.set(name, positions.locate(keyPath, "key").line);
        } else {
          const here = isScalar(pair.key) && pair.key.range ? positions.atOffset(pair.key.range[0]) : positions.locate(path, "value");
          problems.push({ ...here, path: formatPath(keyPath), message: "duplicate key", expected: "each key once per object", found: `"${name}" again (first at line ${first})` });
        }
        visit(pair.value, keyPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(isPair(item) ? item.value : item, [...path, index]));
    }
  };
  visit(document.contents, []);
  return problems;
}

// ---- schema issues -------------------------------------------------------------------

type Issue = z.core.$ZodIssue;

function valueAt(root: unknown, path: KeyPath): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[String(key)];
  }
  return value;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object (key: value pairs)",
  array: "a list",
  record: "an object (key: value pairs)",
};

function toKeyPath(path: ReadonlyArray<PropertyKey>): Array<string | number> {
  return path.map((key) => (typeof key === "number" ? key : String(key)));
}

function isParams(value: unknown): value is ProblemParams {
  return typeof value === "object" && value !== null && typeof (value as { expected?: unknown }).expected === "string" && typeof (value as { found?: unknown }).found === "string";
}

/** A union branch that failed only because the value has another type altogether. */
function isTypeMismatch(issues: readonly Issue[]): boolean {
  return issues.every((issue) => issue.path.length === 0 && (issue.code === "invalid_type" || (issue.code === "invalid_union" && issue.errors.every((branch: readonly Issue[]) => isTypeMismatch(branch)))));
}

function expectedTypes(issues: readonly Issue[]): string[] {
  return issues.flatMap((issue) => (issue.code === "invalid_type" ? [TYPE_WORDS[issue.expected] ?? issue.expected] : issue.code === "invalid_union" ? issue.errors.flatMap((branch: readonly Issue[]) => expectedTypes(branch)) : []));
}

/**
 * The nearest object above `path` that has `key`, as a path ("" for the
 * scenario itself): a key indented one level too far lands in the object
 * before it (`stop:` under `measurement:`), where it is unknown.
 */
function ownerAbove(root: unknown, path: KeyPath, key: string): string | undefined {
  for (let length = path.length - 1; length >= 0; length--) {
    const above = path.slice(0, length);
    if (typeof above[above.length - 1] === "number") continue;
    if (allowedKeysAt(scenarioFileSchema, root, above).includes(key)) return formatPath(above);
  }
  return undefined;
}

/** Our problems for one zod issue; `prefix` is where a union branch's issues are relative to. */
function issueProblems(issue: Issue, prefix: KeyPath, root: unknown, positions: DocumentPositions): ScenarioProblem[] {
  const path = [...prefix, ...toKeyPath(issue.path)];
  const value = valueAt(root, path);
  const at = (target: "key" | "value", where: KeyPath = path) => positions.locate(where, target);
  const last = path[path.length - 1];
  const base = (message: string, expected: string, found: string, where: KeyPath = path): ScenarioProblem => ({ ...at("value", where), path: formatPath(where), message, expected, found });
  const missing = () => base(`missing required key "${String(last)}"`, expectationAt(scenarioFileSchema, root, path) ?? "a value", "nothing");

  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeysAt(scenarioFileSchema, root, path).filter((key) => key !== "$schema");
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        const suggestion = suggestKey(key, allowed);
        const owner = suggestion === undefined ? ownerAbove(root, path, key) : undefined;
        return {
          ...at("key", keyPath),
          path: formatPath(keyPath),
          message: owner === undefined ? "unknown key" : `unknown key here: "${key}" is a key of ${owner === "" ? "the scenario itself" : owner} (written one level too deep?)`,
          expected: `one of the keys ${allowed.join(", ")}`,
          found: JSON.stringify(key),
          ...(suggestion === undefined ? {} : { suggestion }),
        };
      });
    }
    case "invalid_union": {
      if ("discriminator" in issue && typeof issue.discriminator === "string") {
        // zod reports a bad discriminator at the discriminator's own path.
        const options = ("options" in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : []).filter((option) => option !== undefined);
        const expected = `one of ${options.map((option) => JSON.stringify(option)).join(", ")}`;
        return [value === undefined ? base(`missing required key "${String(last)}"`, expected, "nothing") : base("not an allowed value", expected, describeValue(value))];
      }
      const branches: ReadonlyArray<readonly Issue[]> = issue.errors;
      const relevant = branches.filter((branch) => !isTypeMismatch(branch));
      const [chosen] = relevant;
      if (chosen !== undefined) return chosen.flatMap((inner) => issueProblems(inner, path, root, positions));
      if (value === undefined) return [missing()];
      return [base("wrong type", [...new Set(expectedTypes(branches.flat()))].join(" or "), describeValue(value))];
    }
    case "invalid_type":
      if (value === undefined) return [missing()];
      return [base("wrong type", TYPE_WORDS[issue.expected] ?? issue.expected, describeValue(value))];
    case "invalid_value":
      if (value === undefined) return [base(`missing required key "${String(last)}"`, `one of ${issue.values.map((option) => JSON.stringify(option)).join(", ")}`, "nothing")];
      return [base("not an allowed value", `one of ${issue.values.map((option) => JSON.stringify(option)).join(", ")}`, describeValue(value))];
    case "too_small":
    case "too_big": {
      const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const direction = issue.code === "too_small" ? "at least" : "at most";
      if (issue.origin === "array") return [base(issue.code === "too_small" ? "too few entries" : "too many entries", `${direction} ${bound} ${bound === 1 ? "entry" : "entries"}`, describeValue(value))];
      if (issue.origin === "string") return [base(issue.code === "too_small" ? "too short" : "too long", bound === 1 && issue.code === "too_small" ? "a non-empty string" : `${direction} ${bound} characters`, describeValue(value))];
      return [base("out of range", `a number ${issue.code === "too_small" ? ">=" : "<="} ${bound}`, describeValue(value))];
    }
    case "custom":
      if (isParams(issue.params)) return [base(issue.params.missing === true ? `missing required key "${String(last)}"` : issue.message, issue.params.expected, issue.params.found)];
      return [base(issue.message, "a valid value", describeValue(value))];
    default:
      return [base(issue.message, "a valid value", describeValue(value))];
  }
}
