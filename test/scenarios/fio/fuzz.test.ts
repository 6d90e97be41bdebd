/**
 * The fio importer on damaged job files: whatever the text, `cofwsim import`
 * either prints a scenario or refuses with FioImportError problems on lines of
 * the file, never an internal error. Starts from fio's own example job files
 * and the job file the scenario fixtures use.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { FioImportError } from "../../../scenarios/fio/fio-import-error.js";
import { importFioJobFile, type FioImportOptions } from "../../../scenarios/fio/import-job-file.js";
import { fioImportToScenarioYaml } from "../../../scenarios/fio/to-scenario-yaml.js";
import { loadScenarioText, ScenarioError } from "../../../scenarios/schema/load.js";
import { applyTextEdit, textEdit, type TextEdit } from "../text-edits.js";

const here = dirname(fileURLToPath(import.meta.url));
const FIO_JOBS = fileURLToPath(new URL("../../../../shared/fixtures/fio-jobs", import.meta.url));

const SOURCES = [...readdirSync(FIO_JOBS).map((name) => join(FIO_JOBS, name)), join(here, "..", "schema", "fixtures", "traces", "backup.fio")]
  .filter((path) => path.endsWith(".fio"))
  .map((path) => ({ path, text: readFileSync(path, "utf8") }));

const OPTIONS = ["bs", "bssplit", "rw", "rwmixread", "rwmixwrite", "size", "offset", "runtime", "thinktime", "rate_iops", "random_distribution", "iodepth", "numjobs", "number_ios", "startdelay", "ramp_time", "time_based", "stonewall", "wait_for", "blockalign", "io_size", "offset_increment", "kb_base", "name"];
const VALUES = ["4k:8k", "0", "-1", "1%", "zipf:", "zipf:0", "zipf:1.2", "pareto:1.5", "pareto:0", "normal:", "normal:50", "zoned:50/50:", "zoned:50/50:50/50", "zoned_abs:50/1G:50/1G", "10/", "1.5", "4k,", ",4k", ",", "4k,8k,16k", "18446744073709551616", "9007199254740993", "1e400", "", "100%", "101%", "4k/50:8k/", "4k/50:8k/60", "/", ":", "1-", "-", "0x10", "1t", "1p", "1e", "10ms", "1us", "0s", "999999999999d", "randrw:4", "randread", "read,write", "1:2:3", "\u00e9", "4k-8k", "8k-4k", "4k:", "5%-", "file1"];
const SLIPS = ["=", "[", "]", " ", "\t", "\n", ";", "#", ",", ":", "%", "$", "{", "}", "-", "0", "k", "\u0000", "\r", "\u00a0"];

type Edit = TextEdit | { readonly kind: "value"; readonly at: number; readonly value: string } | { readonly kind: "option"; readonly at: number; readonly option: string; readonly value: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  textEdit(SLIPS),
  fc.record({ kind: fc.constant("value" as const), at: fc.nat(), value: fc.constantFrom(...VALUES) }),
  fc.record({ kind: fc.constant("option" as const), at: fc.nat(), option: fc.constantFrom(...OPTIONS), value: fc.constantFrom(...VALUES) }),
  fc.record({ kind: fc.constant("option" as const), at: fc.nat(), option: fc.constantFrom(...OPTIONS), value: fc.constantFrom(...VALUES) }),
);

function applyEdit(text: string, e: Edit): string {
  const lines = text.split("\n");
  if (e.kind === "value") {
    // The value of one `option=value` line.
    const options = lines.flatMap((line, index) => (/^\s*[A-Za-z_]\w*\s*=/.test(line) ? [index] : []));
    const index = options[e.at % Math.max(1, options.length)];
    if (index === undefined) return text;
    lines[index] = (lines[index] ?? "").replace(/=.*$/, `=${e.value}`);
    return lines.join("\n");
  }
  if (e.kind === "option") {
    // A new option line anywhere after the first section header, so it lands in [global] or a job.
    const first = lines.findIndex((line) => line.trim().startsWith("["));
    const index = first + 1 + (e.at % Math.max(1, lines.length - first));
    lines.splice(index, 0, `${e.option}=${e.value}`);
    return lines.join("\n");
  }
  return applyTextEdit(text, e);
}

/** Imports (and writes the scenario, as `cofwsim import` does) or refuses with problems on lines of the file; anything else fails the test. */
function expectImportsOrLocatedProblems(text: string, fileName: string, options: FioImportOptions): void {
  try {
    const imported = importFioJobFile(text, fileName, options);
    // `cofwsim import` prints each ignored option as file:line.
    const lineCount = text.split(/\r\n|\n|\r/).length;
    for (const ignored of imported.ignored) expect(ignored.line >= 1 && ignored.line <= lineCount, `${ignored.option} ignored at line ${ignored.line}`).toBe(true);
    const yaml = fioImportToScenarioYaml(imported, "fuzz.fio");
    // What it prints is a scenario: it loads, or is refused for what the placeholder devices cannot hold (a 1 TiB offset).
    try {
      loadScenarioText(yaml, { fileName: "fuzz.yaml", checkLayout: false });
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
    }
  } catch (error) {
    if (!(error instanceof FioImportError)) throw error;
    // The importer counts a lone "\r" as a line break too, as old Mac files have them.
    const lines = text.split(/\r\n|\n|\r/);
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) {
      const where = `${problem.fileName}:${problem.line}:${problem.column ?? ""} ${problem.message}`;
      expect(problem.fileName, where).toBe(fileName);
      for (const junk of JUNK) if (!text.includes(junk)) expect(problem.message, where).not.toContain(junk);
      expect(Number.isInteger(problem.line), where).toBe(true);
      expect(problem.line, where).toBeGreaterThanOrEqual(1);
      expect(problem.line, where).toBeLessThanOrEqual(lines.length);
      if (problem.column !== undefined) {
        expect(problem.column, where).toBeGreaterThanOrEqual(1);
        expect(problem.column, where).toBeLessThanOrEqual((lines[problem.line - 1] ?? "").length + 1);
      }
    }
  }
}

