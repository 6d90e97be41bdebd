import { Rng } from "../../sim/rng/streams.js";
import type { Scenario } from "../model.js";
import type { EngineParts, RunMeta } from "../runner/run-scenario.js";
import { StateChecker, imagesKey, type CheckOutcome } from "./check-state.js";
import { diskKeysOf, luOffsetOf, type LoggedDevices } from "./logged-devices.js";
import { pendingAt, sampleBatch, statesAt, type LoggedRun } from "./enumerate.js";
import { CrashOracle } from "./oracle.js";
import { recordRun, type Recording } from "./record.js";
import { formatRecoveryCrashId, recordRecovery, recoveryImageKey, recoveryImages, recoveryStates, type RecoveryCrashSpec, type RecoveryRecording } from "./recovery-crash.js";
import { shrinkState } from "./shrink.js";
import { describeDisk, formatStateId, survivorCount, type CrashStateSpec, type DiskKey, type TearSpec } from "./state-id.js";
import { BadValueError } from "../../io/bad-value-error.js";

export type CrashMode = "exhaustive" | "sample";

export interface CampaignOptions {
  readonly mode: CrashMode;
  /** Stop after this many crash states generated (see stateBudget for the default). */
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
  /** Told how many crash points the recorded run has, before any is checked: a campaign over many takes long. */
  readonly onRecorded?: (crashPoints: number) => void;
  /** Told after each crash point of an exhaustive campaign, and every 50 states of a sampled one. */
  readonly onProgress?: (fraction: number, statesChecked: number) => void;
  /** Stop at the first state that breaks this invariant (workload shrinking asks only whether a run still fails). */
  readonly untilInvariant?: number;
  /** Also crash each successful recovery at every boundary of its own writes, and check the second recovery (see recovery-crash.ts). */
  readonly recoveryCrashes?: boolean;
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
  /** The surviving pending writes, per logged disk, under the keys the id lists them after (s, c; s0/, c1/... for stripe members). */
  readonly surviving: Readonly<Record<DiskKey, readonly number[]>>;
  readonly tear: TearSpec | null;
  /** For a crash during recovery: the recovery's crash point and its surviving writes (the id's part after "/"). */
  readonly recoveryCrash: { readonly point: number; readonly surviving: Readonly<Record<DiskKey, readonly number[]>> } | null;
  readonly seed: string;
  readonly replay: string;
  /** The same crash point with the fewest surviving writes (and no tear, if it is not needed) that still breaks the invariant. */
  readonly shrunk: { readonly id: string; readonly replay: string; readonly survivingBefore: number; readonly survivingAfter: number; readonly checks: number } | null;
}

export const DEFAULT_SAMPLE_STATES = 1000;
/**
 * States a sampled campaign draws before it checks them, in crash-point
 * order. Small beside the default budget, so that a campaign stopped by its
 * time limit has checked states from all over the run, not one stretch.
 */
export const SAMPLE_BATCH_STATES = 32;

/**
 * The number of states a campaign may generate: the one asked for; else,
 * in sample mode, DEFAULT_SAMPLE_STATES unless a time limit was asked for
 * (then the time alone stops it); else no limit.
 */
export function stateBudget(mode: CrashMode, budgetStates: number | undefined, timeLimitMs: number | undefined): number {
  if (budgetStates !== undefined) return budgetStates;
  return mode === "sample" && timeLimitMs === undefined ? DEFAULT_SAMPLE_STATES : Number.POSITIVE_INFINITY;
}
/** Findings kept in full per invariant; the rest are counted. */
export const FINDINGS_KEPT_PER_INVARIANT = 20;

/** What the crash states of one kind (the run's, or the recoveries') came to. */
export interface CheckedStateCounts {
  readonly statesGenerated: number;
  /** Distinct pairs of crash images among the states generated. */
  readonly uniqueImages: number;
  /** States mounted and checked: each unique pair of images once per stretch of crash points where the oracle expects the same (at least uniqueImages). */
  readonly statesChecked: number;
  /** Of the states checked: refused outside the fault model. */
  readonly refusedOutsideFaultModel: number;
  /** Of the states checked: leaked chunks recovery reclaimed. */
  readonly chunksReclaimed: number;
  /** Of the states checked, those that broke each invariant. */
  readonly findingsByInvariant: Record<string, number>;
}

