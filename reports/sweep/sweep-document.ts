/**
 * A sweep's results, in memory (SweepResult: structured rows) and as written
 * to sweep.json (SweepDocument: a manifest and flat rows keyed by the CSV's
 * column names). Everything written is derived from the SweepResult alone,
 * which holds no wall-clock figure, worker count or completion order: that is
 * why a sweep run with any --jobs, or merged from shards, writes the same
 * bytes. readSweepDocument() is the way back, for `cofwsim merge`.
 */
import { parseJsonText, readJsonFile } from "../json-file.js";
import { z } from "zod";
import { SweepError } from "./errors.js";
import { METRIC_COLUMNS, type HeadlineMetrics } from "./metrics.js";
import type { VaryAxis } from "./points.js";
import { leftOut, recommend, type LeftOutPoint, type Recommendation } from "./recommend.js";
import type { Shard } from "./shard.js";

export const SWEEP_KIND = "cofwsim-sweep";
/** 2: cache_used_bytes (at the end of the run) became cache_peak_bytes, points left out of the ranking are listed, and every headline metric has a column. */
export const SWEEP_FORMAT_VERSION = 2;

/** What must agree for two sweep outputs to be parts of one sweep. */
export interface SweepIdentity {
  readonly cofwsimVersion: string;
  /** file: the scenario file's name without its directory (outputs must not depend on where the checkout is). */
  readonly scenario: { readonly name: string; readonly file: string; readonly contentHash: string };
  readonly seed: string;
  /** The sweep's own --set overrides (with --seed as seed=...), applied before each point's. */
  readonly set: readonly string[];
  readonly vary: readonly VaryAxis[];
}

export interface PointRow {
  readonly point: number;
  readonly point_id: string;
  /** One per --vary axis, as written. */
  readonly values: readonly string[];
  readonly metrics: HeadlineMetrics;
  /** Empty when the point ran cleanly; else the run's problems or why it could not run, "; "-separated. */
  readonly problems: string;
}

export interface SweepResult {
  readonly identity: SweepIdentity;
  /** Absent for a whole sweep and for a merge of shards. */
  readonly shard?: Shard;
  /** Points in the full product, shard or not. */
  readonly pointCount: number;
  /** Sorted by point index. */
  readonly rows: readonly PointRow[];
}

export type FlatRow = Record<string, string | number | null>;

export interface SweepManifest extends SweepIdentity {
  readonly kind: typeof SWEEP_KIND;
  readonly formatVersion: number;
  readonly shard?: Shard;
  readonly pointCount: number;
  /** The ids of the points in this output, in index order. */
  readonly points: readonly string[];
  readonly notes: readonly string[];
}

export interface SweepDocument {
  readonly manifest: SweepManifest;
  readonly columns: readonly string[];
  readonly rows: readonly FlatRow[];
  readonly recommendations: readonly Recommendation[];
  /** The points the recommendations do not rank, and why, in point order. */
  readonly leftOut: readonly LeftOutPoint[];
}

/** Columns that are not varied parameters; a --vary path may not take one of these names. */
export const FIXED_COLUMNS: readonly string[] = ["point", "point_id", ...METRIC_COLUMNS, "problems"];

export const SWEEP_NOTES: readonly string[] = [
  "IOPS and bandwidth are summed over the scenario's jobs; latency percentiles (completion latency, ns) are the worst job's.",
  "cache_peak_bytes = the most Cache LU chunks in use at once (sampled at the end of every time-series bucket and of the run) x the chunk size: the Cache LU space objective, comparable across chunk sizes. cache_chunks_used is the count at the end of the run, after ended sessions freed theirs.",
  "sessions_terminated: sessions the engine ended because the Cache LU was full (their snapshots are lost).",
  "recovery_ns and recovery_bytes_read: simulated time and Cache LU bytes read by a fresh engine mounting the Cache LU after the run, without a clean unmount.",
  "Empty cells: a direction with no I/O has no latency; a point that could not run has no metrics (see problems).",
  "Recommendations rank only the points that ran cleanly: a point with problems (one that could not run, or whose run reported one) or with sessions terminated by a full Cache LU is left out (see leftOut).",
];

export function sweepColumns(vary: readonly VaryAxis[]): string[] {
  return ["point", "point_id", ...vary.map((axis) => axis.path), ...METRIC_COLUMNS, "problems"];
}

export function flatRow(row: PointRow, vary: readonly VaryAxis[]): FlatRow {
  const flat: FlatRow = { point: row.point, point_id: row.point_id };
  vary.forEach((axis, i) => (flat[axis.path] = row.values[i] ?? null));
  for (const column of METRIC_COLUMNS) flat[column] = row.metrics[column];
  flat["problems"] = row.problems;
  return flat;
}

