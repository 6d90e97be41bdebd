/**
 * The gate's outputs: a plain-text table for the terminal, gate.md (GitHub
 * flavoured markdown, meant for $GITHUB_STEP_SUMMARY) and gate.json. Simulated
 * values are printed in full (only digit grouping): a regression in the third
 * decimal must not look like two equal numbers.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { MetricComparison, Verdict } from "./compare.js";
import { GateInputError } from "./errors.js";
import { writeTextFileSync } from "../write-file.js";
import type { GateReport, ScenarioReport, WallFigureReport } from "./run-gate.js";

const VERDICTS: readonly Verdict[] = ["same", "improvement", "REGRESSION", "new", "missing"];

function groupDigits(text: string): string {
  const [integerPart = "", fraction] = text.split(".");
  const grouped = integerPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A value exactly as stored (no rounding), with thousands separators. */
export function formatExact(value: number | undefined): string {
  if (value === undefined) return "—";
  const text = String(value);
  return /e/i.test(text) ? text : groupDigits(text);
}

/** A change in percent: two decimals, or two significant digits when that would round a real change to 0.00. */
export function formatChange(percent: number | null | undefined): string {
  if (percent === undefined) return "—";
  if (percent === null) return "n/a (baseline 0)";
  if (percent === 0) return "0%";
  const sign = percent > 0 ? "+" : "-";
  const magnitude = Math.abs(percent);
  return `${sign}${magnitude >= 0.01 ? magnitude.toFixed(2) : magnitude.toPrecision(2)}%`;
}

function formatRatio(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(3) : value.toPrecision(3);
}

function formatInterval(low: number, high: number): string {
  return `[${formatRatio(low)}, ${formatRatio(high)}]`;
}

function wallVerdictText(report: GateReport, figure: WallFigureReport): string {
  if (figure.verdict === "REGRESSION" && !report.wallGated) return "REGRESSION (not gated)";
  if (figure.verdict === "new") return "new (no baseline ratio)";
  if (figure.verdict === "incomparable") return "incomparable (other reference workload)";
  return figure.verdict;
}

function counts(report: GateReport): Record<Verdict, number> {
  const tally: Record<Verdict, number> = { same: 0, improvement: 0, REGRESSION: 0, new: 0, missing: 0 };
  for (const scenario of report.scenarios) for (const metric of scenario.metrics) tally[metric.verdict]++;
  return tally;
}

function countsText(report: GateReport): string {
  const tally = counts(report);
  const simulated = VERDICTS.filter((verdict) => tally[verdict] > 0 || verdict === "same" || verdict === "REGRESSION").map((verdict) => `${tally[verdict]} ${verdict}`);
  // A failure that comes from wall-clock figures alone must not read "0 REGRESSION".
  const wallRegressions = report.scenarios.reduce((sum, scenario) => sum + (scenario.wall?.figures.filter((figure) => figure.verdict === "REGRESSION").length ?? 0), 0);
  const wall = wallRegressions === 0 ? [] : [`${wallRegressions} wall-clock REGRESSION${report.wallGated ? "" : " (not gated)"}`];
  return [...simulated, ...wall].join(", ");
}

function metricRow(scenario: ScenarioReport, metric: MetricComparison): string[] {
  const allowances = [...(metric.rule.relativePercent > 0 ? [`±${metric.rule.relativePercent}%`] : []), ...(metric.rule.absolute > 0 ? [`±${metric.rule.absolute}`] : [])];
  const tolerance = allowances.length === 0 ? "" : ` (tolerance ${allowances.join(" or ")})`;
  return [scenario.name, metric.metric, formatExact(metric.baseline), formatExact(metric.now), formatChange(metric.changePercent), `${metric.verdict}${tolerance}`];
}

function wallRows(report: GateReport): string[][] {
  const rows: string[][] = [];
  for (const scenario of report.scenarios) {
    for (const figure of scenario.wall?.figures ?? []) {
      rows.push([
        scenario.name,
        figure.figure,
        groupDigits(figure.perSecond.toFixed(0)),
        `${formatRatio(figure.now.ratio)} ${formatInterval(figure.now.low, figure.now.high)}`,
        figure.baseline === undefined ? "—" : formatRatio(figure.baseline.ratio),
        figure.comparison === undefined ? "—" : `${formatRatio(figure.comparison.change.ratio)} ${formatInterval(figure.comparison.change.low, figure.comparison.change.high)}`,
        wallVerdictText(report, figure),
      ]);
    }
  }
  return rows;
}

const METRIC_HEADER = ["scenario", "metric", "baseline", "now", "change", "verdict"];
const WALL_HEADER = ["scenario", "figure", "now, per wall second", "ratio to reference (95% CI)", "baseline ratio", "now / baseline (95% CI)", "verdict"];

