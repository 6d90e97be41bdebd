import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import type { Scenario } from "../../../scenarios/model.js";
import { loadScenarioFile, loadScenarioText, ScenarioError, type ScenarioProblem } from "../../../scenarios/schema/load.js";
import { commandOverrides, parseOverride, settingPath } from "../../../scenarios/schema/overrides.js";

const here = dirname(fileURLToPath(import.meta.url));
const minimal = join(here, "fixtures", "minimal.yaml");

function withOverrides(...overrides: string[]): Scenario {
  return loadScenarioFile(minimal, { overrides });
}

/** The loader's refusal of the overrides (the test fails if they are accepted). */
function refusalOf(...overrides: string[]): ScenarioError {
  try {
    withOverrides(...overrides);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error("the overrides were accepted");
}

function problemsWith(...overrides: string[]): ReadonlyArray<Pick<ScenarioProblem, "file" | "line" | "column" | "path" | "message">> {
  return refusalOf(...overrides).problems.map(({ file, line, column, path, message }) => ({ file, line, column, path, message }));
}

describe("--set overrides that apply", () => {
  test("a size with a unit and a number replace values, and are validated like the file's", () => {
    const scenario = withOverrides("engine.chunkSize=256KiB", "stop.hostIos=5000");
    expect(scenario.engine.chunkSizeBytes).toBe(256 * 1024);
    expect(scenario.stop).toEqual({ hostIos: 5000 });
  });

  test("list entries are addressed by index", () => {
    const scenario = withOverrides("workloads[0].iodepth=8", "workloads[0].rw=randwrite");
    expect(scenario.workloads[0]).toMatchObject({ kind: "job", iodepth: 8, rw: "randwrite" });
  });

  test("missing objects on the way are created, and index n of a list of n appends", () => {
    const scenario = withOverrides("measurement.warmup=1s", "sessions[0]={at: 5ms, action: start, slot: 3}", "sessions[1].afterHostIos=10", "sessions[1].action=stop", "sessions[1].slot=3");
    expect(scenario.measurement).toEqual({ warmupNs: 1_000_000_000 });
    expect(scenario.sessions).toEqual([
      { trigger: { atNs: 5_000_000 }, action: "start", slot: 3 },
      { trigger: { afterHostIos: 10 }, action: "stop", slot: 3 },
    ]);
  });

  test("a later override of the same path wins", () => {
    expect(withOverrides("seed=7", "seed=abc").seed).toBe("abc");
  });

  test("a whole object can be replaced, and quoted keys reach keys that are not plain words", () => {
    const scenario = withOverrides('devices.cache={model: empirical, capacity: 256MiB, percentilesNs: {"50": 1000}}', 'devices.cache.percentilesNs["99.9"]=5000');
    expect(scenario.devices.cache).toMatchObject({ model: "empirical", readPercentilesNs: { "50.000000": 1000, "99.900000": 5000 } });
  });
});

describe("--set of a session's trigger", () => {
  test("beside the file's other trigger is two triggers, and the problem says to give the whole entry", () => {
    let problems: readonly ScenarioProblem[] = [];
    try {
      withOverrides("sessions[0]={afterHostIos: 10, action: start, slot: 0}", "sessions[0].at=5ms");
    } catch (error) {
      if (error instanceof ScenarioError) problems = error.problems;
    }
    expect(problems.map((problem) => problem.message)).toEqual(['"at" and "afterHostIos" are two triggers']);
    expect(problems[0]?.expected).toContain("give the whole entry: --set 'sessions[0]={at: <time>, action: start, slot: 0}'");
    // As the problem says: the whole entry replaces the old one, trigger and all.
    expect(withOverrides("sessions[0]={afterHostIos: 10, action: start, slot: 0}", "sessions[0]={at: 5ms, action: start, slot: 0}").sessions).toEqual([{ trigger: { atNs: 5_000_000 }, action: "start", slot: 0 }]);
  });
});

describe("--set of a setting in its other spelling", () => {
  const engineFile = (engine: string) => `devices:\n  source: { model: fixed, capacity: 1GiB, latency: 1ms, readLatency: 2ms, bandwidth: 500MB/s }\n  cache: { model: instant, capacity: 256MiB }\nengine: ${engine}\nworkloads:\n  - kind: job\nstop:\n  hostIos: 1000\n`;
  const load = (text: string, ...overrides: string[]) => loadScenarioText(text, { fileName: "spelling.yaml", overrides });

  test("replaces the file's value, whichever spelling each uses, and keeps the object's other keys", () => {
    // The issue's own example: the shipped scenarios write chunkSize, and this was refused as setting it twice.
    expect(load(engineFile("{ chunkSize: 64KiB, regionSize: 16KiB }"), "engine.chunkSizeBytes=256KiB").engine).toMatchObject({ chunkSizeBytes: 256 * 1024, regionSizeBytes: 16 * 1024 });
    expect(load(engineFile("{ chunkSizeBytes: 65536 }"), "engine.chunkSize=1MiB").engine.chunkSizeBytes).toBe(1024 * 1024);
    expect(withOverrides("devices.source.capacityBytes=2147483648").devices.source.capacityBytes).toBe(2 * 1024 ** 3);
    // readLatencyNs replaces readLatency, not latency, whose name it does not spell.
    expect(load(engineFile("{}"), "devices.source.readLatencyNs=5000").devices.source).toMatchObject({ latencyNs: 1_000_000, readLatencyNs: 5000 });
  });

  test("leaves a file that writes both spellings refused", () => {
    expect(() => load(engineFile("{ chunkSize: 64KiB, chunkSizeBytes: 65536 }"), "stop.hostIos=5")).toThrow('"chunkSize" and "chunkSizeBytes" set the same thing');
  });

  test("drops an earlier --set of the other spelling, so the command line refuses the two", () => {
    expect(() => commandOverrides(["engine.chunkSize=64KiB", "engine.chunkSizeBytes=131072"], undefined)).toThrow("--set 1 already sets the same setting as engine.chunkSize");
    expect(() => commandOverrides(["engine.chunkSize=64KiB", "engine.regionSizeBytes=4096"], undefined)).not.toThrow();
    // A whole table in one spelling drops an entry set in the other (removeOtherSpellings takes the table away).
    expect(() => commandOverrides(['devices.cache.percentilesNs["99"]=5000', 'devices.cache.percentiles={"99": 1ms}'], undefined)).toThrow('--set 1 already sets devices.cache.percentilesNs["99"], below this path');
  });

  test("settingPath names a path's last key by its setting", () => {
    expect(settingPath("engine.chunkSizeBytes")).toBe("engine.chunkSize");
    expect(settingPath("devices.cache.bandwidthBytesPerSec")).toBe("devices.cache.bandwidth");
    expect(settingPath("stop.runtimeNs")).toBe("stop.runtime");
    expect(settingPath("seed")).toBe("seed");
    expect(settingPath("workloads[0].bs")).toBe("workloads[0].bs");
    // A quoted key is a table's entry, never a spelling; the table's own key, written plainly, is.
    expect(settingPath('devices.cache.readPercentilesNs["99Ns"]')).toBe('devices.cache.readPercentiles["99Ns"]');
    expect(settingPath('devices.cache.percentiles["99.9Ns"]')).toBe('devices.cache.percentiles["99.9Ns"]');
  });
});

describe("--set through a YAML alias", () => {
  // The Cache LU written as the same device as the Source LU: `cache: *disk`, and the same for the workloads.
  const aliased = [
    "devices:",
    "  source: &disk { model: fixed, capacity: 1GiB, latency: 80us, bandwidth: 500MB/s }",
    "  cache: *disk",
    "workloads:",
    "  - &job { kind: job, name: a, rw: randwrite, bs: 4k }",
    "  - *job",
    "stop: { hostIos: 100 }",
    "",
  ].join("\n");
  const load = (...overrides: string[]) => loadScenarioText(aliased, { fileName: join(here, "aliased.yaml"), overrides });

  test("changes the aliased place only, not the anchored one it was a copy of", () => {
    const scenario = load("devices.cache.capacity=512MiB", "workloads[1].name=b");
    expect(scenario.devices.cache.capacityBytes).toBe(512 * 2 ** 20);
    expect(scenario.devices.source.capacityBytes).toBe(2 ** 30);
    expect(scenario.workloads.map((workload) => ("name" in workload ? workload.name : undefined))).toEqual(["a", "b"]);
  });

  test("keeps every other field of the copy as the anchor has it", () => {
    const { source, cache } = load("devices.cache.latency=1ms", "workloads[1].name=b").devices;
    expect(source).toMatchObject({ latencyNs: 80_000 });
    expect(cache).toMatchObject({ latencyNs: 1_000_000 });
    expect({ ...cache, latencyNs: 80_000 }).toEqual(source);
  });
});

describe("--set overrides that do not", () => {
  test.each<[string, number, string, string]>([
    ["engine.chunkSize", 17, "engine.chunkSize", 'missing "=" and a value'],
    ["=5", 1, "", "expected a key name"],
    ["engine..chunkSize=1", 8, "engine", "expected a key name"],
    ["workloads[x].rw=read", 10, "workloads", "expected a list index"],
    ["workloads[0]x=1", 13, "workloads[0]", 'unexpected "x" in the path'],
    ['devices["cache=1', 8, "devices", "unterminated quoted key"],
  ])("malformed %j: column %d", (text, column, path, message) => {
    expect(problemsWith(text)).toEqual([{ file: "<--set>", line: 1, column, path, message }]);
  });

  test("a path through a value that is not an object", () => {
    expect(problemsWith("stop.hostIos.max=3")).toEqual([{ file: "<--set>", line: 1, column: 14, path: "stop.hostIos", message: 'stop.hostIos is 1000, not an object, so it has no key "max"' }]);
    expect(problemsWith("workloads.rw=read")).toEqual([{ file: "<--set>", line: 1, column: 11, path: "workloads", message: 'workloads is a list of 1, not an object, so it has no key "rw"' }]);
    expect(problemsWith("stop[0]=1")).toEqual([{ file: "<--set>", line: 1, column: 5, path: "stop", message: "stop is an object, not a list, so it has no entry [0]" }]);
  });

  test("a list's entry written with a dot, as other tools spell it, is shown in brackets", () => {
    expect(refusalOf("workloads.0.bs=8k").problems).toEqual([{ file: "<--set>", line: 1, column: 11, path: "workloads", message: "workloads is a list of 1, whose entries are written with brackets", expected: "workloads[0] (a path through objects and lists of the scenario)", found: "workloads.0" }]);
  });

  test("an index past the end of a list (appending is index n of n)", () => {
    expect(problemsWith("workloads[3].rw=read")).toEqual([{ file: "<--set>", line: 1, column: 10, path: "workloads", message: "index 3 is beyond the end of the list" }]);
  });

  test("a value that is not valid YAML is located in the argument", () => {
    const [problem] = problemsWith("name=[unclosed");
    expect(problem).toMatchObject({ file: "<--set>", line: 1, path: "name" });
    expect(problem?.message).toMatch(/^the value is not valid YAML: /);
    expect(problem?.column).toBeGreaterThanOrEqual(6);
  });

  test("a value the schema rejects is reported at the value, in the --set that gave it (line = which --set)", () => {
    expect(problemsWith("stop.hostIos=2000", "engine.chunkSize=96KiB")).toEqual([{ file: "<--set>", line: 2, column: 18, path: "engine.chunkSize", message: "chunk size is not a power of two" }]);
  });

  test("an unknown key given by --set gets its suggestion, located at the key", () => {
    try {
      withOverrides("workloads[0].iodeph=8");
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      expect(error.message).toBe('<--set>:1:14: workloads[0].iodeph: unknown key; did you mean "iodepth"?');
      return;
    }
    throw new Error("the override was accepted");
  });

  test("problems from the file and from --set are reported together, the file's first", () => {
    const problems = (() => {
      try {
        loadScenarioFile(join(here, "broken", "unknown-key.yaml"), { overrides: ["engine.regionSize=-4k"] });
      } catch (error) {
        if (error instanceof ScenarioError) return error.problems;
      }
      return [];
    })();
    expect(problems.map((problem) => `${problem.file === "<--set>" ? "<--set>" : "file"}:${problem.line}:${problem.column} ${problem.path}`)).toEqual(["file:8:5 workloads[0].iodeph", "<--set>:1:19 engine.regionSize"]);
  });
});

describe("parseOverride", () => {
  test("splits the path into keys and indices with their columns, and keeps the value text", () => {
    expect(parseOverride('a.b[12]["c.d"].e=x=y')).toEqual({
      segments: [
        { key: "a", column: 1 },
        { key: "b", column: 3 },
        { key: 12, column: 4 },
        { key: "c.d", column: 8 },
        { key: "e", column: 16 },
      ],
      valueText: "x=y",
      valueColumn: 18,
    });
  });
});

describe("an empty --set value", () => {
  test("is located in the --set, not at the file's key it replaced", () => {
    const file = join(here, "fixtures", "full.yaml");
    for (const [override, column] of [["workloads[0].iodepth=", 22], ["engine.chunkSize=~", 18]] as const) {
      expect(() => loadScenarioFile(file, { overrides: [override] })).toThrow(new RegExp(`^<--set>:1:${column}: `));
    }
  });
});