export function sweepDocument(result: SweepResult): SweepDocument {
  const { identity } = result;
  // Built key by key in one order, so a merged manifest serialises exactly like an unsharded one.
  const manifest: SweepManifest = {
    kind: SWEEP_KIND,
    formatVersion: SWEEP_FORMAT_VERSION,
    cofwsimVersion: identity.cofwsimVersion,
    scenario: { name: identity.scenario.name, file: identity.scenario.file, contentHash: identity.scenario.contentHash },
    seed: identity.seed,
    set: [...identity.set],
    vary: identity.vary.map((axis) => ({ path: axis.path, values: [...axis.values] })),
    ...(result.shard === undefined ? {} : { shard: { index: result.shard.index, count: result.shard.count } }),
    pointCount: result.pointCount,
    points: result.rows.map((row) => row.point_id),
    notes: [...SWEEP_NOTES],
  };
  return {
    manifest,
    columns: sweepColumns(identity.vary),
    rows: result.rows.map((row) => flatRow(row, identity.vary)),
    recommendations: recommend(result.rows),
    leftOut: leftOut(result.rows),
  };
}

export function sweepJson(result: SweepResult): string {
  return `${JSON.stringify(sweepDocument(result), null, 2)}\n`;
}

// ---- reading sweep.json back (merge) ---------------------------------------------------

const axisSchema = z.object({ path: z.string(), values: z.array(z.string()).min(1) });
const documentSchema = z.object({
  manifest: z.object({
    kind: z.literal(SWEEP_KIND),
    formatVersion: z.number(),
    cofwsimVersion: z.string(),
    scenario: z.object({ name: z.string(), file: z.string(), contentHash: z.string() }),
    seed: z.string(),
    set: z.array(z.string()),
    vary: z.array(axisSchema).min(1),
    shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).optional(),
    pointCount: z.number().int().min(1),
    points: z.array(z.string()),
  }),
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
});

function cell(row: FlatRow, column: string, where: string): string | number | null {
  if (!(column in row)) throw new SweepError(`${where}: column ${column} is missing`);
  return row[column] ?? null;
}

/** Reads one output's sweep.json (`source` names it in messages) back into a SweepResult. */
export function readSweepDocument(text: string, source: string): SweepResult {
  const read = parseJsonText(text, source, SWEEP_JSON);
  if ("problem" in read) throw new SweepError(read.problem);
  return sweepResult(read.json, source);
}

/** What merge reads, as its messages say it. */
const SWEEP_JSON = "the sweep.json of a cofwsim sweep's output directory";

function sweepResult(json: unknown, source: string): SweepResult {
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined ? "" : `${issue.path.map(String).join(".")}: `;
    throw new SweepError(`${source}: not a cofwsim sweep output (${at}${issue?.message ?? "invalid"})`);
  }
  const { manifest, columns, rows } = parsed.data;
  if (manifest.formatVersion !== SWEEP_FORMAT_VERSION) throw new SweepError(`${source}: sweep format ${manifest.formatVersion}; this cofwsim reads format ${SWEEP_FORMAT_VERSION}`);
  const expected = sweepColumns(manifest.vary);
  if (JSON.stringify(columns) !== JSON.stringify(expected)) throw new SweepError(`${source}: its columns are not those of a sweep over ${manifest.vary.map((a) => a.path).join(", ")}`);
  const pointRows = rows.map((row, i): PointRow => {
    const where = `${source}: rows[${i}]`;
    const point = cell(row, "point", where);
    const pointId = cell(row, "point_id", where);
    const problems = cell(row, "problems", where);
    if (typeof point !== "number" || typeof pointId !== "string" || typeof problems !== "string") throw new SweepError(`${where}: point, point_id or problems has the wrong type`);
    const values = manifest.vary.map((axis) => {
      const value = cell(row, axis.path, where);
      if (typeof value !== "string") throw new SweepError(`${where}: ${axis.path} is not a string`);
      return value;
    });
    const metrics = Object.fromEntries(
      METRIC_COLUMNS.map((column) => {
        const value = cell(row, column, where);
        if (value !== null && typeof value !== "number") throw new SweepError(`${where}: ${column} is not a number`);
        return [column, value];
      }),
    ) as HeadlineMetrics;
    return { point, point_id: pointId, values, metrics, problems };
  });
  if (JSON.stringify(pointRows.map((row) => row.point_id)) !== JSON.stringify(manifest.points)) throw new SweepError(`${source}: the manifest's point list does not match its rows`);
  return {
    identity: { cofwsimVersion: manifest.cofwsimVersion, scenario: manifest.scenario, seed: manifest.seed, set: manifest.set, vary: manifest.vary },
    ...(manifest.shard === undefined ? {} : { shard: manifest.shard }),
    pointCount: manifest.pointCount,
    rows: pointRows,
  };
}

export function readSweepFile(path: string): SweepResult {
  const read = readJsonFile(path, SWEEP_JSON);
  if ("problem" in read) throw new SweepError(read.problem);
  return sweepResult(read.json, path);
}