function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (row: readonly string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

function headline(report: GateReport): string {
  if (report.mode === "update-baseline") return `baseline updated: ${report.baselinePath} (${report.scenarios.map((s) => `${s.name}: ${s.baselineStatus === "compared" ? "updated" : s.baselineStatus}`).join(", ")})`;
  return report.outcome === "pass" ? "PASS" : "FAIL: regression";
}

function wallHow(report: GateReport): string {
  const first = report.scenarios.find((scenario) => scenario.wall !== undefined)?.wall;
  if (first === undefined) return "";
  return `ratios to the reference workload ${first.reference} timed in the same process, ${first.samples} samples each; a regression needs the whole 95% interval of now/baseline below ${1 - (report.wallThresholdPercent ?? 10) / 100}`;
}

/** The terminal output: every metric of every scenario, then the wall-clock figures, then the outcome. */
export function formatGateText(report: GateReport): string {
  const out: string[] = [];
  out.push(`cofwsim gate: baseline ${report.baselinePath}, cofwsim ${report.cofwsimVersion}, node ${report.nodeVersion}${report.overrides.length > 0 ? `, --set ${report.overrides.join(" ")}` : ""}`);
  out.push("");
  out.push(textTable(METRIC_HEADER, report.scenarios.flatMap((scenario) => scenario.metrics.map((metric) => metricRow(scenario, metric)))));
  const wall = wallRows(report);
  if (wall.length > 0) {
    out.push("", `wall clock (${report.wallGated ? "gated" : "reported, not gated"}): ${wallHow(report)}`, textTable(WALL_HEADER, wall));
  }
  for (const note of report.notes) out.push(`note: ${note}`);
  out.push("", `${headline(report)} (${countsText(report)})`);
  return `${out.join("\n")}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, numericColumns: readonly number[]): string {
  const align = header.map((_, column) => (numericColumns.includes(column) ? "---:" : "---"));
  const line = (row: readonly string[]) => `| ${row.map(escapeCell).join(" | ")} |`;
  return [line(header), `|${align.join("|")}|`, ...rows.map(line)].join("\n");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** gate.md: outcome first, then what changed, then everything in a collapsed section. */
export function formatGateMarkdown(report: GateReport): string {
  const out: string[] = [];
  const icon = report.mode === "update-baseline" ? "📝" : report.outcome === "pass" ? "✅" : "❌";
  out.push(`## ${icon} cofwsim gate: ${headline(report)}`, "");
  out.push(`Baseline ${code(report.baselinePath)} · cofwsim ${report.cofwsimVersion} · node ${report.nodeVersion}${report.overrides.length > 0 ? ` · --set ${code(report.overrides.join(" "))}` : ""} · ${countsText(report)}`, "");

  const summaryRows = report.scenarios.map((scenario) => {
    const tally: Record<Verdict, number> = { same: 0, improvement: 0, REGRESSION: 0, new: 0, missing: 0 };
    for (const metric of scenario.metrics) tally[metric.verdict]++;
    return [`${scenario.name} (${scenario.file}, seed ${scenario.seed})`, ...VERDICTS.map((verdict) => String(tally[verdict]))];
  });
  out.push(markdownTable(["scenario", ...VERDICTS], summaryRows, [1, 2, 3, 4, 5]), "");

  const changed = report.scenarios.flatMap((scenario) => scenario.metrics.filter((metric) => metric.verdict !== "same").map((metric) => metricRow(scenario, metric)));
  out.push("### Changes", "");
  out.push(changed.length === 0 ? "No simulated metric changed." : markdownTable(METRIC_HEADER, changed, [2, 3, 4]), "");

  const wall = wallRows(report);
  if (wall.length > 0) {
    out.push(`### Wall clock (${report.wallGated ? "gated" : "reported, not gated"})`, "", `${wallHow(report)}.`, "");
    out.push(markdownTable(WALL_HEADER, wall, [2, 3, 4, 5]), "");
  }

  if (report.notes.length > 0) {
    out.push("### Notes", "");
    for (const note of report.notes) out.push(`- ${escapeCell(note)}`);
    out.push("");
  }

  const all = report.scenarios.flatMap((scenario) => scenario.metrics.map((metric) => metricRow(scenario, metric)));
  out.push(`<details><summary>All ${all.length} metrics</summary>`, "", markdownTable(METRIC_HEADER, all, [2, 3, 4]), "", "</details>", "");
  return out.join("\n");
}

/** Infinity (a perfectly steady clock) has no JSON form; written as null. */
export function formatGateJson(report: GateReport): string {
  return `${JSON.stringify({ format: "cofwsim-gate-report/1", ...report }, null, 2)}\n`;
}

export const GATE_MARKDOWN = "gate.md";
export const GATE_JSON = "gate.json";

/** Removes an earlier run's gate.md and gate.json, so that they never stand beside this run's outcome. */
export function removeGateOutputs(outDir: string): void {
  for (const name of [GATE_MARKDOWN, GATE_JSON]) {
    try {
      rmSync(join(outDir, name), { force: true });
    } catch (error) {
      throw new GateInputError(`cannot replace ${join(outDir, name)}: ${error instanceof Error ? error.message : String(error)}; expected a file the gate may overwrite`);
    }
  }
}

/**
 * Writes gate.md and gate.json into `dir`. The command writes the pair as one
 * output set (bin/output-set.ts): both or neither, and a failed write is the
 * command's failure (exit 1), never read as a regression or as bad input.
 */
function writeOutputs(dir: string, markdown: string, json: string): void {
  writeTextFileSync(join(dir, GATE_MARKDOWN), markdown);
  writeTextFileSync(join(dir, GATE_JSON), json);
}

export function writeGateOutputs(report: GateReport, dir: string): void {
  writeOutputs(dir, formatGateMarkdown(report), formatGateJson(report));
}

/**
 * gate.md and gate.json for a gate that compared nothing (a baseline that
 * does not match, a malformed one): a CI step that posts gate.md must show
 * why, not an earlier run's PASS or nothing at all.
 */
export function writeGateRefusal(message: string, dir: string): void {
  // Indented, the message is a code block in markdown whatever characters it holds.
  const quoted = message.split("\n").map((line) => `    ${line}`).join("\n");
  const markdown = `## ⛔ cofwsim gate: nothing compared (exit 2)\n\n${quoted}\n`;
  const json = `${JSON.stringify({ format: "cofwsim-gate-report/1", outcome: "refused", exitCode: 2, message }, null, 2)}\n`;
  writeOutputs(dir, markdown, json);
}
