import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { RUN_CHARTS } from "../../reports/charts/index.js";
import { formatInteger, formatRate, nsToMicros } from "../../reports/format.js";
import { WALL_BEGIN_MARKER, WALL_END_MARKER } from "../../reports/run-html.js";
import { writeRunReport, type RunReportInput } from "../../reports/run-report.js";
import { RUN_REPORT_FILES } from "../../reports/output-families.js";
import { writeOutputSet } from "../../bin/output-set.js";
import { FIXED_WALL, HOSTILE_JOB_NAME, shortRun } from "./fixture.js";

/** The only absolute URLs allowed in report.html: XML namespace names inside the inline SVG, which nothing fetches. */
const SVG_NAMESPACES = new Set(["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]);

const withoutWall = (text: string): string => {
  const begin = text.indexOf(WALL_BEGIN_MARKER);
  const end = text.indexOf(WALL_END_MARKER);
  expect(begin).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(begin);
  return text.slice(0, begin) + text.slice(end);
};

const wallOf = (text: string): string => text.slice(text.indexOf(WALL_BEGIN_MARKER), text.indexOf(WALL_END_MARKER));

let dir: string;
let input: RunReportInput;
let paths: string[];
let html: string;
let markdown: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cofwsim-report-"));
  input = shortRun();
  paths = await writeRunReport(dir, input);
  html = readFileSync(join(dir, "report.html"), "utf8");
  markdown = readFileSync(join(dir, "summary.md"), "utf8");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeRunReport", () => {
  it("writes the CSVs, each chart's spec and SVG, report.html and summary.md, and returns their paths", () => {
    const charts = RUN_CHARTS.flatMap((chart) => [`${chart.name}.vl.json`, `${chart.name}.svg`]);
    expect(paths.map((path) => basename(path))).toEqual(["host-timeseries.csv", "engine-timeseries.csv", "latency-curves.csv", "sessions.csv", ...charts, "report.html", "summary.md"]);
    for (const path of paths) expect(existsSync(path), path).toBe(true);
    for (const chart of RUN_CHARTS) expect(JSON.parse(readFileSync(join(dir, `${chart.name}.vl.json`), "utf8"))).toEqual(chart.build(input));
  });

  it("written as the commands write it (an output set), leaves no chart of an earlier run in the directory that this run has nothing to draw for", async () => {
    const reused = mkdtempSync(join(tmpdir(), "cofwsim-report-"));
    const writeSet = (report: RunReportInput) => writeOutputSet(reused, RUN_REPORT_FILES, (into) => writeRunReport(into, report));
    try {
      await writeSet(input);
      // A run with no host I/O draws no throughput or latency chart.
      const idle = { ...input, timeSeries: { ...input.timeSeries, host: [], latencyCurves: [] } };
      const drawn = RUN_CHARTS.filter((chart) => chart.build(idle) !== undefined).map((chart) => chart.name);
      expect(drawn.length).toBeLessThan(RUN_CHARTS.length);
      await writeSet(idle);
      for (const chart of RUN_CHARTS) {
        for (const extension of [".vl.json", ".svg"]) expect(existsSync(join(reused, `${chart.name}${extension}`)), `${chart.name}${extension}`).toBe(drawn.includes(chart.name));
      }
    } finally {
      rmSync(reused, { recursive: true, force: true });
    }
  });

  it("is byte-identical for the same run apart from the marked wall-clock sections", async () => {
    const otherDir = mkdtempSync(join(tmpdir(), "cofwsim-report-"));
    try {
      await writeRunReport(otherDir, shortRun({ ...FIXED_WALL, wallSeconds: 9.5, peakRssBytes: 999 * 2 ** 20 }));
      for (const path of paths) {
        const name = basename(path);
        const other = readFileSync(join(otherDir, name), "utf8");
        const mine = readFileSync(path, "utf8");
        if (name === "report.html" || name === "summary.md") {
          expect(withoutWall(other), name).toBe(withoutWall(mine));
          expect(wallOf(other), name).not.toBe(wallOf(mine));
        } else expect(other, name).toBe(mine);
      }
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe("report.html", () => {
  it("is one self-contained file: no scripts, no external styles, fonts or images, no URL but the SVG namespaces", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    const urls = new Set(html.match(/https?:\/\/[^\s"'<>)]*/g) ?? []);
    expect([...urls].filter((url) => !SVG_NAMESPACES.has(url))).toEqual([]);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\((?!#)|\ssrc=/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).toMatch(/<style>[^]*<\/style>/);
  });

  it("holds every chart inline, exactly as written to its .svg file", () => {
    for (const chart of RUN_CHARTS) {
      const svg = readFileSync(join(dir, `${chart.name}.svg`), "utf8");
      expect(html).toContain(`<figure class="chart" id="chart-${chart.name}" data-chart="${chart.name}">\n${svg}\n<figcaption>`);
    }
    expect(html.match(/<svg\b/g)?.length).toBe(RUN_CHARTS.length);
  });

  it("shows the scenario as run (escaped), seed, version, content hash and overrides", () => {
    const { manifest } = input.results;
    expect(html).toContain(`<h1>cofwsim report: quickstart</h1>`);
    expect(html).toContain(`<dt>seed</dt><dd>${manifest.seed}</dd>`);
    expect(html).toContain(`<dt>cofwsim version</dt><dd>0.0.0-test</dd>`);
    expect(html).toContain(`<dt>scenario content hash (sha256)</dt><dd>${"f".repeat(64)}</dd>`);
    expect(html).toContain("<pre># The default scenario of `cofwsim run`");
    expect(html).toContain("random_distribution: &quot;zipf:1.1&quot;");
    expect(html).toContain("<li>--set stop.hostIos=3000</li>");
  });

  it("has the headline: fio-style figures per job and op, and the engine counters", () => {
    for (const job of input.results.jobs) {
      for (const op of ["read", "write"] as const) {
        const d = job[op];
        if (d.total_ios === 0) continue;
        const cells = [formatRate(d.iops), nsToMicros(d.clat_ns.mean), nsToMicros(d.clat_ns.percentile?.["99.000000"] ?? 0), nsToMicros(d.clat_ns.percentile?.["99.900000"] ?? 0), formatInteger(d.total_ios)];
        for (const cell of cells) expect(html).toContain(`<td class="num">${cell}</td>`);
      }
    }
    const engine = input.results.engine;
    expect(html).toContain(`<td>COFW copies</td><td class="num">${formatInteger(engine.cofwCopies)}</td>`);
    expect(html).toContain(`<td>write amplification</td><td class="num">${engine.writeAmplification.toFixed(3)}</td>`);
    expect(html).toContain(`<td>Cache LU chunks used</td><td class="num">${formatInteger(engine.cacheChunksUsed)} / ${formatInteger(engine.cacheChunksTotal)}</td>`);
    for (const label of ["copies per host write", "metadata writes", "engine flushes", "sessions terminated"]) expect(html).toContain(`<td>${label}</td>`);
    // The caption says what total_ios counts: I/Os completed in the window, those issued in the warm-up included.
    for (const text of [html, markdown]) {
      expect(text).toContain("fio-style: I/Os completed in the measurement window (one issued in the warm-up counts");
      expect(text).not.toContain("issued in the measurement window");
    }
  });

  it("shows the session timeline, notes and problems", () => {
    expect(html).toContain(`<td>rollback</td><td class="num">0</td>`);
    expect(html).toContain("slot 0 holds a live session; a start takes a free slot");
    expect(html).toContain(`<p class="problems" id="problems-banner">This run found 1 problem and exits 1`);
    for (const note of input.results.notes) expect(html).toContain(note.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;"));
  });

  it("escapes user text: a job name never appears as markup", () => {
    expect(html).not.toContain(HOSTILE_JOB_NAME);
    expect(html).not.toContain("<l>");
    expect(html).toContain("<td>o&lt;l&gt;t&amp;p &quot;x&quot; | *y*</td>");
  });

  it("keeps the wall-clock figures in their own section, marked not deterministic, at the end", () => {
    const wall = wallOf(html);
    expect(wall).toContain(`<section id="wall" class="wall">`);
    expect(wall).toContain("not deterministic");
    expect(wall).toContain("<td>wall time (s)</td><td class=\"num\">0.250</td>");
    expect(withoutWall(html)).not.toContain("wall time (s)");
    expect(html.indexOf(WALL_BEGIN_MARKER)).toBeGreaterThan(html.lastIndexOf("<svg"));
  });
});

describe("summary.md", () => {
  it("has the same headline numbers as GitHub-flavoured markdown tables, and no images", () => {
    expect(markdown).toMatch(/^## cofwsim run: quickstart\n/);
    for (const job of input.results.jobs) {
      const d = job.write.total_ios > 0 ? job.write : job.read;
      expect(markdown).toContain(`| ${formatRate(d.iops)} |`);
      expect(markdown).toContain(`| ${formatInteger(d.total_ios)} |`);
      expect(markdown).toContain(`| ${nsToMicros(d.clat_ns.percentile?.["99.000000"] ?? 0)} |`);
    }
    expect(markdown).toContain(`| COFW copies | ${formatInteger(input.results.engine.cofwCopies)} |`);
    expect(markdown).toContain(`| write amplification | ${input.results.engine.writeAmplification.toFixed(3)} |`);
    expect(markdown).toContain("| --- | --- | ---: | ---: |");
    expect(markdown).not.toMatch(/!\[|<svg|<img/);
    expect(markdown).toContain("This run found 1 problem");
  });

  it("escapes user text, so a job name cannot break a table or start emphasis", () => {
    expect(markdown).toContain("| o\\<l\\>t\\&p \"x\" \\| \\*y\\* | write |");
    // Every row of a table has as many unescaped cell separators as its header.
    const tables = markdown.split(/\n(?!\|)/).map((block) => block.split("\n").filter((line) => line.startsWith("|"))).filter((rows) => rows.length > 0);
    expect(tables.length).toBeGreaterThanOrEqual(4);
    for (const rows of tables) {
      const separators = (line: string) => line.replace(/\\\|/g, "").split("|").length;
      for (const row of rows) expect(separators(row), row).toBe(separators(rows[0]!));
    }
  });

  it("marks the wall-clock figures as not deterministic", () => {
    expect(wallOf(markdown)).toContain("### Wall-clock figures (not deterministic)");
    expect(withoutWall(markdown)).not.toContain("wall time (s)");
  });
});
