import { describe, expect, it } from "vitest";
import { formatBaseline, parseBaseline, type Baseline } from "../../../reports/gate/baseline.js";
import { GateInputError } from "../../../reports/gate/errors.js";
import { formatChange, formatExact } from "../../../reports/gate/render.js";

const manifest = { cofwsimVersion: "0.1.0", scenario: { name: "b", file: "b.yaml", contentHash: "h" }, seed: "1", overrides: [], nodeVersion: "v20.0.0" };

describe("baseline file", () => {
  it("is written in a fixed key order whatever order it was built in, and reads back the same", () => {
    const scrambled = {
      scenarios: {
        b: { wall: undefined, metrics: { "jobs.x.write.iops": 2, "engine.flushes": 1 }, tolerances: { z: { direction: "either" as const, absolute: 1 }, a: { relativePercent: 2 } }, manifest: { ...manifest, nodeVersion: "v20.0.0", seed: "1" } },
        a: { metrics: {}, manifest: { ...manifest, scenario: { contentHash: "g", file: "a.yaml", name: "a" } } },
      },
      tolerances: { "*": { relativePercent: 1 } },
      format: "cofwsim-gate-baseline/1" as const,
    } as unknown as Baseline;
    const text = formatBaseline(scrambled);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["format", "tolerances", "scenarios"]);
    expect(text.indexOf('"a": {')).toBeLessThan(text.indexOf('"b": {'));
    expect(text.indexOf('"engine.flushes"')).toBeLessThan(text.indexOf('"jobs.x.write.iops"'));
    expect(text).toMatch(/"z": \{\n\s+"absolute": 1,\n\s+"direction": "either"\n/);
    expect(text).not.toMatch(/"wall"/);
    expect(formatBaseline(parseBaseline(JSON.parse(text), "test"))).toBe(text);
  });

  it("rejects malformed files with every bad field named, and entries filed under another scenario's name", () => {
    const bad = { format: "cofwsim-gate-baseline/1", scenarios: { b: { manifest, metrics: { "engine.flushes": "3" }, extra: 1 } } };
    expect(() => parseBaseline(bad, "bad.json")).toThrow(GateInputError);
    expect(() => parseBaseline(bad, "bad.json")).toThrow(/scenarios\.b\.metrics\.engine\.flushes[\s\S]*scenarios\.b: Unrecognized key: "extra"/);
    expect(() => parseBaseline({ format: "cofwsim-gate-baseline/1", scenarios: { other: { manifest, metrics: {} } } }, "x.json")).toThrow(/the entry "other" holds a run of scenario "b"/);
    expect(() => parseBaseline({ format: "something else", scenarios: {} }, "x.json")).toThrow(/format/);
  });
});

describe("table formatting", () => {
  it("prints values exactly and changes visibly, however small", () => {
    expect(formatExact(27933.687)).toBe("27,933.687");
    expect(formatExact(undefined)).toBe("—");
    expect(formatChange(0)).toBe("0%");
    expect(formatChange(-12.345)).toBe("-12.35%");
    expect(formatChange(0.0000036)).toBe("+0.0000036%");
    expect(formatChange(null)).toBe("n/a (baseline 0)");
  });
});
