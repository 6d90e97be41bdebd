/**
 * The recommendation table: for each objective, the best point, and what
 * choosing it costs in every objective, relative to that objective's own
 * best. Ties go to the lowest point index, so the table is deterministic.
 * Only points that did the scenario's job are ranked: leftOut() names the
 * others and why, for the outputs to say so.
 */
import type { MetricColumn } from "./metrics.js";

export interface Objective {
  readonly id: string;
  readonly label: string;
  readonly column: MetricColumn;
  readonly goal: "min" | "max";
}

export const OBJECTIVES: readonly Objective[] = [
  { id: "write-latency", label: "lowest host write latency p99", column: "write_clat_p99_ns", goal: "min" },
  { id: "iops", label: "highest total IOPS", column: "total_iops", goal: "max" },
  { id: "write-amplification", label: "lowest write amplification", column: "write_amplification", goal: "min" },
  // Bytes, not chunks: 100 chunks of 256 KiB hold more of the Cache LU than 400 of 16 KiB. The peak, not the end:
  // the Cache LU must hold the most the run needed at once.
  { id: "cache-space", label: "least Cache LU space needed (peak)", column: "cache_peak_bytes", goal: "min" },
  { id: "recovery", label: "fastest recovery (mount after the run)", column: "recovery_ns", goal: "min" },
];

/** The chosen point's figure in one objective. */
export interface ObjectiveCost {
  readonly objective: string;
  readonly column: MetricColumn;
  readonly value: number | null;
  /** The best value any ranked point reached in this objective. */
  readonly best: number | null;
  /**
   * How much worse than the best, in percent of it: 0 = the best. null when a
   * value is missing, or when the best is 0 and this value is not (no
   * percentage of 0 says how far off it is: worseBy does).
   */
  readonly worsePercent: number | null;
  /** How much worse than the best, in the column's own unit: 0 = the best; null when a value is missing. */
  readonly worseBy: number | null;
}

export interface Recommendation {
  readonly objective: string;
  readonly label: string;
  readonly column: MetricColumn;
  readonly goal: "min" | "max";
  /** null when no ranked point has this metric (all left out, or no writes at all). */
  readonly point: number | null;
  readonly pointId: string | null;
  readonly costs: readonly ObjectiveCost[];
}

/** What recommend() needs of a row. */
export interface RankedRow {
  readonly point: number;
  readonly point_id: string;
  readonly metrics: Readonly<Record<MetricColumn, number | null>>;
  /** Empty when the point ran cleanly; else its run's problems or why it could not run. */
  readonly problems: string;
}

/** A point the table does not rank, and why. */
export interface LeftOutPoint {
  readonly point: number;
  readonly pointId: string;
  readonly reason: string;
}

/**
 * Why a point may not be recommended, or undefined when it may. A run that
 * reported problems (a session operation refused, or no run at all) did not
 * run the scenario as written: its figures, however good, are not those of
 * the configuration asked about. A configuration whose Cache LU filled up
 * lost the snapshots it was to keep (the engine terminated their sessions),
 * and with them gone it makes no copies, which makes every other figure look
 * better than the configuration is.
 */
function whyLeftOut(row: RankedRow): string | undefined {
  if (row.problems !== "") return "its run reported problems";
  const terminated = row.metrics.sessions_terminated;
  if (terminated !== null && terminated > 0) return "sessions terminated by a full Cache LU";
  return undefined;
}

export function leftOut(rows: readonly RankedRow[]): LeftOutPoint[] {
  return rows.flatMap((row) => {
    const reason = whyLeftOut(row);
    return reason === undefined ? [] : [{ point: row.point, pointId: row.point_id, reason }];
  });
}

/** The left-out points' ids per reason, reasons in the order they first occur: one line of output each. */
export function leftOutByReason(points: readonly LeftOutPoint[]): Array<{ readonly reason: string; readonly pointIds: readonly string[] }> {
  const byReason = new Map<string, string[]>();
  for (const point of points) {
    const ids = byReason.get(point.reason) ?? [];
    ids.push(point.pointId);
    byReason.set(point.reason, ids);
  }
  return [...byReason].map(([reason, pointIds]) => ({ reason, pointIds }));
}

function better(goal: "min" | "max", a: number, b: number): boolean {
  return goal === "min" ? a < b : a > b;
}

function bestRow(rows: readonly RankedRow[], objective: Objective): RankedRow | undefined {
  let best: RankedRow | undefined;
  // Rows come sorted by point index; a strict comparison keeps the first of equals.
  for (const row of rows) {
    const value = row.metrics[objective.column];
    if (value === null) continue;
    const bestValue = best?.metrics[objective.column];
    if (best === undefined || bestValue === null || bestValue === undefined || better(objective.goal, value, bestValue)) best = row;
  }
  return best;
}

function worseBy(goal: "min" | "max", value: number | null, best: number | null): number | null {
  if (value === null || best === null) return null;
  const worse = goal === "min" ? value - best : best - value;
  // Metrics have at most 6 decimals (write amplification): rounding there drops the float noise of the difference
  // (6.1 - 5.9) and keeps whole numbers, which may exceed 2^53 / 10^6 (bytes), exact.
  return Number.isInteger(worse) ? worse : Math.round(worse * 1e6) / 1e6;
}

function worsePercent(goal: "min" | "max", value: number | null, best: number | null): number | null {
  if (value === null || best === null) return null;
  // The best itself is 0% worse, whatever the best is (0 bytes of Cache LU included).
  if (value === best) return 0;
  if (best === 0) return null;
  const worse = goal === "min" ? (value - best) / best : (best - value) / best;
  // One decimal: a table for people, and no float noise in sweep.json.
  return Math.round(worse * 1000) / 10;
}

export function recommend(allRows: readonly RankedRow[], objectives: readonly Objective[] = OBJECTIVES): Recommendation[] {
  // The bests, too, are those of ranked points: a cost is measured against what a recommendable point reaches.
  const rows = allRows.filter((row) => whyLeftOut(row) === undefined);
  const bests = new Map(objectives.map((objective) => [objective.id, bestRow(rows, objective)?.metrics[objective.column] ?? null]));
  return objectives.map((objective) => {
    const chosen = bestRow(rows, objective);
    return {
      objective: objective.id,
      label: objective.label,
      column: objective.column,
      goal: objective.goal,
      point: chosen?.point ?? null,
      pointId: chosen?.point_id ?? null,
      costs: objectives.map((other) => {
        const value = chosen === undefined ? null : chosen.metrics[other.column];
        const best = bests.get(other.id) ?? null;
        return { objective: other.id, column: other.column, value, best, worsePercent: worsePercent(other.goal, value, best), worseBy: worseBy(other.goal, value, best) };
      }),
    };
  });
}
