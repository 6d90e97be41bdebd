/**
 * The performance gate: runs scenarios, compares their headline metrics (and,
 * when asked, wall-clock ratios) with a committed baseline, or rewrites the
 * baseline. Returns a report; rendering and exit codes are the caller's.
 */
import { runScenario, type RunMeta } from "../../scenarios/runner/run-scenario.js";
import type { RunResults } from "../../scenarios/runner/results.js";
import { BASELINE_FORMAT, baselineEntry, readBaseline, writeBaseline, type Baseline, type BaselineEntry, type StoredRatio, type StoredWall } from "./baseline.js";
import { compareMetrics, identityMismatches, isFailing, unusedRuleKeys, type MetricComparison, type RunIdentity } from "./compare.js";
import { GateInputError } from "./errors.js";
import { headlineMetrics } from "./metrics.js";
import { REFERENCE_EVENTS, REFERENCE_ID, runReferenceLoop } from "./reference-workload.js";
import { loadScenarioWithHash, type LoadedScenario } from "../../scenarios/schema/scenario-hash.js";
import { compareRatios, measureRelativeSpeed, scaleRatio, toStoredRatio, type RatioComparison, type RatioEstimate, type TimedWorkload, type WallVerdict } from "./wall.js";

export interface WallRequest {
  /** Timed runs of each scenario (and of the reference before and after it). */
  readonly samples: number;
  readonly warmupIterations: number;
  /** A wall-clock regression needs the interval of now/baseline wholly below 1 - this/100. */
  readonly thresholdPercent: number;
  /** Whether a wall-clock regression fails the gate (otherwise it is only reported). */
  readonly gated: boolean;
  /** Milliseconds now, for tinybench; performance.now when omitted. */
  readonly now?: () => number;
}

export interface GateRequest {
  readonly baselinePath: string;
  readonly scenarioPaths: readonly string[];
  /** `--set` overrides applied to every scenario (part of each content hash). */
  readonly overrides: readonly string[];
  readonly updateBaseline: boolean;
  /** Wall-clock figures are measured only when this is given. */
  readonly wall?: WallRequest;
  readonly cofwsimVersion: string;
  readonly nodeVersion: string;
  /** Progress lines (scenario being run...), for stderr. */
  readonly log?: (line: string) => void;
}

export type WallFigureName = "eventsPerWallSecond" | "hostIosPerWallSecond";
export const WALL_FIGURES: readonly WallFigureName[] = ["eventsPerWallSecond", "hostIosPerWallSecond"];

export interface WallFigureReport {
  readonly figure: WallFigureName;
  /** Absolute rate on this machine (events or host I/Os per wall second): context only, never compared. */
  readonly perSecond: number;
  /** Rate relative to the reference workload's events per second, with its 95% interval. */
  readonly now: RatioEstimate;
  readonly baseline?: StoredRatio;
  readonly comparison?: RatioComparison;
  /** `incomparable`: the baseline's ratio is to a different reference workload. */
  readonly verdict: WallVerdict | "new" | "incomparable";
}

export interface ScenarioWallReport {
  readonly reference: string;
  readonly samples: number;
  readonly referenceEventsPerSecond: number;
  readonly events: number;
  readonly hostIos: number;
  readonly figures: readonly WallFigureReport[];
}

export interface ScenarioReport {
  readonly name: string;
  readonly file: string;
  readonly contentHash: string;
  readonly seed: string;
  /** compared: against a matching baseline entry; added/replaced: by --update-baseline (no or a non-matching entry before). */
  readonly baselineStatus: "compared" | "added" | "replaced";
  readonly metrics: readonly MetricComparison[];
  readonly wall?: ScenarioWallReport;
  readonly problems: readonly string[];
}