/** A fixed seed, so that a suite does not fail at random on an input no change made; FUZZ_SEED draws others. */
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1);

/** What a message shows when it printed a value it did not have. */
const JUNK = ["undefined", "NaN", "[object", "Infinity"];

const importOptions: fc.Arbitrary<FioImportOptions> = fc.constantFrom({}, { sourceCapacityBytes: 64 * 2 ** 30 }, { sourceCapacityBytes: 1 * 2 ** 20, latencyTarget: "reject" as const });

describe("the fio importer on damaged job files", () => {
  test("edited job files import or are refused with problems on their lines", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SOURCES), fc.array(edit, { minLength: 1, maxLength: 5 }), importOptions, ({ path, text }, edits, options) => {
        expectImportsOrLocatedProblems(edits.reduce(applyEdit, text), path, options);
      }),
      { numRuns: 3000, seed: FUZZ_SEED },
    );
  });

  test("any one option with any odd value, in a job of its own", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...OPTIONS), fc.constantFrom(...VALUES)), { minLength: 1, maxLength: 4 }), importOptions, (pairs, options) => {
        expectImportsOrLocatedProblems(`[job]\n${pairs.map(([option, value]) => `${option}=${value}`).join("\n")}\n`, "odd.fio", options);
      }),
      { numRuns: 2000, seed: FUZZ_SEED },
    );
  });

  test("a percentage offset or size over a block size of 0 is told without NaN (found at 1,734 runs of the test above)", () => {
    expectImportsOrLocatedProblems("[job]\noffset=100%\nbs=0\nsize=4k:8k\n", "odd.fio", { sourceCapacityBytes: 2 ** 20, latencyTarget: "reject" });
    expectImportsOrLocatedProblems("[job]\nsize=50%\nbs=0\n", "odd.fio", { sourceCapacityBytes: 2 ** 20 });
  });
});
