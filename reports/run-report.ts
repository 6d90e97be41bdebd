import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { RunResults } from "../scenarios/runner/results.js";
import type { WallSection } from "./headline.js";
import type { TimeSeries } from "../scenarios/runner/time-series.js";
import { RUN_CHARTS } from "./charts/index.js";
import { runCsvTables, toCsv } from "./csv.js";
import { renderSvg } from "./render-svg.js";
import { renderRunHtml, type RenderedChart, type RunHtmlInput } from "./run-html.js";
import { renderRunMarkdown } from "./run-markdown.js";
import { writeTextFile } from "./write-file.js";

export interface RunReportInput {
  readonly results: RunResults;
  readonly timeSeries: TimeSeries;
  /** The scenario file's text, shown in report.html as run. */
  readonly scenarioText: string;
  readonly wall: WallSection;
  /** The `--set` overrides applied on top of the file, shown under its text (the file alone is not what ran). */
  readonly overrides?: readonly string[];
  /** Further report.html sections (see RunHtmlInput). */
  readonly extraSections?: RunHtmlInput["extraSections"];
}

/**
 * Writes a run's report files into `dir` (beside results.json): the CSV time
 * series, each chart as `<name>.vl.json` and `<name>.svg`, `report.html` and
 * `summary.md`. Returns the paths written, in that order. Everything but the
 * marked wall-clock sections is a function of the results alone.
 */
export async function writeRunReport(dir: string, input: RunReportInput): Promise<string[]> {
  // Synchronous: an asynchronous mkdir still in the thread pool when a command exits (a failed write to stdout, a
  // signal) recreated the output set's staging directory after it had been removed, and left it in --out.
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = async (fileName: string, content: string) => {
    const path = join(dir, fileName);
    await writeTextFile(path, content);
    written.push(path);
  };

  const tables = runCsvTables(input.results, input.timeSeries);
  for (const table of tables) await write(table.fileName, toCsv(table));

  const charts: RenderedChart[] = [];
  for (const chart of RUN_CHARTS) {
    const spec = chart.build({ results: input.results, timeSeries: input.timeSeries });
    // A chart this run has nothing to draw for is not written. One an earlier run left in --out is not for this
    // writer to remove: the commands write through bin/output-set.ts, which replaces a run's whole set of files.
    if (spec === undefined) continue;
    await write(`${chart.name}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`);
    const svg = await renderSvg(spec);
    await write(`${chart.name}.svg`, svg);
    charts.push({ name: chart.name, caption: chart.caption, svg });
  }

  await write(
    "report.html",
    renderRunHtml({
      results: input.results,
      timeSeries: input.timeSeries,
      scenarioText: input.scenarioText,
      overrides: input.overrides ?? [],
      wall: input.wall,
      charts,
      csvFiles: tables.map((table) => table.fileName),
      ...(input.extraSections === undefined ? {} : { extraSections: input.extraSections }),
    }),
  );
  await write("summary.md", renderRunMarkdown(input));
  return written;
}
