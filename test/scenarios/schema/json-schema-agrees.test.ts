/**
 * The exported JSON Schema refuses what the loader refuses, as far as JSON
 * Schema can say it: an editor that calls a file fine while `cofwsim
 * validate` refuses it sends the user back and forth. Checked with a real
 * validator (ajv's draft 2020-12 build, as the export declares) on the fixtures, and value by value
 * against the loader for every pattern the export has.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { scenarioJsonSchema } from "../../../scenarios/schema/json-schema.js";
import { loadScenarioFile, loadScenarioText, parseScenarioYaml, ScenarioError, scenarioValue } from "../../../scenarios/schema/load.js";

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = join(here, "..", "..", "..");

const exported = scenarioJsonSchema();
const validate = new Ajv2020({ allErrors: true }).compile(exported);

function schemaAccepts(value: unknown): boolean {
  return validate(value) === true;
}

function fileValue(path: string): unknown {
  const document = parseScenarioYaml(readFileSync(path, "utf8"));
  expect(document.errors).toEqual([]);
  return scenarioValue(document);
}

function scenarioFiles(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => /\.(ya?ml|json)$/.test(name) && name !== "schema.json")
    .map((name) => join(directory, name));
}

describe("the exported JSON Schema on whole files", () => {
  const accepted = [...scenarioFiles(join(here, "fixtures")), ...scenarioFiles(join(repositoryRoot, "scenarios"))];

  test.each(accepted.map((path) => [path.slice(repositoryRoot.length + 1), path]))("accepts %s, which the loader accepts", (_name, path) => {
    expect(() => loadScenarioFile(path)).not.toThrow();
    expect(schemaAccepts(fileValue(path)), JSON.stringify(validate.errors)).toBe(true);
  });

  /** Broken files whose problem needs the loader's code, the file system or the YAML text: JSON Schema cannot see it. */
  const BEYOND_JSON_SCHEMA: Readonly<Record<string, string>> = {
    "bssplit-sum.json": "percentages that must add to 100",
    "cache-too-small.yaml": "the engine's layout of the Cache LU",
    "duplicate-key.yaml": "a key given twice, which the parsed value no longer shows",
    "job-beyond-source.yaml": "a job's region against the Source LU's capacity",
    "rollback-before-start.yaml": "the order of the session schedule",
    "script-beyond-source.yaml": "a script's addresses against the Source LU's capacity",
    "stop-before-start.yaml": "the order of the session schedule",
    "too-many-in-flight.yaml": "the sum of every workload's I/Os in flight",
    "trailing-comma.json": "JSON syntax that YAML reads, which the parsed value no longer shows",
    "trace-directory.yaml": "what is at a path",
    "trace-missing.yaml": "what is at a path",
    "yaml-syntax.yaml": "YAML syntax",
  };
  const broken = scenarioFiles(join(here, "broken")).map((path) => path.slice(join(here, "broken").length + 1));

  test.each(broken.filter((name) => !(name in BEYOND_JSON_SCHEMA)))("refuses broken/%s, which the loader refuses", (name) => {
    const path = join(here, "broken", name);
    expect(() => loadScenarioFile(path)).toThrow(ScenarioError);
    expect(schemaAccepts(fileValue(path))).toBe(false);
  });

  test("the files left to the loader are still there and still refused (a stale entry would hide nothing)", () => {
    for (const name of Object.keys(BEYOND_JSON_SCHEMA)) {
      expect(broken).toContain(name);
      expect(() => loadScenarioFile(join(here, "broken", name))).toThrow(ScenarioError);
    }
  });
});

// ---- value by value ---------------------------------------------------------------------

type Doc = Record<string, unknown> & { devices: { source: Record<string, unknown>; cache: Record<string, unknown> }; workloads: Array<Record<string, unknown>> };

function baseScenario(): Doc {
  return { devices: { source: { model: "instant", capacity: "1GiB" }, cache: { model: "instant", capacity: "1GiB" } }, workloads: [{ kind: "job" }], stop: { runtime: "1s" } };
}

/**
 * Refusals no pattern can make: a decimal that is not a whole number of bytes
 * or nanoseconds, values beyond 2^53 - 1, sums of percentages, and what the
 * value means against the rest of the scenario (sectors, the Source LU, the
 * run, the directions the job's rw issues).
 */
const BEYOND_A_PATTERN = [
  "not a whole number of bytes",
  "not a whole number of nanoseconds",
  "too large",
  "add to",
  "not a multiple of the Source LU's sector",
  "not a whole number of the Source LU's sectors",
  "not sector-aligned",
  "beyond the Source LU",
  "larger than the job's region",
  "the warm-up covers the whole run",
  "gives them no rate",
];

/** The loader's problems at `path`, or [] when it accepts the file. */
function loaderProblems(doc: Doc, path: string): string[] {
  try {
    loadScenarioText(JSON.stringify(doc), { fileName: "property.json", baseDirectory: here });
    return [];
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    // A key of a map (a percentile) is told at its own path, below the map's.
    const under = (problemPath: string) => problemPath === path || problemPath.startsWith(`${path}[`) || problemPath.startsWith(`${path}.`);
    return error.problems.map((problem) => (under(problem.path) ? problem.message : `elsewhere, at ${problem.path}: ${problem.message}`));
  }
}