export interface GateReport {
  readonly mode: "compare" | "update-baseline";
  readonly baselinePath: string;
  readonly cofwsimVersion: string;
  readonly nodeVersion: string;
  readonly overrides: readonly string[];
  readonly wallGated: boolean;
  readonly wallThresholdPercent?: number;
  readonly scenarios: readonly ScenarioReport[];
  readonly notes: readonly string[];
  readonly outcome: "pass" | "regression" | "baseline updated";
  readonly exitCode: 0 | 1;
}

interface PreparedScenario extends LoadedScenario {
  readonly path: string;
  readonly identity: RunIdentity;
}

function prepare(paths: readonly string[], overrides: readonly string[]): PreparedScenario[] {
  if (paths.length === 0) throw new GateInputError("no scenarios to gate");
  const prepared = paths.map((path) => {
    const loaded = loadScenarioWithHash(path, overrides);
    return { ...loaded, path, identity: { name: loaded.scenario.name, file: loaded.fileName, contentHash: loaded.contentHash, seed: loaded.scenario.seed, overrides } };
  });
  const byName = new Map<string, string>();
  for (const item of prepared) {
    // A JSON object can hold the key, but the baseline's reader (zod's records) drops it: the entry would be lost.
    if (item.identity.name === "__proto__") throw new GateInputError(`${item.path}: a scenario named "__proto__" cannot be kept in a baseline (a JSON key that parsers drop); give it another name (the scenario's name: field)`);
    const other = byName.get(item.identity.name);
    // Baseline entries are keyed by scenario name: two files with one name would overwrite each other.
    if (other !== undefined) throw new GateInputError(`two scenarios are named "${item.identity.name}" (${other} and ${item.path}); the baseline keys runs by scenario name`);
    byName.set(item.identity.name, item.path);
  }
  return prepared;
}

/** Refuses to compare runs with a baseline made from other scenarios: every difference, for every scenario, in one message. */
function checkComparable(baseline: Baseline, baselinePath: string, prepared: readonly PreparedScenario[]): void {
  const problems: string[] = [];
  const known = Object.keys(baseline.scenarios).sort();
  for (const item of prepared) {
    const entry = baselineEntry(baseline, item.identity.name);
    if (entry === undefined) {
      problems.push(`scenario "${item.identity.name}" (${item.fileName}) is not in the baseline (it has: ${known.length === 0 ? "nothing" : known.join(", ")}); add it with --update-baseline`);
      continue;
    }
    for (const line of identityMismatches(entry, item.identity)) problems.push(`scenario "${item.identity.name}": ${line}`);
  }
  if (problems.length > 0) {
    throw new GateInputError(`the baseline ${baselinePath} does not match the scenarios, so nothing was compared:\n${problems.map((line) => `  - ${line}`).join("\n")}\n(regenerate it with --update-baseline if the scenarios changed on purpose)`);
  }
}

function hostIosOf(results: RunResults): number {
  // Every host I/O the run processed (format and warm-up included), since the wall time covers the whole run.
  return results.engine.hostWrites + results.engine.hostReads + results.engine.phantomReads;
}

interface WallMeasurement {
  readonly report: Omit<ScenarioWallReport, "figures">;
  readonly ratios: Record<WallFigureName, RatioEstimate>;
  readonly perSecond: Record<WallFigureName, number>;
}

function measureWall(item: PreparedScenario, meta: RunMeta, events: number, hostIos: number, wall: WallRequest): WallMeasurement {
  const reference: TimedWorkload = { name: "reference", run: runReferenceLoop };
  const measured: TimedWorkload = {
    name: item.identity.name,
    run: () => {
      const { kernel } = runScenario(item.scenario, meta);
      // The ratio divides by a fixed count per run: a run with another count is a determinism bug, not noise.
      if (kernel.eventCount !== events) throw new Error(`scenario ${item.identity.name} ran ${kernel.eventCount} events in a timed run and ${events} in the first run (seed ${item.scenario.seed}): the simulation is not deterministic`);
    },
  };
  const speed = measureRelativeSpeed(reference, measured, { samples: wall.samples, warmupIterations: wall.warmupIterations, ...(wall.now === undefined ? {} : { now: wall.now }) });
  const ratios: Record<WallFigureName, RatioEstimate> = {
    eventsPerWallSecond: scaleRatio(speed.iterationRatio, events / REFERENCE_EVENTS),
    hostIosPerWallSecond: scaleRatio(speed.iterationRatio, hostIos / REFERENCE_EVENTS),
  };
  return {
    report: { reference: REFERENCE_ID, samples: wall.samples, referenceEventsPerSecond: speed.reference.meanPerSecond * REFERENCE_EVENTS, events, hostIos },
    ratios,
    perSecond: { eventsPerWallSecond: speed.measured.meanPerSecond * events, hostIosPerWallSecond: speed.measured.meanPerSecond * hostIos },
  };
}

