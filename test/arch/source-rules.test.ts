import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { checkSource, checkTree } from "./source-rules.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("determinism and layering rules", () => {
  it("hold for the whole tree", () => {
    const violations = checkTree(root, ["io", "sim", "engine"]);
    expect(violations.map((v) => `${v.file}:${v.line} ${v.rule}: ${v.text}`)).toEqual([]);
  });

  it("flag the wall clock, Math.random and timers in sim/ and engine/", () => {
    const source = ["const a = Math.random();", "const t = Date.now();", "setTimeout(f, 1);", "const d = new Date();", "// Math.random in a comment is fine"].join("\n");
    expect(checkSource("engine", "engine/x.ts", source).map((v) => v.line)).toEqual([1, 2, 3, 4]);
    expect(checkSource("sim", "sim/x.ts", source)).toHaveLength(4);
    expect(checkSource("scenarios", "scenarios/x.ts", source)).toHaveLength(0);
  });

  it("flag engine/ importing from sim/, scenarios/, reports/ or bin/", () => {
    const source = [
      'import { Kernel } from "../sim/kernel.js";',
      'import type { Scenario } from "../../scenarios/schema.js";',
      'import { x } from "../reports/x.js";',
      'import { Payload } from "../io/payload.js";',
      'import { y } from "./simple.js";',
      'const z = await import("../bin/cofwsim.js");',
    ].join("\n");
    expect(checkSource("engine", "engine/x.ts", source).map((v) => v.line)).toEqual([1, 2, 3, 6]);
  });

  it("flag sim/ importing from engine/", () => {
    expect(checkSource("sim", "sim/x.ts", 'import { Engine } from "../engine/engine.js";')).toHaveLength(1);
  });
});