interface ValueCase {
  /** Where the value goes, as the loader names it in problems. */
  readonly path: string;
  readonly place: (doc: Doc, value: string) => void;
  /** Where the export keeps the pattern this case checks. */
  readonly patternAt: readonly (string | number)[];
  readonly tokens: readonly string[];
}

const SPACES = [" ", "\t"];
const NUMBERS = ["0", "1", "5", "9", "00", "10", "12", "100", "512", "4096", ".", "+", "-", "e", "x"];
const SIZE_UNITS = ["k", "K", "KiB", "kb", "m", "MiB", "G", "t", "p", "b", "B", "ib", "s"];
const TIME_UNITS = ["ns", "us", "µs", "ms", "MS", "s", "m", "min", "h", "d", "sec", "x"];
const job = (doc: Doc) => doc.workloads[0]!;
const JOB_AT = ["properties", "workloads", "items", "oneOf", 0, "properties"];

const CASES: Readonly<Record<string, ValueCase>> = {
  "a size (job size)": { path: "workloads[0].size", place: (doc, value) => (job(doc).size = value), patternAt: [...JOB_AT, "size", "pattern"], tokens: [...NUMBERS, ...SIZE_UNITS, ...SPACES] },
  "a positive size (blockalign)": { path: "workloads[0].blockalign", place: (doc, value) => (job(doc).blockalign = value), patternAt: [...JOB_AT, "blockalign", "pattern"], tokens: [...NUMBERS, ...SIZE_UNITS, ...SPACES] },
  "a sector size": {
    path: "devices.source.sectorSize",
    place: (doc, value) => (doc.devices.source.sectorSize = value),
    patternAt: ["$defs", "device", "oneOf", 0, "properties", "sectorSize", "anyOf", 1, "pattern"],
    tokens: ["0", "5", "12", "512", "4", "096", "4096", ".", ".5", "0.5", "4.0", "00", "25", "k", "KiB", "b", "m", "0.00048828125", "0.00390625", "1024", "8", ...SPACES, "+"],
  },
  "a chunk size": {
    path: "engine.chunkSize",
    place: (doc, value) => (doc.engine = { chunkSize: value }),
    patternAt: ["properties", "engine", "properties", "chunkSize", "anyOf", 1, "pattern"],
    tokens: ["0", "1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024", "4096", "96", ".", ".5", "0.25", "k", "KiB", "m", "MiB", "b", "g", ...SPACES],
  },
  "a time (thinktime)": { path: "workloads[0].thinktime", place: (doc, value) => (job(doc).thinktime = value), patternAt: [...JOB_AT, "thinktime", "pattern"], tokens: [...NUMBERS, ...TIME_UNITS, ...SPACES] },
  "a positive time (stop.runtime)": { path: "stop.runtime", place: (doc, value) => (doc.stop = { runtime: value }), patternAt: ["properties", "stop", "properties", "runtime", "pattern"], tokens: [...NUMBERS, ...TIME_UNITS, ...SPACES] },
  "a time in ns (atNs)": {
    path: "sessions[0].atNs",
    place: (doc, value) => (doc.sessions = [{ atNs: value, action: "start", slot: 0 }]),
    patternAt: ["properties", "sessions", "items", "properties", "atNs", "pattern"],
    tokens: [...NUMBERS, ...TIME_UNITS, ...SPACES],
  },
  "a positive time in ns (stop.runtimeNs)": {
    path: "stop.runtimeNs",
    place: (doc, value) => (doc.stop = { runtimeNs: value }),
    patternAt: ["properties", "stop", "properties", "runtimeNs", "pattern"],
    tokens: [...NUMBERS, ...TIME_UNITS, ...SPACES],
  },
  "a time of at least 1us (flushes.every)": {
    path: "flushes.every",
    place: (doc, value) => (doc.flushes = { every: value }),
    patternAt: ["properties", "flushes", "properties", "every", "pattern"],
    tokens: ["0", "1", "9", "999", "1000", ".", ".001", "0.0000000166", "0.0000000167", "0.000001", "ns", "us", "ms", "s", "m", "h", "x", " "],
  },
  "a time in ns of at least 1us (flushes.everyNs)": {
    path: "flushes.everyNs",
    place: (doc, value) => (doc.flushes = { everyNs: value }),
    patternAt: ["properties", "flushes", "properties", "everyNs", "pattern"],
    tokens: ["0", "1", "9", "999", "1000", "00", ".", ".001", "0.0000000167", "0.000001", ...TIME_UNITS, ...SPACES],
  },
  "a rate (bandwidth)": {
    path: "devices.source.bandwidth",
    place: (doc, value) => (doc.devices.source = { model: "fixed", capacity: "1GiB", bandwidth: value }),
    patternAt: ["$defs", "device", "oneOf", 1, "properties", "bandwidth", "pattern"],
    tokens: [...NUMBERS, "k", "MB", "GiB", "/", "/s", "/sec", "/S", "/m", ...SPACES],
  },
  "a percentile key": {
    path: "devices.source.percentiles",
    place: (doc, value) => (doc.devices.source = { model: "empirical", capacity: "1GiB", percentiles: { [value]: "1ms" } }),
    patternAt: ["$defs", "device", "oneOf", 5, "properties", "percentiles", "propertyNames", "pattern"],
    tokens: ["0", "1", "9", "99", "100", "101", ".", "5", "000", "e", "x", "+", "-", ...SPACES],
  },
  "a script operation": {
    path: "workloads[0].ops[0]",
    place: (doc, value) => (doc.workloads = [{ kind: "script", ops: [value] }]),
    patternAt: ["properties", "workloads", "items", "oneOf", 3, "properties", "ops", "items", "pattern"],
    tokens: ["read ", "write ", "flush", "start ", "stop ", "rollback ", "0", "4k", "7", "8", "07", "512", "1", "x", " ", "KiB", ".5k"],
  },
  "a block size pair (bs)": { path: "workloads[0].bs", place: (doc, value) => (job(doc).bs = value), patternAt: [...JOB_AT, "bs", "pattern"], tokens: ["0", "4", "8", "512", "k", "KiB", ",", ",", ".", "x", ...SPACES] },
  "a rate pair (rate_iops)": { path: "workloads[0].rate_iops", place: (doc, value) => (job(doc).rate_iops = value), patternAt: [...JOB_AT, "rate_iops", "pattern"], tokens: ["0", "1", "7", "00", "100", ",", ",", ".", "k", "x", "-", ...SPACES] },
  "a block size split (bssplit)": {
    path: "workloads[0].bssplit",
    place: (doc, value) => (job(doc).bssplit = value),
    patternAt: [...JOB_AT, "bssplit", "anyOf", 0, "pattern"],
    tokens: ["4k", "8k", "0", "512", "/", "/50", "/100", "/0", "/33.3", "/101", "/.5", ":", ",", "x", "/+5", ...SPACES],
  },
  "a random distribution": {
    path: "workloads[0].random_distribution",
    place: (doc, value) => (job(doc).random_distribution = value),
    patternAt: [...JOB_AT, "random_distribution", "pattern"],
    tokens: ["random", "zipf", "Zipf", "pareto", "normal", "zoned", "gauss", ":", "/", "0", "1", "1.2", ".5", "0.5", "5", "99", "100", "101", "-", "+", ",", ...SPACES],
  },
  "a seed": { path: "seed", place: (doc, value) => (doc.seed = value), patternAt: ["properties", "seed", "pattern"], tokens: ["a", "1", ...SPACES, "\n"] },
  "a scenario name": { path: "name", place: (doc, value) => (doc.name = value), patternAt: ["properties", "name", "pattern"], tokens: ["a", ".", "..", "/", "\\", "b c", ...SPACES] },
};

