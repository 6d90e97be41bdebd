import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { loadScenarioFile, loadScenarioText, ScenarioError, type ScenarioProblem } from "../../../scenarios/schema/load.js";

const here = dirname(fileURLToPath(import.meta.url));
const brokenDirectory = join(here, "broken");

/** What one problem must say; `expected` and `found` are substrings, the rest exact. */
interface Want {
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  readonly suggestion?: string;
}

/** Every file in broken/, with every problem it must produce (no more, no fewer). */
const CASES: Record<string, readonly Want[]> = {
  "unknown-key.yaml": [{ line: 8, column: 5, path: "workloads[0].iodeph", message: "unknown key", found: '"iodeph"', suggestion: "iodepth" }],
  "wrong-type.yaml": [{ line: 6, column: 17, path: "devices.source.writeCache", message: "wrong type", expected: "true or false", found: '"yes"' }],
  "bad-unit.yaml": [{ line: 3, column: 39, path: "devices.source.capacity", message: 'unknown size unit "kilobytes"', expected: '"64KiB"', found: '"4 kilobytes"' }],
  "chunk-size.yaml": [{ line: 6, column: 14, path: "engine.chunkSize", message: "chunk size is not a power of two", expected: "a power of two from 4KiB to 1MiB", found: '"96KiB"' }],
  "commit-policy.yaml": [
    { line: 7, column: 17, path: "engine.commitPolicy", message: "not an allowed value", expected: 'one of "write-through", "group-commit", "dirty-region-log"', found: '"write-back"' },
  ],
  // A missing key is located at its parent object: here the document itself.
  // A key that belongs one level up says so, rather than only listing measurement's keys.
  "indented-too-far.yaml": [
    { line: 2, column: 1, path: "stop", message: "nothing stops the run" },
    { line: 10, column: 3, path: "measurement.stop", message: 'unknown key here: "stop" is a key of the scenario itself (written one level too deep?)', expected: "one of the keys warmup, warmupNs", found: '"stop"' },
  ],
  "missing-stop.yaml": [{ line: 1, column: 1, path: "stop", message: "nothing stops the run", expected: "only a scenario whose workloads are all scripts may leave them out", found: "neither" }],
  // Not "an object with shared: ...": shared may be left out, source and cache may not.
  "missing-devices.yaml": [{ line: 2, column: 1, path: "devices", message: 'missing required key "devices"', expected: "an object with keys shared, source, cache", found: "nothing" }],
  "script-op.yaml": [
    { line: 9, column: 9, path: "workloads[0].ops[1]", message: 'unknown script operation "wirte" (did you mean "write"?)', expected: '"write <offset> <length>"', found: '"wirte 4k 4k"' },
    { line: 10, column: 9, path: "workloads[0].ops[2]", message: '"start" needs a session slot', expected: "a slot from 0 to 7", found: '"start 9"' },
  ],
  "script-beyond-source.yaml": [
    { line: 7, column: 23, path: "workloads[0].ops[1]", message: "write ends beyond the Source LU", expected: "at most the Source LU's 1048576 bytes", found: "write 1020KiB 8KiB" },
    { line: 7, column: 43, path: "workloads[0].ops[2]", message: "read is not sector-aligned", expected: "512-byte sector", found: "read 100 512" },
  ],
  "slot-range.yaml": [{ line: 10, column: 11, path: "sessions[0].slot", message: "out of range", expected: "an integer from 0 to 7", found: "8" }],
  // The unclosed "[" on line 7 is noticed where the next key starts.
  "yaml-syntax.yaml": [{ line: 8, column: 1, path: "", message: "YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]", found: '"stop:"' }],
  "duplicate-key.yaml": [{ line: 9, column: 5, path: "workloads[0].iodepth", message: "duplicate key", found: '"iodepth" again (first at line 7)' }],
  "random-distribution.yaml": [{ line: 8, column: 26, path: "workloads[0].random_distribution", message: 'unknown distribution "gauss"', expected: '"zipf:theta[:center]"', found: '"gauss:5"' }],
  // JSON goes through the YAML parser, so it gets positions too.
  // YAML reads it, other JSON tools do not: a .json scenario is held to JSON, at the comma.
  "trailing-comma.json": [{ line: 8, column: 55, path: "", message: 'JSON syntax error: a trailing comma before "]"', expected: "a .json scenario is read as JSON", found: '","' }],
  "bssplit-sum.json": [{ line: 8, column: 52, path: "workloads[0].bssplit", message: "the percentages add to 90, not 100", expected: "percentages adding to 100", found: '"4k/10:64k/50:32k/30"' }],
  "trace-missing.yaml": [
    {
      line: 7,
      column: 11,
      path: "workloads[0].path",
      message: `trace file not found: ${join(brokenDirectory, "traces", "does-not-exist.iolog")}`,
      expected: `relative to ${brokenDirectory}`,
      found: '"traces/does-not-exist.iolog"',
    },
  ],
  "trace-directory.yaml": [
    { line: 7, column: 11, path: "workloads[0].path", message: `trace file is a directory, not a file: ${brokenDirectory}`, expected: `relative to ${brokenDirectory}`, found: '"."' },
  ],
  "two-problems.yaml": [
    { line: 4, column: 44, path: "devices.cache.chanels", message: "unknown key", suggestion: "channels" },
    { line: 7, column: 9, path: "workloads[0].bs", message: 'unknown size unit "q"', found: '"4q"' },
  ],
  "job-beyond-source.yaml": [{ line: 8, column: 11, path: "workloads[0].size", message: "offset + size reaches beyond the Source LU", expected: "at most 268435456 bytes from offset 805306368", found: "536870912 bytes" }],
  "bare-time.yaml": [{ line: 7, column: 14, path: "workloads[0].runtime", message: "a bare number is ambiguous for a time (fio reads a bare runtime as seconds; write the unit)", found: "30" }],
  "unknown-model.yaml": [{ line: 5, column: 12, path: "devices.cache.model", message: "not an allowed value", expected: '"instant", "fixed", "exponential", "rotating", "flash", "empirical", "stripe"', found: '"ssd"' }],
  "both-spellings.yaml": [{ line: 7, column: 19, path: "engine.chunkSizeBytes", message: '"chunkSize" and "chunkSizeBytes" set the same thing', expected: "only one of chunkSize or chunkSizeBytes" }],
  "stop-empty.yaml": [{ line: 7, column: 7, path: "stop", message: "nothing stops the run", expected: "runtime (or runtimeNs) and/or hostIos" }],
  "sector-size.yaml": [{ line: 3, column: 57, path: "devices.source.sectorSize", message: "unsupported sector size", expected: "512 or 4096", found: "1024" }],
  "cache-too-small.yaml": [
    {
      line: 6,
      column: 38,
      path: "devices.cache.capacity",
      message: "Cache LU of 4194304 bytes is too small: its metadata for a 8589934592-byte Source LU takes 4526592 bytes, leaving no room for one 65536-byte COFW chunk and its record",
      expected: "at least 4653056 bytes for this Source LU, chunk and region size",
      found: "4194304 bytes",
    },
  ],
  "flush-too-often.yaml": [{ line: 8, column: 10, path: "flushes.every", message: "shorter than a device takes to answer a flush", expected: "a time of at least 1us", found: "500ns" }],
  "iodepth-range.yaml": [{ line: 8, column: 14, path: "workloads[0].iodepth", message: "out of range", expected: "an integer from 1 to 65536", found: "1000000000" }],
  "too-many-in-flight.yaml": [
    { line: 9, column: 68, path: "workloads[2].iodepth", message: "too many host I/Os in flight", expected: "at most 1,048,576 closed-loop host I/Os in flight", found: "1052672 with this workload" },
  ],
  // Checks that read several sections run on the sections that parsed, beside the schema's own problems.
  "both-kinds.yaml": [
    { line: 7, column: 49, path: "workloads[0].offset", message: "the offset is beyond the Source LU", expected: "less than the Source LU's 1073741824 bytes", found: "2147483648 bytes" },
    { line: 8, column: 31, path: "sessions[0].action", message: "not an allowed value", found: '"strat"' },
    { line: 9, column: 24, path: "measurement.warmup", message: "the warm-up covers the whole run, so nothing would be measured", found: "10000000000 ns" },
  ],
  "rollback-before-start.yaml": [
    { line: 10, column: 34, path: "sessions[1].action", message: '"rollback" of slot 0 comes before any session is started in it, so it would fail', expected: 'a "start" or "replace" of slot 0 triggered before it', found: 'no "start" or "replace" of slot 0 in sessions or a script' },
  ],
  // Both triggers are times, so their order is known before the run.
  "stop-before-start.yaml": [{ line: 10, column: 25, path: "sessions[1].action", message: '"stop" of slot 2 comes before any session is started in it, so it would fail', found: "a start of slot 2 only later (sessions[0])" }],
  "two-triggers.yaml": [{ line: 8, column: 30, path: "sessions[0].afterHostIos", message: '"at" and "afterHostIos" are two triggers', found: '"at" and "afterHostIos"' }],
};

