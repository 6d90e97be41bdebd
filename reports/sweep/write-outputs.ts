/**
 * Writes a sweep's outputs into one directory: sweep.csv, sweep.json,
 * recommendations.csv, each chart as <name>.vl.json and <name>.svg, and
 * sweep.html. `cofwsim sweep` and `cofwsim merge` both come through here, so
 * a merge of shards writes the same bytes as the unsharded sweep.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import * as vega from "vega";
import { renderSvg } from "../render-svg.js";
import { sweepCharts } from "./charts.js";
import { OBJECTIVES } from "./recommend.js";
import { sweepDocument, type SweepDocument, type SweepResult } from "./sweep-document.js";
import { sweepHtml, type RenderedChart } from "./sweep-html.js";
import { writeTextFileSync } from "../write-file.js";

export function sweepCsv(document: SweepDocument): string {
  return stringify(
    document.rows.map((row) => document.columns.map((column) => row[column] ?? null)),
    { header: true, columns: [...document.columns] },
  );
}

/**
 * One row per objective: the best point, then each objective's value at that
 * point and how much worse than its best it is, in percent of the best and in
 * the column's unit (the only measure when the best is 0).
 */
export function recommendationsCsv(document: SweepDocument): string {
  const paths = document.manifest.vary.map((axis) => axis.path);
  const columns = ["objective", "point", "point_id", ...paths, ...OBJECTIVES.flatMap((o) => [o.column, `${o.column}_worse_percent`, `${o.column}_worse_by`])];
  const byPoint = new Map(document.rows.map((row) => [row["point"], row]));
  const rows = document.recommendations.map((rec) => {
    const row = rec.point === null ? undefined : byPoint.get(rec.point);
    return [rec.objective, rec.point, rec.pointId, ...paths.map((path) => row?.[path] ?? null), ...rec.costs.flatMap((cost) => [cost.value, cost.worsePercent, cost.worseBy])];
  });
  return stringify(rows, { header: true, columns });
}

export interface WrittenSweep {
  readonly document: SweepDocument;
  /** Paths written, in the order written. */
  readonly files: readonly string[];
}

export async function writeSweepOutputs(outDir: string, result: SweepResult): Promise<WrittenSweep> {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const path = join(outDir, name);
    writeTextFileSync(path, text);
    files.push(path);
  };
  const document = sweepDocument(result);
  write("sweep.csv", sweepCsv(document));
  write("sweep.json", `${JSON.stringify(document, null, 2)}\n`);
  write("recommendations.csv", recommendationsCsv(document));
  const rendered: RenderedChart[] = [];
  for (const chart of sweepCharts(result.identity.vary, result.rows)) {
    write(`${chart.name}.vl.json`, `${JSON.stringify(chart.spec, null, 2)}\n`);
    // Vega numbers clip paths and gradients with process-wide counters: reset them so a chart's SVG does not depend on what was rendered before it.
    vega.resetSVGDefIds();
    const svg = await renderSvg(chart.spec);
    write(`${chart.name}.svg`, svg);
    rendered.push({ name: chart.name, title: chart.title, svg });
  }
  write("sweep.html", sweepHtml(document, rendered));
  // Charts of an earlier sweep of another shape are not for this writer to remove: `sweep` and `merge` write through
  // bin/output-set.ts, which replaces a sweep's whole set of files.
  return { document, files };
}