export interface CrashSummary extends CheckedStateCounts {
  readonly mode: CrashMode;
  readonly stoppedBy: "complete" | "budget" | "time" | "found";
  readonly crashPoints: number;
  readonly crashPointsVisited: number;
  /** Kept findings, of the run's states and of crashes during recovery (recoveryCrash says which). */
  readonly findings: CrashFinding[];
  /** Crashes during recovery (null when not asked for), counted apart from the run's states above. */
  readonly recoveryCrashes: RecoveryCrashCounts | null;
  readonly run: { readonly hostWrites: number; readonly hostFlushes: number; readonly sessionOps: number; readonly sourceDeviceWrites: number; readonly cacheDeviceWrites: number };
  readonly wall: { readonly wallMs: number; readonly statesCheckedPerSecond: number };
}

/**
 * What the crashes during recovery came to: recoveries recorded, their crash
 * states generated, their distinct image pairs, the states checked (each
 * pair once per verdict context of the run's state), and of those checked:
 * refused, leaked chunks reclaimed, findings by invariant.
 */
export interface RecoveryCrashCounts extends CheckedStateCounts {
  readonly recoveries: number;
}

/** The crash states of one kind (the run's, or the recoveries'): what was generated, which were checked, what the checks found. */
class StateTally {
  generated = 0;
  checked = 0;
  refused = 0;
  reclaimedChunks = 0;
  readonly byInvariant = new Map<number, number>();
  /** Pairs of images seen (the count the report gives as unique images). */
  private readonly images = new Set<string>();
  /** Images with their verdict context (see StateChecker.verdictContext): each checked once. */
  private readonly checkedKeys = new Set<string>();

  /**
   * Counts a state generated with these images; true (and counted as
   * checked) the first time they come with this verdict context: the same
   * images are judged against what the oracle expects at the state's point,
   * so they are checked again where that differs.
   */
  generate(imageKey: string, verdictContext: string): boolean {
    this.generated++;
    this.images.add(imageKey);
    const key = `${imageKey}/${verdictContext}`;
    if (this.checkedKeys.has(key)) return false;
    this.checkedKeys.add(key);
    this.checked++;
    return true;
  }

  /** Counts an outcome; for a finding, returns how many of its invariant this tally has now. */
  add(outcome: CheckOutcome): number {
    if (outcome.kind === "ok") this.reclaimedChunks += outcome.reclaimedChunks;
    else if (outcome.kind === "refused") this.refused++;
    else {
      const count = (this.byInvariant.get(outcome.invariant) ?? 0) + 1;
      this.byInvariant.set(outcome.invariant, count);
      return count;
    }
    return 0;
  }

