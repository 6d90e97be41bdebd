/** The few lines `cofwsim sweep` and `cofwsim merge` print after writing: where, how many, and the recommendations. */
import { listPointIds } from "./points.js";
import { leftOutByReason } from "./recommend.js";
import type { SweepDocument } from "./sweep-document.js";

export function formatSweepSummary(document: SweepDocument, outDir: string): string {
  const lines: string[] = [];
  const paths = document.manifest.vary.map((axis) => axis.path);
  const byPoint = new Map(document.rows.map((row) => [row["point"], row]));
  for (const rec of document.recommendations) {
    const row = rec.point === null ? undefined : byPoint.get(rec.point);
    if (row === undefined) {
      lines.push(`  ${rec.label}: no ranked point has ${rec.column}`);
      continue;
    }
    const setting = paths.map((path) => `${path}=${String(row[path])}`).join(" ");
    lines.push(`  ${rec.label}: ${setting} (${rec.column} ${String(row[rec.column])})`);
  }
  // Said beside the recommendations: a reader who sees a good point missing from them learns why.
  for (const group of leftOutByReason(document.leftOut)) lines.push(`  left out of the ranking (${group.reason}): ${listPointIds(group.pointIds)}`);
  const failed = document.rows.filter((row) => row["problems"] !== "");
  for (const row of failed) lines.push(`PROBLEM: point ${String(row["point_id"])}: ${String(row["problems"])}`);
  lines.push(`outputs: ${outDir} (sweep.csv, sweep.json, recommendations.csv, charts, sweep.html)`);
  return `${lines.join("\n")}\n`;
}

export function hasProblems(document: SweepDocument): boolean {
  return document.rows.some((row) => row["problems"] !== "");
}
