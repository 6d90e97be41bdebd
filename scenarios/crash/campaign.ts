import { Rng } from "../../sim/rng/streams.js";
import type { Scenario } from "../model.js";
import type { EngineParts, RunMeta } from "../runner/run-scenario.js";
import { StateChecker, type CheckOutcome } from "./check-state.js";
import { pendingAt, sampleStateAt, statesAt } from "./enumerate.js";
import { CrashOracle } from "./oracle.js";
import { recordRun, type Recording } from "./record.js";
import { shrinkState } from "./shrink.js";
import { formatStateId, type CrashStateSpec, type TearSpec } from "./state-id.js";

export type CrashMode = "exhaustive" | "sample";

export interface CampaignOptions {
  readonly mode: CrashMode;
  /** Stop after this many crash states generated (exhaustive: optional; sample: the number drawn). */
  readonly budgetStates?: number;
  /** Stop after this much wall time; the states checked then depend on the machine (said in the report). */
  readonly timeLimitMs?: number;
  /** Pending writes per crash point up to which every subset is tried. */
  readonly exhaustiveBound: number;
  /** Random subsets tried at a crash point with more pending writes than the bound. */
  readonly sampledSubsets: number;
  /** The engine's pluggable parts (tests hand in broken ones). */
  readonly parts?: EngineParts;
  /** How a finding is replayed from the command line, given its state id. */
  readonly replayCommand: (stateId: string) => string;
  readonly onProgress?: (fraction: number, statesChecked: number) => void;
  /** Stop at the first state that breaks this invariant (workload shrinking asks only whether a run still fails). */
  readonly untilInvariant?: number;
  /** Shrink the first finding of each invariant (default true). */
  readonly shrinkFindings?: boolean;
  /** Wall clock in ms, for the time limit and the rate (not deterministic; kept out of the results). */
  readonly nowMs: () => number;
}

export interface CrashFinding {
  readonly id: string;
  readonly invariant: number;
  readonly check: string;
  readonly message: string;
  readonly crashPoint: number;
  readonly surviving: { readonly source: readonly number[]; readonly cache: readonly number[] };
  readonly tear: TearSpec | null;
  readonly seed: string;
  readonly replay: string;
  /** The same crash point with the fewest surviving writes (and no tear, if it is not needed) that still breaks the invariant. */
  readonly shrunk: { readonly id: string; readonly replay: string; readonly survivingBefore: number; readonly survivingAfter: number; readonly checks: number } | null;
}

export const DEFAULT_SAMPLE_STATES = 1000;
/** Findings kept in full per invariant; the rest are counted. */
const FINDINGS_KEPT_PER_INVARIANT = 20;

export interface CrashSummary {
  readonly mode: CrashMode;
  readonly stoppedBy: "complete" | "budget" | "time" | "found";
  readonly crashPoints: number;
  readonly crashPointsVisited: number;
  readonly statesGenerated: number;
  readonly uniqueImages: number;
  readonly statesChecked: number;
  readonly refusedOutsideFaultModel: number;
  readonly chunksReclaimed: number;
  readonly findingsByInvariant: Record<string, number>;
  readonly findings: CrashFinding[];
  readonly run: { readonly hostWrites: number; readonly hostFlushes: number; readonly sessionOps: number; readonly sourceDeviceWrites: number; readonly cacheDeviceWrites: number };
  readonly wall: { readonly wallMs: number; readonly statesCheckedPerSecond: number };
}

/**
 * A crash campaign: one recorded run, then crash states generated at its
 * crash points (every point and subset up to the bound in exhaustive mode;
 * random ones in sample mode), each identical pair of images checked once.
 */