  counts(): CheckedStateCounts {
    return {
      statesGenerated: this.generated,
      uniqueImages: this.images.size,
      statesChecked: this.checked,
      refusedOutsideFaultModel: this.refused,
      chunksReclaimed: this.reclaimedChunks,
      findingsByInvariant: Object.fromEntries([...this.byInvariant].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    };
  }
}

/**
 * A crash campaign: one recorded run, then crash states generated at its
 * crash points (every point and subset up to the bound in exhaustive mode;
 * random ones in sample mode), each identical pair of images checked once
 * per stretch of crash points where the oracle expects the same of it.
 */
export function runCampaign(scenario: Scenario, meta: RunMeta, options: CampaignOptions): { summary: CrashSummary; recording: Recording } {
  const startedMs = options.nowMs();
  const recording = recordRun(scenario, meta, options.parts);
  options.onRecorded?.(recording.points.length - recording.firstPoint);
  const checker = new StateChecker(recording, new CrashOracle(recording), options.parts);
  const rng = Rng.root(scenario.seed).stream("crash");
  const runTally = new StateTally();
  /** Recovery images are keyed apart from the run's (see recoveryImageKey). */
  const recoveryTally = new StateTally();
  /** Findings kept per invariant, of both kinds (at most FINDINGS_KEPT_PER_INVARIANT). */
  const keptByInvariant = new Map<number, number>();
  const findings: CrashFinding[] = [];
  let stoppedBy: CrashSummary["stoppedBy"] = "complete";
  const firstPoint = recording.firstPoint;
  const pointCount = recording.points.length - firstPoint;
  const visited = new Set<number>();
  const budget = stateBudget(options.mode, options.budgetStates, options.timeLimitMs);

  const recoveryRng = Rng.root(scenario.seed).stream("recovery-crash");
  let recoveries = 0;
  /** Whether another state may be generated (budget and time cover the recovery's states too). */
  const mayGoOn = (): boolean => {
    if (stoppedBy === "found") return false;
    if (runTally.generated + recoveryTally.generated >= budget) {
      stoppedBy = "budget";
      return false;
    }
    // Not before the first state is checked: a campaign that checked nothing would say "no invariant broke" of nothing.
    if (options.timeLimitMs !== undefined && runTally.checked > 0 && options.nowMs() - startedMs > options.timeLimitMs) {
      stoppedBy = "time";
      return false;
    }
    return true;
  };
  const consider = (state: CrashStateSpec): boolean => {
    if (!mayGoOn()) return false;
    visited.add(state.point);
    const images = checker.images(state);
    if (!runTally.generate(imagesKey(images), checker.verdictContext(state))) return true;
    // Recorded before the check, which writes into the images it is handed: they are built once.
    const recovery = options.recoveryCrashes === true ? recordRecovery(recording, state, images, options.parts) : undefined;
    const outcome = checker.check(state, images);
    record(state, outcome);
    return outcome.kind === "ok" && recovery !== undefined ? crashRecovery(state, recovery) : true;
  };
  const crashRecovery = (base: CrashStateSpec, recovery: RecoveryRecording): boolean => {
    recoveries++;
    for (const state of recoveryStates(recovery, options, recoveryRng)) {
      if (!mayGoOn()) return false;
      const recoveryImagesOfState = recoveryImages(recovery, state);
      // Judged at the run's crash point (no host operation happens during a mount), so keyed with its context.
      if (!recoveryTally.generate(recoveryImageKey(recoveryImagesOfState), checker.verdictContext(base))) continue;
      record(base, checker.check(base, recoveryImagesOfState), state);
    }
    return true;
  };
  /** Counts an outcome with its kind's tally; a finding is kept (the run's first of each invariant shrunk; a crash during recovery is not). */
  const record = (state: CrashStateSpec, outcome: CheckOutcome, recoveryState?: CrashStateSpec): void => {
    const count = (recoveryState === undefined ? runTally : recoveryTally).add(outcome);
    if (outcome.kind === "finding") {
      const kept = (keptByInvariant.get(outcome.invariant) ?? 0) + 1;
      keptByInvariant.set(outcome.invariant, kept);
      if (kept <= FINDINGS_KEPT_PER_INVARIANT) {
        const id = recoveryState === undefined ? formatStateId(state) : formatRecoveryCrashId({ base: state, recovery: recoveryState });
        // The first finding of each invariant is shrunk; the rest are kept as found.
        const shrunk = count === 1 && recoveryState === undefined && options.shrinkFindings !== false ? shrinkState(checker, state, outcome.invariant) : undefined;
        const shrunkId = shrunk === undefined ? undefined : formatStateId(shrunk.state);
        findings.push({
          id,
          invariant: outcome.invariant,
          check: outcome.check,
          message: outcome.message,
          crashPoint: state.point,
          surviving: state.surviving,
          tear: state.tear ?? null,
          recoveryCrash: recoveryState === undefined ? null : { point: recoveryState.point, surviving: recoveryState.surviving },
          seed: scenario.seed,
          replay: options.replayCommand(id),
          shrunk:
            shrunk === undefined || shrunkId === undefined
              ? null
              : { id: shrunkId, replay: options.replayCommand(shrunkId), survivingBefore: survivorCount(state), survivingAfter: survivorCount(shrunk.state), checks: shrunk.checks },
        });
      }
      if (outcome.invariant === options.untilInvariant) stoppedBy = "found";
    }
  };

  /** How far a sampled campaign is towards whichever of its budget and time limit stops it first. */
  const sampleProgress = (): number => {
    const byStates = Number.isFinite(budget) ? runTally.generated / budget : 0;
    const byTime = options.timeLimitMs === undefined ? 0 : (options.nowMs() - startedMs) / options.timeLimitMs;
    return Math.min(1, Math.max(byStates, byTime));
  };
  if (options.mode === "exhaustive") {
    // After every point: on a large run's recording (the quickstart's 59,763 points) a hundredth of them took many minutes.
    outer: for (let point = firstPoint; point < recording.points.length; point++) {
      for (const state of statesAt(recording, point, options, rng)) if (!consider(state)) break outer;
      options.onProgress?.((point - firstPoint + 1) / pointCount, runTally.checked);
    }
  } else {
    // Drawn a batch at a time and checked in crash-point order: the oracle moves between two points' expectations
    // by the sectors whose answer changes between them (allowedSourceAt), and the images' keyer carries its durable
    // prefix forward from the last point (a step back starts it over). In random order, each state made the oracle
    // walk a third of the run's changes and the keyer start over every other state. Always ascending: down a
    // batch, the keyer would start over at every state.
    let goOn = true;
    while (goOn) {
      const left = budget - runTally.generated - recoveryTally.generated;
      for (const state of sampleBatch(recording, rng, Math.max(1, Math.min(SAMPLE_BATCH_STATES, left)))) {
        goOn = consider(state);
        if (!goOn) break;
        if (runTally.generated % 50 === 0) options.onProgress?.(sampleProgress(), runTally.checked);
      }
    }
  }
  options.onProgress?.(1, runTally.checked);
  const wallMs = options.nowMs() - startedMs;
  const host = recording.host;
  const summary: CrashSummary = {
    mode: options.mode,
    stoppedBy,
    crashPoints: pointCount,
    crashPointsVisited: visited.size,
    ...runTally.counts(),
    findings,
    recoveryCrashes: options.recoveryCrashes === true ? { recoveries, ...recoveryTally.counts() } : null,
    run: {
      hostWrites: host.writes.length,
      hostFlushes: host.flushes.length,
      sessionOps: host.sessionOps.length,
      ...deviceWriteCounts(recording),
    },
    // Every check counts, the recovery's crash states' too.
    wall: { wallMs, statesCheckedPerSecond: wallMs > 0 ? ((runTally.checked + recoveryTally.checked) * 1000) / wallMs : 0 },
  };
  return { summary, recording };
}

/** The device writes the run made to each LU, by where they landed (a shared disk's to either; a stripe member's to its LU). */
function deviceWriteCounts(recording: Recording): { readonly sourceDeviceWrites: number; readonly cacheDeviceWrites: number } {
  const counts = { source: 0, cache: 0 };
  recording.disks.forEach(({ device }, disk) => {
    for (const write of device.log().writes) counts[luOffsetOf(recording, disk, write.offsetBytes).lu]++;
  });
  return { sourceDeviceWrites: counts.source, cacheDeviceWrites: counts.cache };
}

/** States that broke an invariant: of the run's, of the recoveries' (0 when not explored), and both. */
export function findingTotals(summary: CrashSummary): { readonly run: number; readonly recovery: number; readonly total: number } {
  const sum = (byInvariant: Record<string, number>) => Object.values(byInvariant).reduce((a, b) => a + b, 0);
  const run = sum(summary.findingsByInvariant);
  const recovery = summary.recoveryCrashes === null ? 0 : sum(summary.recoveryCrashes.findingsByInvariant);
  return { run, recovery, total: run + recovery };
}

/** Throws unless every surviving write of `state` is pending at its crash point of `run`, on a disk the run has. */
function checkSurvivorsPending(run: LoggedRun & LoggedDevices, state: CrashStateSpec, what: string): void {
  const pending = pendingAt(run, state.point);
  for (const [disk, listed] of Object.entries(state.surviving)) {
    if (!run.disks.some((logged) => logged.key === disk)) throw new BadValueError(`${unloggedListReason(run)}: ${describeDisk(disk)} writes ${listed.join(", ")} name nothing`);
    const ids = new Set(pending.filter((write) => write.disk === disk).map((write) => write.writeId));
    const stray = listed.filter((id) => !ids.has(id));
    if (stray.length > 0) throw new BadValueError(`${describeDisk(disk)} writes ${stray.join(", ")} are not pending at ${what} crash point ${state.point} (pending there: ${[...ids].join(", ") || "none"})`);
  }
  const tear = state.tear;
  if (tear === undefined) return;
  // Checked against the write before any image is built: the image would list every sector of the range to refuse it.
  const sectors = pending.find((write) => write.disk === tear.disk && write.writeId === tear.writeId)!.sectors;
  if (tear.lastKept >= sectors) throw new BadValueError(`the torn range ${tear.firstKept}-${tear.lastKept} of ${describeDisk(tear.disk)} write ${tear.writeId} goes past its ${sectors} sectors (0-${sectors - 1})`);
}

/** Why a state id's list that names no logged disk of this scenario names nothing: where the LUs' writes are listed instead. */
function unloggedListReason(devices: LoggedDevices): string {
  const listed = (keys: readonly DiskKey[]) => keys.map((key) => `"${key}"`).join(", ");
  // On a shared disk every write, to either LU, is the disk's, listed after "s" (or its members', on a shared stripe).
  const source = diskKeysOf(devices, "source");
  const cache = diskKeysOf(devices, "cache");
  if (source.join() === cache.join()) return `this scenario's Source and Cache LU share one ${source.length === 1 ? "disk" : "stripe"}, whose writes are all listed after ${listed(source)}`;
  return `this scenario's Source LU's writes are listed after ${listed(source)} and the Cache LU's after ${listed(cache)}`;
}

/** Rebuilds one crash state of a scenario from its id (a crash during recovery too) and checks it. */
export function replayState(scenario: Scenario, meta: RunMeta, spec: CrashStateSpec | RecoveryCrashSpec, parts?: EngineParts): { outcome: CheckOutcome; recording: Recording } {
  const recording = recordRun(scenario, meta, parts);
  const state = "base" in spec ? spec.base : spec;
  if (state.point < recording.firstPoint || state.point >= recording.points.length) {
    throw new BadValueError(`crash point ${state.point} is outside this run's crash points ${recording.firstPoint}..${recording.points.length - 1} (same scenario, seed and version?)`);
  }
  checkSurvivorsPending(recording, state, "the run's");
  const checker = new StateChecker(recording, new CrashOracle(recording), parts);
  if (!("base" in spec)) return { outcome: checker.check(state), recording };
  const recovery = recordRecovery(recording, state, checker.images(state), parts);
  if (recovery === undefined) throw new BadValueError(`the recovery from ${formatStateId(state)} fails, so it has no crash points of its own; replay ${formatStateId(state)} to see why`);
  if (spec.recovery.point >= recovery.points.length) throw new BadValueError(`recovery crash point ${spec.recovery.point} is outside this recovery's crash points 0..${recovery.points.length - 1}`);
  if (spec.recovery.tear !== undefined) throw new BadValueError("crashes during recovery are not torn (every write a mount makes is a metadata block)");
  checkSurvivorsPending(recovery, spec.recovery, "the recovery's");
  return { outcome: checker.check(state, recoveryImages(recovery, spec.recovery)), recording };
}
