/**
 * sweep.html: one self-contained page (inline CSS and SVG, no scripts, no
 * network) with what was swept, the recommendation table, the charts and the
 * table of points. Nothing in it depends on when or how fast the sweep ran.
 */
import { METRIC_COLUMNS, type MetricColumn } from "./metrics.js";
import { leftOutByReason, OBJECTIVES, type ObjectiveCost } from "./recommend.js";
import type { SweepDocument } from "./sweep-document.js";

export interface RenderedChart {
  readonly name: string;
  readonly title: string;
  readonly svg: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Vega numbers clip paths and gradients from 1 in every SVG; two SVGs in one
 * page would then share ids and draw with each other's clips. Prefixing every
 * id (and each reference to it) with the chart's name keeps them apart.
 */
export function scopeSvgIds(svg: string, scope: string): string {
  const ids = [...svg.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1]!);
  if (ids.length === 0) return svg;
  const known = new Set(ids);
  const prefix = (id: string) => (known.has(id) ? `${scope}-${id}` : id);
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix(id)})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix(id)}"`);
}

/** Numbers as in the CSV, integer digits grouped by thousands for reading (by hand: no locale data involved); nulls as a dash. */
function formatCell(value: string | number | null): string {
  if (value === null) return "–";
  if (typeof value === "string") return escapeHtml(value);
  const [whole = "", fraction] = String(value).split(".");
  const grouped = /e/i.test(whole) ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

const UNIT_HINT: Partial<Record<MetricColumn, string>> = {
  write_clat_p99_ns: "ns",
  total_iops: "IO/s",
  write_amplification: "×",
  cache_peak_bytes: "bytes",
  recovery_ns: "ns",
};

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; max-width: 1600px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; } h3 { font-size: 1rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; white-space: nowrap; }
th { background: #f2f2f2; } td.text, th.text { text-align: left; }
tr.problem td { background: #fff0f0; }
.best { font-weight: bold; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.chart { overflow-x: auto; margin: 0; }
.scroll { overflow-x: auto; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; font-size: 0.9rem; }
dt { font-weight: bold; } dd { margin: 0; font-family: ui-monospace, monospace; }
.notes { font-size: 0.85rem; color: #444; }
`;

function manifestSection(document: SweepDocument): string {
  const m = document.manifest;
  const entries: Array<[string, string]> = [
    ["scenario", `${m.scenario.name} (${m.scenario.file})`],
    ["content hash", m.scenario.contentHash],
    ["seed", m.seed],
    ["cofwsim", m.cofwsimVersion],
    ...m.set.map((set): [string, string] => ["--set", set]),
    ...m.vary.map((axis): [string, string] => ["--vary", `${axis.path}=${axis.values.join(",")}`]),
    ["points", m.shard === undefined ? String(m.pointCount) : `${m.points.length} of ${m.pointCount} (shard ${m.shard.index}/${m.shard.count})`],
  ];
  const notes = m.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join("");
  return `<dl>${entries.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join("")}</dl>\n<ul class="notes">${notes}</ul>`;
}

/**
 * How much worse than its objective's best a cost is: in percent, or by how
 * much where the best is 0 (no percentage of 0 means anything). "best" only
 * for the best value itself, not for one that rounds to 0.0% worse.
 */
function worseText(cost: ObjectiveCost): string {
  if (cost.worseBy === 0) return " (best)";
  if (cost.worsePercent !== null) return ` (${cost.worsePercent}% worse)`;
  if (cost.worseBy !== null) return ` (${formatCell(cost.worseBy)} worse; the best is 0)`;
  return "";
}

function recommendationSection(document: SweepDocument): string {
  const paths = document.manifest.vary.map((axis) => axis.path);
  const header = `<tr><th class="text">objective</th><th class="text">best point</th>${paths.map((path) => `<th class="text">${escapeHtml(path)}</th>`).join("")}${OBJECTIVES.map((o) => {
    const unit = UNIT_HINT[o.column];
    return `<th>${escapeHtml(o.column)}${unit === undefined ? "" : ` (${escapeHtml(unit)})`}</th>`;
  }).join("")}</tr>`;
  const byPoint = new Map(document.rows.map((row) => [row["point"], row]));
  const rows = document.recommendations.map((rec) => {
    const row = rec.point === null ? undefined : byPoint.get(rec.point);
    const params = paths.map((path) => `<td class="text">${row === undefined ? "–" : formatCell(row[path] ?? null)}</td>`).join("");
    const costs = rec.costs.map((cost) => `<td${cost.objective === rec.objective ? ' class="best"' : ""}>${formatCell(cost.value)}${worseText(cost)}</td>`).join("");
    return `<tr><td class="text">${escapeHtml(rec.label)}</td><td class="text">${escapeHtml(rec.pointId ?? "none")}</td>${params}${costs}</tr>`;
  });
  const leftOut = leftOutByReason(document.leftOut).map((group) => `<li>${escapeHtml(group.reason)}: ${escapeHtml(group.pointIds.join(", "))}</li>`);
  const leftOutList = leftOut.length === 0 ? "" : `\n<p class="notes">Left out of the ranking:</p>\n<ul class="notes">${leftOut.join("")}</ul>`;
  return `<p>For each objective, the point that does best, and what it costs in every objective: the figure, and how much worse than that objective's best point it is (in percent of the best; where the best is 0, by how much).</p>\n<div class="scroll"><table>${header}${rows.join("")}</table></div>${leftOutList}`;
}

function pointsSection(document: SweepDocument): string {
  const textColumns = new Set(["point_id", "problems", ...document.manifest.vary.map((axis) => axis.path)]);
  const header = `<tr>${document.columns.map((column) => `<th${textColumns.has(column) ? ' class="text"' : ""}>${escapeHtml(column)}</th>`).join("")}</tr>`;
  const rows = document.rows.map((row) => {
    const problem = typeof row["problems"] === "string" && row["problems"] !== "";
    const cells = document.columns.map((column) => `<td${textColumns.has(column) ? ' class="text"' : ""}>${formatCell(row[column] ?? null)}</td>`).join("");
    return `<tr${problem ? ' class="problem"' : ""}>${cells}</tr>`;
  });
  return `<div class="scroll"><table>${header}${rows.join("")}</table></div>`;
}

export function sweepHtml(document: SweepDocument, charts: readonly RenderedChart[]): string {
  const title = `cofwsim sweep: ${document.manifest.scenario.name}`;
  const chartBlocks = charts.map((chart) => `<figure class="chart" id="${escapeHtml(chart.name)}" aria-label="${escapeHtml(chart.title)}">${scopeSvgIds(chart.svg, chart.name)}</figure>`);
  // Metric columns are listed so a reader of the page knows the CSV's vocabulary without opening it.
  const columns = METRIC_COLUMNS.join(", ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${manifestSection(document)}
<h2>Recommendations</h2>
${recommendationSection(document)}
<h2>Charts</h2>
<div class="charts">
${chartBlocks.join("\n")}
</div>
<h2>Points</h2>
<p class="notes">Columns as in sweep.csv; metrics: ${escapeHtml(columns)}.</p>
${pointsSection(document)}
</body>
</html>
`;
}
