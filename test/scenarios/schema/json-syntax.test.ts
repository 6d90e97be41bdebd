import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { jsonSyntaxError } from "../../../scenarios/schema/json-syntax.js";
import { loadScenarioText, ScenarioError } from "../../../scenarios/schema/load.js";

const here = dirname(fileURLToPath(import.meta.url));

describe("strict JSON syntax for .json scenarios", () => {
  test.each([
    ['{"a": [1, 2,]}', 11, 'a trailing comma before "]"'],
    ['{"a": 1,}', 7, 'a trailing comma before "}"'],
    ["{'a': 1}", 1, '"\'" where a key starts'],
    ["{a: 1}", 1, '"a" where a key starts'],
    ['// note\n{"a": 1}', 0, '"/" is not a JSON value (JSON has no comments)'],
    ['{"a": 1} # note', 9, '"#" after the document\'s value'],
    ['{"a": 01}', 7, '"1" after a member'],
    ['{"a": .5}', 6, '"." is not a JSON value'],
    ['{"a": "x\ty"}', 8, "a control character inside a string"],
    ['{"a": "\\x"}', 7, "an escape JSON does not have"],
    ['{"a": True}', 6, '"T" is not a JSON value'],
    ['{"a": 1', 7, "the end of the file after a member"],
    ["", 0, "the end of the file is not a JSON value"],
  ])("%j is refused at offset %i: %s", (text, offset, problem) => {
    expect(jsonSyntaxError(text)).toMatchObject({ offset, problem });
  });

  test("whatever JSON.stringify writes is JSON, and the shipped JSON fixture too", () => {
    expect(jsonSyntaxError(readFileSync(join(here, "fixtures", "full.json"), "utf8"))).toBeUndefined();
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, "\t"), (value, indent) => {
        expect(jsonSyntaxError(JSON.stringify(value, null, indent))).toBeUndefined();
      }),
      { numRuns: 300, seed: 20261205 },
    );
  });

  test("refuses exactly what JSON.parse refuses, on JSON texts with a character inserted, removed or replaced", () => {
    const slips = [",", "}", "]", "{", "[", ":", '"', "'", "/", "#", "0", "1", "-", "+", ".", "e", "E", " ", "\n", "\r", "\t", "\\", "u", "x", "t", "n", "\u0001", "\u00a0"];
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1), fc.nat(), fc.constantFrom("insert", "remove", "replace"), fc.constantFrom(...slips), (value, indent, at, how, slip) => {
        const json = JSON.stringify(value, null, indent);
        const i = at % (json.length + 1);
        const text = how === "insert" ? json.slice(0, i) + slip + json.slice(i) : how === "remove" ? json.slice(0, i) + json.slice(i + 1) : json.slice(0, i) + slip + json.slice(i + 1);
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        expect(jsonSyntaxError(text) === undefined, text).toBe(parses);
      }),
      { numRuns: 3000, seed: 20261205 },
    );
  });

  test("a byte order mark before the value is allowed, as RFC 8259 lets a reader ignore it (editors on Windows write one)", () => {
    expect(jsonSyntaxError('\uFEFF{"a": 1}')).toBeUndefined();
    expect(jsonSyntaxError('{"a": \uFEFF1}')).toMatchObject({ offset: 6 });
  });

  test("a .json scenario is held to JSON with file:line:column; the same text named .yaml is YAML", () => {
    const text = '{\n  "devices": { "source": { "model": "instant", "capacity": "1GiB" }, "cache": { "model": "instant", "capacity": "1GiB" } },\n  "workloads": [{ "kind": "job" }],\n  "stop": { "hostIos": 10, },\n}\n';
    const refusal = (() => {
      try {
        loadScenarioText(text, { fileName: "scenarios/trailing.json" });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(ScenarioError);
    expect((refusal as ScenarioError).problems).toEqual([
      expect.objectContaining({ file: "scenarios/trailing.json", line: 4, column: 26, message: 'JSON syntax error: a trailing comma before "}"' }),
    ]);
    expect(() => loadScenarioText(text, { fileName: "scenarios/trailing.yaml" })).not.toThrow();
  });
});
