import { describe, expect, it } from "vitest";
import type { LoggerInterface } from "vega";
import { compile } from "vega-lite";
import { RUN_CHARTS } from "../../reports/charts/index.js";
import { renderSvg } from "../../reports/render-svg.js";
import { HOSTILE_JOB_NAME, shortRun } from "./fixture.js";
import { xmlProblems } from "./xml.js";

const input = shortRun();

/** Keeps what vega-lite would print: a warning means a channel or scale did not do what the spec says. */
class CollectingLogger implements LoggerInterface {
  readonly messages: string[] = [];
  level(): number {
    return 0;
  }
  error(...args: unknown[]): this {
    return this.keep("error", args);
  }
  warn(...args: unknown[]): this {
    return this.keep("warn", args);
  }
  info(): this {
    return this;
  }
  debug(): this {
    return this;
  }
  private keep(level: string, args: unknown[]): this {
    this.messages.push(`${level}: ${args.map(String).join(" ")}`);
    return this;
  }
}

/** The mark each chart must draw, as vega names its SVG groups (`mark-line`, `mark-rule`...). */
const EXPECTED_MARKS: Record<string, readonly string[]> = {
  throughput: ["mark-line", "mark-rule", "mark-text"],
  "latency-curves": ["mark-line", "mark-symbol"],
  "cofw-activity": ["mark-line", "mark-area", "mark-rule"],
  "device-bytes": ["mark-rect", "mark-area"],
};

describe("run charts", () => {
  it("are the four of the issue, each in its own file", () => {
    expect(RUN_CHARTS.map((chart) => chart.name)).toEqual(Object.keys(EXPECTED_MARKS));
  });

  for (const chart of RUN_CHARTS) {
    describe(chart.name, () => {
      const spec = chart.build(input);

      it("is a vega-lite spec that compiles without warnings", () => {
        expect(spec).toBeDefined();
        const logger = new CollectingLogger();
        compile(spec!, { logger });
        expect(logger.messages).toEqual([]);
        expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
      });

      it("renders to well-formed SVG with its marks, titles and units", async () => {
        const svg = await renderSvg(spec!);
        expect(svg.startsWith("<svg")).toBe(true);
        expect(xmlProblems(svg)).toEqual([]);
        for (const mark of EXPECTED_MARKS[chart.name] ?? []) expect(svg, mark).toMatch(new RegExp(`class="${mark}\\b[^"]*role-mark`));
        expect(svg).toMatch(/<(path|rect|line)\b[^>]*(\sd="M|\swidth="[1-9]|\sx2=|\sy2=)/);
        // Every chart has a title and at least one axis title naming its unit.
        expect(svg).toMatch(/role-title/);
        expect(svg).toMatch(/\((ms|µs[^)]*|MiB[^)]*|host I\/Os per second)\)/);
        expect(await renderSvg(spec!), "rendering is deterministic").toBe(svg);
      });
    });
  }

  it("mark every session operation on the throughput chart, failed ones as failed, and escape user text", async () => {
    const svg = await renderSvg(RUN_CHARTS.find((chart) => chart.name === "throughput")!.build(input)!);
    expect(svg).toContain("start slot 0");
    expect(svg).toContain("rollback slot 0");
    expect(svg).toContain("start slot 0 (failed)");
    expect(svg).not.toContain(HOSTILE_JOB_NAME);
    expect(svg).toContain("o&lt;l&gt;t&amp;p");
  });

  it("mark the sessions a full Cache LU ended, those ended together as one marker", async () => {
    const chart = RUN_CHARTS.find((candidate) => candidate.name === "throughput")!;
    const at = (slot: number, requestedAtNs: number, doneAtNs: number) => ({ action: "terminate" as const, slot, sequence: slot + 10, requestedAtNs, doneAtNs });
    const sessions = [...input.results.sessions, at(1, 40_000_000, 40_200_000), at(2, 40_000_000, 40_200_000), at(6, 41_000_000, 41_100_000)];
    const svg = await renderSvg(chart.build({ ...input, results: { ...input.results, sessions } })!);
    expect(svg).toContain("slots 1, 2 ended: Cache LU full");
    expect(svg).toContain("slot 6 ended: Cache LU full");
    expect(svg).not.toContain("slot 1 ended");
  });

  it("draw the Cache LU's capacity once usage comes near it, and not before", async () => {
    const chart = RUN_CHARTS.find((candidate) => candidate.name === "cofw-activity")!;
    const peakChunks = Math.max(...input.timeSeries.engine.map((row) => row.cacheChunksUsed));
    const withTotal = (cacheChunksTotal: number) => ({ ...input, results: { ...input.results, engine: { ...input.results.engine, cacheChunksTotal } } });
    expect(await renderSvg(chart.build(withTotal(peakChunks + 10))!)).toContain(`Cache LU capacity: ${peakChunks + 10} chunks`);
    expect(await renderSvg(chart.build(withTotal(peakChunks * 10))!)).not.toContain("Cache LU capacity:");
  });

  it("leave out what a run has nothing to draw for", () => {
    const empty = { ...input, timeSeries: { ...input.timeSeries, host: [], engine: [], latencyCurves: [] } };
    expect(RUN_CHARTS.filter((chart) => chart.build(empty) !== undefined).map((chart) => chart.name)).toEqual(["device-bytes"]);
  });
});
