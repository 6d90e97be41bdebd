/**
 * A sweep from the command line's terms to its SweepResult: parse --vary and
 * --shard, check the scenario and every varied value before any worker
 * starts (a typo should cost seconds, not a night of runs), run the points of
 * the shard in worker threads, and put the outcomes in point order.
 */
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Scenario } from "../../scenarios/model.js";
import { loadScenarioFile, ScenarioError } from "../../scenarios/schema/load.js";
import { SweepError } from "./errors.js";
import { emptyMetrics } from "./metrics.js";
import { parseVaryList, sweepPoints, type SweepPoint, type VaryAxis } from "./points.js";
import { defaultJobs } from "./default-jobs.js";
import { runPoints } from "./run-points.js";
import { parseShard, selectShard, type Shard } from "./shard.js";
import { FIXED_COLUMNS, type PointRow, type SweepIdentity, type SweepResult } from "./sweep-document.js";
import type { PointOutcome, PointTask } from "./sweep-worker.js";
import { scenarioContentHash } from "../../scenarios/schema/scenario-hash.js";
import { commandOverrides, overridePath, overwrites } from "../../scenarios/schema/overrides.js";

export interface SweepRequest {
  readonly scenarioPath: string;
  /** `--vary path=v1,v2,...` arguments, as given. */
  readonly vary: readonly string[];
  /** `--set` overrides for every point (applied before the point's own). */
  readonly set?: readonly string[];
  /** Overrides the scenario's seed (as `--seed` of `cofwsim run`). */
  readonly seed?: string;
  /** `i/n`, as given to --shard. */
  readonly shard?: string;
  readonly cofwsimVersion: string;
}

export interface PreparedSweep {
  readonly scenario: Scenario;
  readonly identity: SweepIdentity;
  readonly shard?: Shard;
  readonly points: readonly SweepPoint[];
  /** The points this run executes: all of them, or the shard's share. */
  readonly selected: readonly SweepPoint[];
  readonly tasks: readonly PointTask[];
}

function withContext(error: unknown, what: string): never {
  if (error instanceof ScenarioError) throw new SweepError(`${what}:\n${error.message}`);
  throw error;
}

export function prepareSweep(request: SweepRequest): PreparedSweep {
  const scenarioPath = resolve(request.scenarioPath);
  const axes: VaryAxis[] = parseVaryList(request.vary);
  for (const axis of axes) {
    if (FIXED_COLUMNS.includes(axis.path)) throw new SweepError(`--vary ${axis.path}: that name is one of the sweep's own columns; it cannot be a scenario path`);
  }
  const shard = request.shard === undefined ? undefined : parseShard(request.shard);
  // A point's overrides are the --set ones, then its --vary values: a --set on a varied path would be dropped at every point.
  for (const [index, text] of (request.set ?? []).entries()) {
    const path = overridePath(text);
    const axis = path === undefined ? undefined : axes.find((a) => overwrites(a.path, path));
    if (axis !== undefined) throw new SweepError(`--vary ${axis.path}: --set ${index + 1} (${JSON.stringify(text)}) sets a path it varies, and every point would drop its value; expected the path in --vary or in --set, not both`);
  }
  const set = commandOverrides(request.set ?? [], request.seed);
  // The scenario must load as is (with --set) before its variations are worth checking; its geometry need not fit
  // the engine, since the points may all change it (a varied Cache LU size).
  const scenario = loadScenarioFile(scenarioPath, { overrides: set, checkLayout: false });
  // Each value once, on its own: catches a bad unit or path in one load per value, not per point.
  // Combinations that only fail together (a region larger than a device...) are reported per point.
  for (const axis of axes) {
    // Per scenario as loaded, the value that made it: two values written differently may mean the same (16KiB, 16384).
    const valueOf = new Map<string, string>();
    for (const value of axis.values) {
      let loaded: Scenario;
      try {
        // A value whose geometry the engine cannot lay out is a refused point (see sweep-worker.ts), not a typo.
        loaded = loadScenarioFile(scenarioPath, { overrides: [...set, `${axis.path}=${value}`], checkLayout: false });
      } catch (error) {
        withContext(error, `--vary ${axis.path}: the value ${JSON.stringify(value)} does not make a valid scenario`);
      }
      const key = JSON.stringify(loaded);
      const same = valueOf.get(key);
      if (same !== undefined) throw new SweepError(`--vary ${axis.path}: the values ${JSON.stringify(same)} and ${JSON.stringify(value)} make the same scenario; expected each value once (two equal points would only repeat a run)`);
      valueOf.set(key, value);
    }
  }
  // As `cofwsim run` hashes: the file's bytes, the overrides every point shares and the files its workloads read.
  const contentHash = scenarioContentHash(readFileSync(scenarioPath), set, scenario);
  const identity: SweepIdentity = {
    cofwsimVersion: request.cofwsimVersion,
    scenario: { name: scenario.name, file: basename(scenarioPath), contentHash },
    seed: scenario.seed,
    set,
    vary: axes,
  };
  const points = sweepPoints(axes);
  const selected = selectShard(points, shard);
  const meta = { cofwsimVersion: request.cofwsimVersion, fileName: basename(scenarioPath), contentHash };
  const tasks = selected.map((point): PointTask => ({ scenarioPath, overrides: [...set, ...point.overrides], meta }));
  return { scenario, identity, ...(shard === undefined ? {} : { shard }), points, selected, tasks };
}

export function pointRow(point: SweepPoint, outcome: PointOutcome): PointRow {
  if (!outcome.ok) return { point: point.index, point_id: point.id, values: point.values, metrics: emptyMetrics(), problems: outcome.error };
  return { point: point.index, point_id: point.id, values: point.values, metrics: outcome.metrics, problems: outcome.problems.join("; ") };
}

export interface ExecuteOptions {
  /** Worker threads (default: one per CPU). */
  readonly jobs?: number;
  readonly onPointDone?: (done: number, total: number) => void;
}

export async function executeSweep(prepared: PreparedSweep, options: ExecuteOptions = {}): Promise<SweepResult> {
  const jobs = options.jobs ?? defaultJobs();
  if (!Number.isInteger(jobs) || jobs < 1) throw new SweepError(`--jobs ${jobs}: expected a whole number of worker threads, at least 1`);
  const outcomes = await runPoints(prepared.tasks, { jobs, ...(options.onPointDone === undefined ? {} : { onDone: options.onPointDone }) });
  // runPoints returns outcomes in task order; sorting by index states the promise rather than relying on it.
  const rows = prepared.selected.map((point, i) => pointRow(point, outcomes[i]!)).sort((a, b) => a.point - b.point);
  return { identity: prepared.identity, ...(prepared.shard === undefined ? {} : { shard: prepared.shard }), pointCount: prepared.points.length, rows };
}
