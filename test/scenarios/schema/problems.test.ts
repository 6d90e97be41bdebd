import { describe, expect, test } from "vitest";
import { editDistance, formatPath, formatProblem, ScenarioError, suggestKey } from "../../../scenarios/schema/problems.js";

describe("did you mean", () => {
  test("edit distance counts an adjacent swap as one edit", () => {
    expect(editDistance("iodepth", "iodepth")).toBe(0);
    expect(editDistance("iodeph", "iodepth")).toBe(1);
    expect(editDistance("iodetph", "iodepth")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  const JOB_KEYS = ["kind", "name", "rw", "bs", "bssplit", "blockalign", "iodepth", "numjobs", "size", "offset", "rwmixread", "rwmixwrite", "random_distribution", "rate_iops", "runtime"];

  test.each([
    ["iodeph", "iodepth"],
    ["IODepth", "iodepth"],
    ["randomDistribution", "random_distribution"],
    ["random-distribution", "random_distribution"],
    ["numjob", "numjobs"],
    ["rwmixreed", "rwmixread"],
    ["rateiops", "rate_iops"],
    ["bsplit", "bssplit"],
  ])("%s -> %s", (typo, meant) => {
    expect(suggestKey(typo, JOB_KEYS)).toBe(meant);
  });

  test.each(["flavor", "x", "depth_of_queue"])("%s is too far from every key for a suggestion", (typo) => {
    expect(suggestKey(typo, JOB_KEYS)).toBeUndefined();
  });
});

describe("rendering", () => {
  test("paths use dots for keys, brackets for indices and quotes for other keys", () => {
    expect(formatPath(["workloads", 0, "iodepth"])).toBe("workloads[0].iodepth");
    expect(formatPath(["devices", "cache", "percentilesNs", "99.9"])).toBe('devices.cache.percentilesNs["99.9"]');
    expect(formatPath([])).toBe("");
  });

  test("a problem is one line; ScenarioError lists them sorted, the file's before --set's", () => {
    const unknown = { file: "q.yaml", line: 12, column: 5, path: "workloads[0].iodeph", message: "unknown key", expected: "one of the keys ...", found: '"iodeph"', suggestion: "iodepth" };
    const bad = { file: "q.yaml", line: 3, column: 9, path: "engine.chunkSize", message: "chunk size is not a power of two", expected: "a power of two", found: '"3k"' };
    const fromSet = { file: "<--set>", line: 1, column: 1, path: "stop", message: 'missing "=" and a value', expected: "path=value", found: "the end of the argument" };
    expect(formatProblem(unknown)).toBe('q.yaml:12:5: workloads[0].iodeph: unknown key; did you mean "iodepth"?');
    const error = new ScenarioError([fromSet, unknown, bad]);
    expect(error.problems).toEqual([bad, unknown, fromSet]);
    expect(error.message).toBe(
      [
        'q.yaml:3:9: engine.chunkSize: chunk size is not a power of two; expected a power of two, found "3k"',
        'q.yaml:12:5: workloads[0].iodeph: unknown key; did you mean "iodepth"?',
        '<--set>:1:1: stop: missing "=" and a value; expected path=value, found the end of the argument',
      ].join("\n"),
    );
    expect(error.name).toBe("ScenarioError");
    expect(error).toBeInstanceOf(Error);
  });
});
