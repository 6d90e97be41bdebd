import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RUN_CHARTS } from "../../reports/charts/index.js";

/** Runs the built CLI as a user would (npm test builds dist/ first). */
const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(root, "dist/bin/cofwsim.js");

describe("cofwsim run writes the report", () => {
  it("beside results.json: CSVs, each chart's .vl.json and .svg, report.html and summary.md; and prints where", () => {
    const dir = mkdtempSync(join(tmpdir(), "cofwsim-run-report-"));
    try {
      const run = spawnSync(process.execPath, [cli, "run", "--set", "stop.hostIos=3000", "--out", dir], { encoding: "utf8", cwd: root });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(`report:  ${join(dir, "report.html")}\n`);
      const files = [
        "results.json",
        "host-timeseries.csv",
        "engine-timeseries.csv",
        "latency-curves.csv",
        "sessions.csv",
        ...RUN_CHARTS.flatMap((chart) => [`${chart.name}.vl.json`, `${chart.name}.svg`]),
        "report.html",
        "summary.md",
      ];
      for (const file of files) {
        expect(existsSync(join(dir, file)), file).toBe(true);
        expect(statSync(join(dir, file)).size, file).toBeGreaterThan(0);
      }
      const html = readFileSync(join(dir, "report.html"), "utf8");
      expect(html).toContain("<li>--set stop.hostIos=3000</li>");
      expect(html.match(/<figure class="chart"/g)?.length).toBe(RUN_CHARTS.length);
      expect(readFileSync(join(dir, "summary.md"), "utf8")).toMatch(/\| oltp \| write \| [\d,]+ \|/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
