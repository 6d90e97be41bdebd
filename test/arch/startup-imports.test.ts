import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { staticClosure } from "./static-imports.js";

/** The built code, as `cofwsim` runs it (npm test builds before it tests). */
const dist = fileURLToPath(new URL("../../dist", import.meta.url));

describe("what the command line loads before it knows the command", () => {
  it("is the command definitions only: no simulator, no reports, no schema", () => {
    // `cofwsim --help`, `--version`, every usage error and every command start here; vega, vega-lite and zod
    // alone took ~0.6 s to load, which each spawned command in the tests paid too.
    const { modules, packages } = staticClosure(dist, "bin/cli.js");
    expect([...packages.keys()].sort()).toEqual(["cli-progress", "commander"]);
    expect([...modules].filter((module) => /^(engine|sim)\/|^io\/(?!bad-value-error)|^scenarios\/(runner|crash|schema\/load)|^reports\/(?!sweep\/default-jobs|gate\/(gate-set|errors)|write-file)/.test(module))).toEqual([]);
  });

  it("is found by following the built modules' static imports", () => {
    // The check above must see what a command's own loading pulls in: a run's report loads the charts.
    const report = staticClosure(dist, "reports/run-report.js");
    expect(report.packages.has("vega-lite")).toBe(true);
    expect(report.modules.has("reports/render-svg.js")).toBe(true);
    expect(staticClosure(dist, "bin/error-report.js").modules.has("engine/index.js")).toBe(true);
  });
});
