import type { RunResults } from "../scenarios/runner/results.js";
import type { WallSection } from "./headline.js";
import type { TimeSeries } from "../scenarios/runner/time-series.js";
import { engineTable, jobsTable, JOBS_TABLE_CAPTION, manifestRows, sessionsTimelineTable, wallTable, type TextTable } from "./headline.js";
import { WALL_BEGIN_MARKER, WALL_END_MARKER } from "./run-html.js";

/**
 * Makes user text (job names, notes, errors) literal in GitHub-flavoured
 * markdown: punctuation that could start emphasis, strikethrough, a link,
 * code, HTML or an entity, or end a table cell, is backslash-escaped, and a
 * newline cannot break a table row. Text never starts a line (it follows
 * "| " or "- "), so line-start syntax such as headings needs no escape.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*_[\]<>|~&]/g, (char) => `\\${char}`);
}

function markdownTable(table: TextTable): string {
  const row = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
  const rule = `| ${table.columns.map((column) => (column.numeric ? "---:" : "---")).join(" | ")} |`;
  return [row(table.columns.map((column) => column.label)), rule, ...table.rows.map(row)].join("\n");
}

export interface RunMarkdownInput {
  readonly results: RunResults;
  readonly timeSeries: TimeSeries;
  readonly wall: WallSection;
}

/** summary.md: the headline for a CI job summary ($GITHUB_STEP_SUMMARY); no images, the charts are in report.html. */
export function renderRunMarkdown({ results, timeSeries, wall }: RunMarkdownInput): string {
  const lines: string[] = [];
  const { manifest } = results;
  lines.push(`## cofwsim run: ${escapeMarkdown(manifest.scenario.name)}`, "");
  if (results.problems.length > 0) {
    lines.push(`**This run found ${results.problems.length} problem${results.problems.length === 1 ? "" : "s"} and exits 1:**`, "");
    for (const problem of results.problems) lines.push(`- ${escapeMarkdown(problem)}`);
    lines.push("");
  }
  lines.push(markdownTable({ columns: [{ label: "run", numeric: false }, { label: "value", numeric: false }], rows: manifestRows(results, timeSeries) }), "");
  const jobs = jobsTable(results);
  lines.push("### Host I/O, per job and op", "", JOBS_TABLE_CAPTION, "");
  lines.push(jobs.rows.length === 0 ? "No host I/O completed in the measurement window." : markdownTable(jobs), "");
  lines.push("### Engine counters", "", "The whole run, warm-up included.", "", markdownTable(engineTable(results)), "");
  if (results.sessions.length > 0) lines.push("### Session timeline", "", "Simulated times since the Cache LU was ready.", "", markdownTable(sessionsTimelineTable(results)), "");
  if (results.notes.length > 0) {
    lines.push("### Notes", "");
    for (const note of results.notes) lines.push(`- ${escapeMarkdown(note)}`);
    lines.push("");
  }
  lines.push("Charts, the time series and the scenario text are in `report.html` beside this file.", "");
  lines.push(WALL_BEGIN_MARKER, "### Wall-clock figures (not deterministic)", "", "These depend on the machine and its load; everything above is identical for the same scenario, seed and version.", "");
  lines.push(markdownTable(wallTable(wall)), WALL_END_MARKER, "");
  return lines.join("\n");
}
