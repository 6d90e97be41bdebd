import type { RunResults } from "../scenarios/runner/results.js";
import type { WallSection } from "./headline.js";
import type { TimeSeries } from "../scenarios/runner/time-series.js";
import { engineTable, jobsTable, JOBS_TABLE_CAPTION, manifestRows, sessionsTimelineTable, wallTable } from "./headline.js";
import { escapeHtml, htmlFacts, htmlList, htmlTable } from "./html.js";
import { REPORT_CSS } from "./report-css.js";

/** Brackets the only part of report.html and summary.md that differs between two runs of the same scenario, seed and version. */
export const WALL_BEGIN_MARKER = "<!-- wall-clock figures: not deterministic -->";
export const WALL_END_MARKER = "<!-- end of wall-clock figures -->";

/**
 * Forbids every fetch the page could make (scripts, styles from elsewhere,
 * images, fonts, frames): the report is one file and a browser enforces it.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

export interface RenderedChart {
  readonly name: string;
  readonly caption: string;
  /** The chart as vega rendered it; vega escapes the text it puts in it. */
  readonly svg: string;
}

export interface RunHtmlInput {
  readonly results: RunResults;
  readonly timeSeries: TimeSeries;
  readonly scenarioText: string;
  readonly overrides: readonly string[];
  readonly wall: WallSection;
  readonly charts: readonly RenderedChart[];
  /** Names of the CSV files written beside the report, listed so readers know they exist. */
  readonly csvFiles: readonly string[];
  /** Further sections (already markup), placed after "The run": a crash campaign's, for one. */
  readonly extraSections?: ReadonlyArray<{ readonly id: string; readonly title: string; readonly bodyHtml: string }>;
}

/** `titleHtml` and `bodyHtml` are markup already: every caller escapes the text it puts in them. */
function section(id: string, titleHtml: string, bodyHtml: string, className?: string): string {
  return `<section id="${escapeHtml(id)}"${className === undefined ? "" : ` class="${escapeHtml(className)}"`}>\n<h2>${titleHtml}</h2>\n${bodyHtml}\n</section>`;
}

function chartFigure(chart: RenderedChart): string {
  const files = `<code>${escapeHtml(chart.name)}.vl.json</code> (vega-lite spec, data inline) and <code>${escapeHtml(chart.name)}.svg</code>`;
  return `<figure class="chart" id="chart-${escapeHtml(chart.name)}" data-chart="${escapeHtml(chart.name)}">\n${chart.svg}\n<figcaption>${escapeHtml(chart.caption)} Files: ${files}.</figcaption>\n</figure>`;
}

/** report.html: one self-contained page, deterministic except the marked wall-clock section at the end. */
export function renderRunHtml(input: RunHtmlInput): string {
  const { results, timeSeries } = input;
  const { manifest } = results;
  const jobs = jobsTable(results);
  const parts: string[] = [];
  parts.push(
    `<header>\n<h1>cofwsim report: ${escapeHtml(manifest.scenario.name)}</h1>\n<p>seed ${escapeHtml(manifest.seed)} · cofwsim ${escapeHtml(manifest.cofwsimVersion)} · scenario sha256 <code>${escapeHtml(manifest.scenario.contentHash.slice(0, 16))}</code>…</p>\n</header>`,
  );
  parts.push(
    `<nav><a href="#run">run</a>${(input.extraSections ?? []).map((extra) => `<a href="#${escapeHtml(extra.id)}">${escapeHtml(extra.id)}</a>`).join("")}<a href="#headline">headline</a><a href="#sessions">sessions</a><a href="#notes">notes and problems</a><a href="#charts">charts</a><a href="#scenario">scenario</a><a href="#wall">wall clock</a></nav>`,
  );
  const problemCount = results.problems.length;
  if (problemCount > 0) parts.push(`<p class="problems" id="problems-banner">This run found ${problemCount} problem${problemCount === 1 ? "" : "s"} and exits 1: <a href="#notes">see them below</a>.</p>`);
  parts.push(section("run", "The run", htmlFacts(manifestRows(results, timeSeries))));
  for (const extra of input.extraSections ?? []) parts.push(section(extra.id, escapeHtml(extra.title), extra.bodyHtml));
  parts.push(
    section(
      "headline",
      "Headline",
      [
        `<h3>Host I/O, per job and op</h3>`,
        `<p class="hint">${escapeHtml(JOBS_TABLE_CAPTION)}</p>`,
        jobs.rows.length === 0 ? `<p>No host I/O completed in the measurement window.</p>` : htmlTable(jobs),
        `<h3>Engine counters</h3>`,
        `<p class="hint">The whole run, warm-up included.</p>`,
        htmlTable(engineTable(results)),
      ].join("\n"),
    ),
  );
  parts.push(
    section(
      "sessions",
      "Session timeline",
      results.sessions.length === 0
        ? `<p>No session operations.</p>`
        : `<p class="hint">Simulated times since the Cache LU was ready; the charts mark each operation when it took effect.</p>\n${htmlTable(sessionsTimelineTable(results))}`,
    ),
  );
  const problems = problemCount === 0 ? "<p>No problems.</p>" : `<div class="problems">\n<h3>Problems</h3>\n${htmlList(results.problems)}\n</div>`;
  const notes = results.notes.length === 0 ? "<p>No notes.</p>" : `<h3>Notes</h3>\n${htmlList(results.notes)}`;
  parts.push(section("notes", "Notes and problems", `${problems}\n${notes}`));
  parts.push(
    section(
      "charts",
      "Charts",
      [
        `<p class="hint">Each chart's vega-lite spec is written beside this report, to restyle or re-render it. The time series are also in ${input.csvFiles.map((file) => `<code>${escapeHtml(file)}</code>`).join(", ")}.</p>`,
        ...input.charts.map(chartFigure),
      ].join("\n"),
    ),
  );
  const overrides = input.overrides.length === 0 ? "" : `<p>Run with these overrides applied on top of the file:</p>\n${htmlList(input.overrides.map((override) => `--set ${override}`))}`;
  parts.push(section("scenario", `Scenario as run: ${escapeHtml(manifest.scenario.file)}`, `${overrides}\n<pre>${escapeHtml(input.scenarioText)}</pre>`));
  parts.push(WALL_BEGIN_MARKER);
  parts.push(
    section(
      "wall",
      `Wall-clock figures <span class="badge">not deterministic</span>`,
      `<p>These depend on the machine and its load. Everything above is identical for the same scenario, seed and cofwsim version.</p>\n${htmlTable(wallTable(input.wall))}`,
      "wall",
    ),
  );
  parts.push(WALL_END_MARKER);
  const title = `cofwsim report: ${manifest.scenario.name} (seed ${manifest.seed})`;
  return [
    `<!doctype html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    `</head>`,
    `<body>`,
    `<main>`,
    ...parts,
    `<footer>Written by cofwsim ${escapeHtml(manifest.cofwsimVersion)}. Self-contained: no scripts, fonts or network.</footer>`,
    `</main>`,
    `</body>`,
    `</html>`,
    ``,
  ].join("\n");
}
