/**
 * The loader on scenarios a slip of the keyboard (or of a script) has damaged:
 * whatever the text and the --set overrides, it loads or throws ScenarioError
 * whose every problem points inside the file (or inside its override), never an
 * internal error. Starts from every shipped scenario and every fixture, loaded
 * under their own paths so their trace and fio references resolve.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { loadScenarioText, ScenarioError } from "../../../scenarios/schema/load.js";
import { OVERRIDE_FILE } from "../../../scenarios/schema/problems.js";
import { EngineError } from "../../../engine/index.js";
import { FioImportError } from "../../../scenarios/fio/fio-import-error.js";
import type { Scenario } from "../../../scenarios/model.js";
import { checkWorkloads } from "../../../scenarios/runner/check-workloads.js";
import { TraceParseError, TraceSourceError } from "../../../scenarios/traces/index.js";
import { applyTextEdit, textEdit, type TextEdit } from "../text-edits.js";

const here = dirname(fileURLToPath(import.meta.url));
const shipped = join(here, "..", "..", "..", "scenarios");
const fixtures = join(here, "fixtures");

const SOURCES = [
  ...readdirSync(shipped)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => join(shipped, name)),
  ...readdirSync(fixtures)
    .filter((name) => /\.(yaml|json)$/.test(name))
    .map((name) => join(fixtures, name)),
].map((path) => ({ path, text: readFileSync(path, "utf8") }));

/** Values that have broken parsers before: empty, signs, overflow, other units, other types. */
const TRICKY = ["", "-1", "0", "1e400", "NaN", "0x10", "4k", "64KiB", "10ms", "1e-9s", "123456789012345678901234567890", "[]", "{}", "null", "~", "ünïcødé ✓", '""', '"-1"', '"1e400"', "-0", ".inf", "-.inf", "1.5", "0.0000001", "true", "18446744073709551616", "9007199254740993", "1 GiB", "0B", "-4KiB"];
/** Strings made of what numbers, units and fio values are made of: "1.5e3KiB", "4k:8k", "-0x1ms". */
const numberish = fc.string({ unit: fc.constantFrom(..."0123456789.eE+-xkKMGTiBbsmnuµ% /:,"), maxLength: 10 });
const SLIPS = [":", "-", " ", "\t", "\n", "#", "[", "]", "{", "}", ",", '"', "'", "&", "*", "!", "|", ">", "%", "@", "`", "0", "9", "a", "\u0000", "\u00a0", "\r"];

type Edit = TextEdit | { readonly kind: "scalar"; readonly at: number; readonly value: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  textEdit(SLIPS),
  fc.record({ kind: fc.constant("scalar" as const), at: fc.nat(), value: fc.constantFrom(...TRICKY) }),
  fc.record({ kind: fc.constant("scalar" as const), at: fc.nat(), value: numberish }),
);