function at(node: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown> | undefined)?.[key], node);
}

function allPatterns(node: unknown, found = new Set<string>()): Set<string> {
  if (typeof node !== "object" || node === null) return found;
  for (const [key, value] of Object.entries(node)) {
    if (key === "pattern" && typeof value === "string") found.add(value);
    else allPatterns(value, found);
  }
  return found;
}

describe("every pattern in the export agrees with the loader", () => {
  test("the cases below cover every pattern the export has", () => {
    const covered = new Set(Object.values(CASES).map((valueCase) => at(exported, valueCase.patternAt)));
    for (const valueCase of Object.values(CASES)) expect(typeof at(exported, valueCase.patternAt), valueCase.path).toBe("string");
    expect([...allPatterns(exported)].filter((pattern) => !covered.has(pattern))).toEqual([]);
  });

  test.each(Object.entries(CASES))("%s: the pattern accepts what the loader accepts and refuses what it refuses", (_name, valueCase) => {
    const pattern = new RegExp(at(exported, valueCase.patternAt) as string);
    const value = fc.array(fc.constantFrom(...valueCase.tokens), { minLength: 1, maxLength: 7 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(value, (text) => {
        const doc = baseScenario();
        valueCase.place(doc, text);
        const problems = loaderProblems(doc, valueCase.path);
        expect(problems.filter((problem) => problem.startsWith("elsewhere") && !BEYOND_A_PATTERN.some((reason) => problem.includes(reason))), text).toEqual([]);
        const patternAccepts = pattern.test(text);
        if (patternAccepts) {
          expect(problems.filter((problem) => !BEYOND_A_PATTERN.some((reason) => problem.includes(reason))), JSON.stringify(text)).toEqual([]);
        } else {
          expect(problems, JSON.stringify(text)).not.toEqual([]);
        }
        // The whole export agrees with its pattern (the type and the other keywords do not let the value through).
        expect(schemaAccepts(doc), JSON.stringify(text)).toBe(patternAccepts);
      }),
      { numRuns: 150, seed: 20261205 },
    );
  });
});