export function runCampaign(scenario: Scenario, meta: RunMeta, options: CampaignOptions): { summary: CrashSummary; recording: Recording } {
  const startedMs = options.nowMs();
  const recording = recordRun(scenario, meta, options.parts);
  const checker = new StateChecker(recording, new CrashOracle(recording), options.parts);
  const rng = Rng.root(scenario.seed).stream("crash");
  const seen = new Set<string>();
  const byInvariant = new Map<number, number>();
  const findings: CrashFinding[] = [];
  let statesGenerated = 0;
  let statesChecked = 0;
  let refused = 0;
  let reclaimed = 0;
  let stoppedBy: CrashSummary["stoppedBy"] = "complete";
  const firstPoint = recording.firstPoint;
  const pointCount = recording.points.length - firstPoint;
  const visited = new Set<number>();
  const budget = options.budgetStates ?? (options.mode === "sample" ? DEFAULT_SAMPLE_STATES : Number.POSITIVE_INFINITY);

  const consider = (state: CrashStateSpec): boolean => {
    if (stoppedBy === "found") return false;
    if (statesGenerated >= budget) {
      stoppedBy = "budget";
      return false;
    }
    if (options.timeLimitMs !== undefined && options.nowMs() - startedMs > options.timeLimitMs) {
      stoppedBy = "time";
      return false;
    }
    statesGenerated++;
    visited.add(state.point);
    const images = checker.images(state);
    const key = `${images.source.contentHash()}/${images.cache.contentHash()}`;
    if (seen.has(key)) return true;
    seen.add(key);
    statesChecked++;
    record(state, checker.check(state, images));
    return true;
  };
  const record = (state: CrashStateSpec, outcome: CheckOutcome): void => {
    if (outcome.kind === "ok") reclaimed += outcome.reclaimedChunks;
    else if (outcome.kind === "refused") refused++;
    else {
      const count = (byInvariant.get(outcome.invariant) ?? 0) + 1;
      byInvariant.set(outcome.invariant, count);
      if (count <= FINDINGS_KEPT_PER_INVARIANT) {
        const id = formatStateId(state);
        // The first finding of each invariant is shrunk; the rest are kept as found.
        const shrunk = count === 1 && options.shrinkFindings !== false ? shrinkState(checker, state, outcome.invariant) : undefined;
        const shrunkId = shrunk === undefined ? undefined : formatStateId(shrunk.state);
        findings.push({
          id,
          invariant: outcome.invariant,
          check: outcome.check,
          message: outcome.message,
          crashPoint: state.point,
          surviving: { source: state.source, cache: state.cache },
          tear: state.tear ?? null,
          seed: scenario.seed,
          replay: options.replayCommand(id),
          shrunk:
            shrunk === undefined || shrunkId === undefined
              ? null
              : { id: shrunkId, replay: options.replayCommand(shrunkId), survivingBefore: state.source.length + state.cache.length, survivingAfter: shrunk.state.source.length + shrunk.state.cache.length, checks: shrunk.checks },
        });
      }
      if (outcome.invariant === options.untilInvariant) stoppedBy = "found";
    }
  };

  const progressEvery = Math.max(1, Math.floor(pointCount / 100));
  if (options.mode === "exhaustive") {
    outer: for (let point = firstPoint; point < recording.points.length; point++) {
      for (const state of statesAt(recording, point, options, rng)) if (!consider(state)) break outer;
      if ((point - firstPoint) % progressEvery === 0) options.onProgress?.((point - firstPoint + 1) / pointCount, statesChecked);
    }
  } else {
    while (consider(sampleStateAt(recording, firstPoint + Math.floor(rng.next() * pointCount), rng))) {
      if (statesGenerated % 50 === 0) options.onProgress?.(Number.isFinite(budget) ? statesGenerated / budget : 0, statesChecked);
    }
  }
  options.onProgress?.(1, statesChecked);
  const wallMs = options.nowMs() - startedMs;
  const host = recording.host;
  const summary: CrashSummary = {
    mode: options.mode,
    stoppedBy,
    crashPoints: pointCount,
    crashPointsVisited: visited.size,
    statesGenerated,
    uniqueImages: seen.size,
    statesChecked,
    refusedOutsideFaultModel: refused,
    chunksReclaimed: reclaimed,
    findingsByInvariant: Object.fromEntries([...byInvariant].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    findings,
    run: {
      hostWrites: host.writes.length,
      hostFlushes: host.flushes.length,
      sessionOps: host.sessionOps.length,
      sourceDeviceWrites: recording.source.log().writes.length,
      cacheDeviceWrites: recording.cache.log().writes.length,
    },
    wall: { wallMs, statesCheckedPerSecond: wallMs > 0 ? (statesChecked * 1000) / wallMs : 0 },
  };
  return { summary, recording };
}

/** Rebuilds one crash state of a scenario from its id and checks it. */
export function replayState(scenario: Scenario, meta: RunMeta, state: CrashStateSpec, parts?: EngineParts): { outcome: CheckOutcome; recording: Recording } {
  const recording = recordRun(scenario, meta, parts);
  if (state.point < recording.firstPoint || state.point >= recording.points.length) {
    throw new RangeError(`crash point ${state.point} is outside this run's crash points ${recording.firstPoint}..${recording.points.length - 1} (same scenario, seed and version?)`);
  }
  const pending = pendingAt(recording, state.point);
  for (const device of ["source", "cache"] as const) {
    const ids = new Set(pending.filter((write) => write.device === device).map((write) => write.writeId));
    const stray = state[device].filter((id) => !ids.has(id));
    if (stray.length > 0) throw new RangeError(`${device} writes ${stray.join(", ")} are not pending at crash point ${state.point} (pending there: ${[...ids].join(", ") || "none"})`);
  }
  const checker = new StateChecker(recording, new CrashOracle(recording), parts);
  return { outcome: checker.check(state), recording };
}