/** A scalar value after `key: ` (block or flow style) or a list item's `- `. */
const SCALAR = /(:[ \t]+|-[ \t]+)([^,{}[\]\n#]*[^,{}[\]\n# \t])/g;

function applyEdit(text: string, e: Edit): string {
  if (e.kind === "scalar") {
    const matches = [...text.matchAll(SCALAR)];
    const match = matches[e.at % Math.max(1, matches.length)];
    if (match === undefined) return text;
    const start = (match.index ?? 0) + (match[1] ?? "").length;
    return text.slice(0, start) + e.value + text.slice(start + (match[2] ?? "").length);
  }
  return applyTextEdit(text, e);
}

const KEYS = ["engine", "chunkSize", "workloads", "0", "1", "bs", "iodepth", "devices", "source", "cache", "capacity", "stop", "hostIos", "sessions", "seed", "name", "measurement", "nope", "x", "", "[0]", '["a.b"]', "99", "-1"];
const override: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("engine.chunkSize=4k", "workloads.0.bs=-1", "nope.x=1", "=", "a..b=1", "workloads[0].iodepth=1e400", "stop.hostIos=", "devices.source=[]", "sessions[99]=1", "seed=~", "[=1", '["=1', "workloads[0]]=1", "engine=null", "a.b.c"),
  fc.tuple(fc.array(fc.constantFrom(...KEYS), { minLength: 0, maxLength: 4 }), fc.constantFrom(".", "[", "]", ".."), fc.oneof(fc.constantFrom(...TRICKY), numberish)).map(([keys, join, value]) => `${keys.join(join)}=${value}`),
);

/**
 * What `cofwsim validate` does next with a scenario that loads: its devices
 * built, its fio files imported and its traces read. It may refuse only as
 * bad input the user can fix.
 */
function checkLoaded(scenario: Scenario): void {
  try {
    checkWorkloads(scenario);
  } catch (error) {
    if (error instanceof FioImportError || error instanceof TraceParseError || error instanceof TraceSourceError || error instanceof EngineError) return;
    throw error;
  }
}

/** What a message shows when it printed a value it did not have, and what in the input YAML reads as that value. */
const JUNK: ReadonlyArray<readonly [string, RegExp]> = [
  ["undefined", /undefined/],
  ["NaN", /nan/i],
  ["[object", /\[object/],
  ["Infinity", /inf|\de\d{3}/i],
];

/** Loads or refuses with problems located inside the text (or the override they came from); anything else fails the test. */
function expectLoadsOrLocatedProblems(text: string, fileName: string, overrides: readonly string[]): void {
  try {
    checkLoaded(loadScenarioText(text, { fileName, overrides }));
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    const lines = text.split("\n");
    for (const problem of error.problems) {
      const where = `${problem.file}:${problem.line}:${problem.column} ${problem.message}`;
      if (problem.file === OVERRIDE_FILE) {
        expect(problem.line, where).toBeGreaterThanOrEqual(1);
        expect(problem.line, where).toBeLessThanOrEqual(overrides.length);
        expect(problem.column, where).toBeGreaterThanOrEqual(1);
        expect(problem.column, where).toBeLessThanOrEqual((overrides[problem.line - 1] ?? "").length + 1);
      } else {
        expect(problem.file, where).toBe(fileName);
        expect(problem.line, where).toBeGreaterThanOrEqual(1);
        expect(problem.line, where).toBeLessThanOrEqual(lines.length + 1);
        expect(problem.column, where).toBeGreaterThanOrEqual(1);
        expect(problem.column, where).toBeLessThanOrEqual((lines[problem.line - 1] ?? "").length + 1);
      }
      expect(Number.isInteger(problem.line) && Number.isInteger(problem.column), where).toBe(true);
      expect(problem.expected, where).not.toBe("");
      // Not "found", which may say Infinity: YAML reads 1e400 and .inf so.
      for (const [junk, source] of JUNK) if (!source.test(text) && !overrides.some((o) => source.test(o))) expect(`${problem.message} ${problem.expected}`, where).not.toContain(junk);
      // A bound worked out from other values that are themselves wrong ("less than the Source LU's -3221225472 bytes").
      expect(problem.expected, where).not.toMatch(/(^|[^\w.])-\d/);
    }
  }
}

/** A fixed seed, so that a suite does not fail at random on an input no change made; FUZZ_SEED draws others. */
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1);

describe("the scenario loader on damaged input", () => {
  test("every shipped scenario and fixture still loads as it is", () => {
    for (const { path, text } of SOURCES) expect(() => loadScenarioText(text, { fileName: path })).not.toThrow();
  });

  test("edited scenarios load or are refused with located problems", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SOURCES), fc.array(edit, { minLength: 1, maxLength: 6 }), ({ path, text }, edits) => {
        expectLoadsOrLocatedProblems(edits.reduce(applyEdit, text), path, []);
      }),
      { numRuns: 1500, seed: FUZZ_SEED },
    );
  });

  test("--set overrides, good and bad, load or are refused with problems located in the argument", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SOURCES), fc.array(override, { minLength: 1, maxLength: 3 }), ({ path, text }, overrides) => {
        expectLoadsOrLocatedProblems(text, path, overrides);
      }),
      { numRuns: 800, seed: FUZZ_SEED },
    );
  });
});