function problemsOf(file: string): readonly ScenarioProblem[] {
  try {
    loadScenarioFile(join(brokenDirectory, file));
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error(`${file} loaded without a problem`);
}

describe("broken scenario files", () => {
  test("every file in broken/ has a case, and there are at least twelve", () => {
    const files = readdirSync(brokenDirectory).filter((name) => /\.(ya?ml|json)$/.test(name));
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  test.each(Object.entries(CASES))("%s", (file, wants) => {
    const problems = problemsOf(file);
    expect(problems.map((problem) => `${problem.line}:${problem.column} ${problem.path}`)).toEqual(wants.map((want) => `${want.line}:${want.column} ${want.path}`));
    problems.forEach((problem, index) => {
      const want = wants[index];
      if (want === undefined) throw new Error("more problems than expected");
      expect(problem.file).toBe(join(brokenDirectory, file));
      expect(problem.message).toBe(want.message);
      if (want.expected !== undefined) expect(problem.expected).toContain(want.expected);
      if (want.found !== undefined) expect(problem.found).toContain(want.found);
      expect(problem.suggestion).toBe(want.suggestion);
    });
  });

  // A section that no check of several fields reads (a description of the wrong type): every other problem must still be
  // found beside it, in the same pass.
  const yamlCases = Object.entries(CASES).filter(([file]) => file.endsWith(".yaml") && file !== "yaml-syntax.yaml");
  test.each(yamlCases)("%s with a bad description added gets that problem and every problem it had", (file, wants) => {
    const text = readFileSync(join(brokenDirectory, file), "utf8");
    const lines = text.split("\n").length;
    const problems = (() => {
      try {
        loadScenarioText(`${text.endsWith("\n") ? text : `${text}\n`}description: 5\n`, { fileName: join(brokenDirectory, file) });
      } catch (error) {
        if (error instanceof ScenarioError) return error.problems;
        throw error;
      }
      throw new Error(`${file} loaded without a problem`);
    })();
    const badDescription = `${text.endsWith("\n") ? lines : lines + 1}:14 description`;
    expect(problems.map((problem) => `${problem.line}:${problem.column} ${problem.path}`).sort()).toEqual([...wants.map((want) => `${want.line}:${want.column} ${want.path}`), badDescription].sort());
  });

  test("the message has one line per problem: file:line:column: path: what, then the suggestion or expected/found", () => {
    let message = "";
    try {
      loadScenarioFile(join(brokenDirectory, "two-problems.yaml"));
    } catch (error) {
      if (error instanceof ScenarioError) message = error.message;
    }
    const file = join(brokenDirectory, "two-problems.yaml");
    expect(message.split("\n")).toEqual([
      `${file}:4:44: devices.cache.chanels: unknown key; did you mean "channels"?`,
      `${file}:7:9: workloads[0].bs: unknown size unit "q"; expected a size such as 4096, "4k", "64KiB" or "1.5GiB" (k, M, G, T, P count in powers of 1024, as in fio), or fio's "read,write" pair such as "4k,64k", found "4q"`,
    ]);
  });

  test("an unknown key too far from every allowed key gets no suggestion, but the list of allowed keys", () => {
    const problems = (() => {
      try {
        loadScenarioFile(join(here, "fixtures", "minimal.yaml"), { overrides: ["engine.flavor=vanilla"] });
      } catch (error) {
        if (error instanceof ScenarioError) return error.problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      { file: "<--set>", line: 1, column: 8, path: "engine.flavor", message: "unknown key", expected: "one of the keys chunkSize, chunkSizeBytes, regionSize, regionSizeBytes, metadataBlock, metadataBlockBytes, commitPolicy", found: '"flavor"' },
    ]);
  });
});