function wallFigures(measurement: WallMeasurement, stored: StoredWall | undefined, thresholdPercent: number): WallFigureReport[] {
  return WALL_FIGURES.map((figure) => {
    const now = measurement.ratios[figure];
    const perSecond = measurement.perSecond[figure];
    if (stored === undefined) return { figure, perSecond, now, verdict: "new" };
    const baseline = stored[figure];
    if (stored.reference !== REFERENCE_ID) return { figure, perSecond, now, baseline, verdict: "incomparable" };
    const comparison = compareRatios(now, baseline, thresholdPercent);
    return { figure, perSecond, now, baseline, comparison, verdict: comparison.verdict };
  });
}

export function runGate(request: GateRequest): GateReport {
  const log = request.log ?? (() => undefined);
  const prepared = prepare(request.scenarioPaths, request.overrides);
  const baseline = readBaseline(request.baselinePath);
  if (!request.updateBaseline) {
    if (baseline === undefined) throw new GateInputError(`the baseline ${request.baselinePath} does not exist; create it with: cofwsim gate --baseline ${request.baselinePath} --update-baseline [scenario...]`);
    checkComparable(baseline, request.baselinePath, prepared);
  }

  const notes: string[] = [];
  // All simulated runs first: they are the gate proper, and they warm the engine's code for the timed runs after them.
  const runs = prepared.map((item) => {
    log(`gate: running ${item.identity.name} (${item.fileName}, seed ${item.scenario.seed})`);
    const meta: RunMeta = { cofwsimVersion: request.cofwsimVersion, fileName: item.fileName, contentHash: item.contentHash };
    const { results, kernel } = runScenario(item.scenario, meta);
    return { item, meta, results, events: kernel.eventCount };
  });

  const reports: ScenarioReport[] = [];
  /** Every metric id of every scenario run, for the file-wide tolerances' check. */
  const allMetricIds: string[] = [];
  const newEntries = new Map<string, BaselineEntry>();
  for (const { item, meta, results, events } of runs) {
    const name = item.identity.name;
    const metrics = headlineMetrics(results);
    const old = baselineEntry(baseline, name);
    const mismatches = old === undefined ? [] : identityMismatches(old, item.identity);
    const comparable = old !== undefined && mismatches.length === 0;
    const comparisons = compareMetrics(comparable ? old.metrics : {}, metrics, old?.tolerances, baseline?.tolerances);

    let wallReport: ScenarioWallReport | undefined;
    let storedWall: StoredWall | undefined;
    if (request.wall !== undefined) {
      log(`gate: timing ${name} (${request.wall.samples} samples beside the reference workload)`);
      const measurement = measureWall(item, meta, events, hostIosOf(results), request.wall);
      wallReport = { ...measurement.report, figures: wallFigures(measurement, comparable ? old.wall : undefined, request.wall.thresholdPercent) };
      storedWall = {
        reference: REFERENCE_ID,
        samples: request.wall.samples,
        eventsPerWallSecond: toStoredRatio(measurement.ratios.eventsPerWallSecond),
        hostIosPerWallSecond: toStoredRatio(measurement.ratios.hostIosPerWallSecond),
      };
    }

    if (comparable) {
      if (old.manifest.cofwsimVersion !== request.cofwsimVersion) notes.push(`${name}: baseline made with cofwsim ${old.manifest.cofwsimVersion}, this is ${request.cofwsimVersion}`);
      if (old.manifest.nodeVersion !== request.nodeVersion) notes.push(`${name}: baseline made with node ${old.manifest.nodeVersion}, this is ${request.nodeVersion}`);
    } else if (old !== undefined) {
      notes.push(`${name}: the old baseline entry was replaced because it no longer matched (${mismatches.join("; ")})`);
    }
    const metricIds = comparisons.map((comparison) => comparison.metric);
    allMetricIds.push(...metricIds);
    for (const key of unusedRuleKeys(old?.tolerances, metricIds)) notes.push(`${name}: tolerance "${key}" in ${request.baselinePath} matches no metric of this scenario, so it applies to nothing (metric ids are listed in gate.json)`);
    if (results.problems.length > 0) notes.push(`${name}: the run reported ${results.problems.length} problem(s): ${results.problems.join("; ")}`);

    reports.push({
      name,
      file: item.fileName,
      contentHash: item.contentHash,
      seed: item.scenario.seed,
      baselineStatus: comparable ? "compared" : old === undefined ? "added" : "replaced",
      metrics: comparisons,
      ...(wallReport === undefined ? {} : { wall: wallReport }),
      problems: results.problems,
    });
    newEntries.set(name, {
      manifest: { cofwsimVersion: request.cofwsimVersion, scenario: results.manifest.scenario, seed: results.manifest.seed, overrides: [...request.overrides], nodeVersion: request.nodeVersion },
      // Tolerances are the user's: kept across regenerations, even when the scenario changed.
      ...(old?.tolerances === undefined ? {} : { tolerances: old.tolerances }),
      metrics,
      ...(storedWall === undefined ? {} : { wall: storedWall }),
    });
  }

  for (const key of unusedRuleKeys(baseline?.tolerances, allMetricIds)) notes.push(`file-wide tolerance "${key}" in ${request.baselinePath} matches no metric of the scenarios run, so it applies to nothing`);
  const unrun = Object.keys(baseline?.scenarios ?? {}).filter((name) => !newEntries.has(name)).sort();
  if (unrun.length > 0) notes.push(`not run this time, ${request.updateBaseline ? "kept as they were" : "not compared"}: ${unrun.join(", ")}`);
  const common = {
    baselinePath: request.baselinePath,
    cofwsimVersion: request.cofwsimVersion,
    nodeVersion: request.nodeVersion,
    overrides: request.overrides,
    wallGated: request.wall?.gated ?? false,
    ...(request.wall === undefined ? {} : { wallThresholdPercent: request.wall.thresholdPercent }),
    scenarios: reports,
  };

  if (request.updateBaseline) {
    if (request.wall === undefined) notes.push("wall-clock figures were not measured (no --wall), so the updated entries have none");
    const updated: Baseline = {
      format: BASELINE_FORMAT,
      ...(baseline?.tolerances === undefined ? {} : { tolerances: baseline.tolerances }),
      // fromEntries, not assignments: a key is an own property whatever its name.
      scenarios: Object.fromEntries([...Object.entries(baseline?.scenarios ?? {}), ...newEntries]),
    };
    writeBaseline(request.baselinePath, updated);
    return { mode: "update-baseline", ...common, notes, outcome: "baseline updated", exitCode: 0 };
  }

  const metricFailure = reports.some((report) => report.metrics.some((metric) => isFailing(metric.verdict)));
  const wallFailure = request.wall?.gated === true && reports.some((report) => report.wall?.figures.some((figure) => figure.verdict === "REGRESSION") === true);
  const failed = metricFailure || wallFailure;
  return { mode: "compare", ...common, notes, outcome: failed ? "regression" : "pass", exitCode: failed ? 1 : 0 };
}
