/**
 * Workload shrinking: a failing crash case reduced to the fewest host
 * operations that still break the same invariant somewhere in an exhaustive
 * campaign, then to the fewest surviving writes at one crash point.
 *
 * The recorded run is first rewritten as a script (its writes, flushes and
 * session operations in submission order; reads are left out, they change
 * nothing on disk), which must itself still fail: the script runs the
 * operations in the same order but not with the same timing, so a bug that
 * depends on one exact interleaving may not survive the rewrite, and then
 * nothing is claimed. ddmin then removes operations, each candidate judged by
 * a campaign that stops at the first state breaking the invariant.
 */
import type { Scenario, ScriptOp, WorkloadSpec } from "../model.js";
import type { EngineParts, RunMeta } from "../runner/run-scenario.js";
import { runCampaign, type CrashFinding } from "./campaign.js";
import { ddmin } from "./ddmin.js";
import type { Recording } from "./record.js";

export interface WorkloadShrinkOptions {
  readonly exhaustiveBound: number;
  readonly sampledSubsets: number;
  /** Crash the recoveries too (as the campaign that found the failure did). */
  readonly recoveryCrashes?: boolean;
  readonly parts?: EngineParts;
  /** How the shrunk scenario's finding is replayed (the caller knows where it writes the file). */
  readonly replayCommand: (stateId: string) => string;
  /** After each campaign, with the operations kept so far. */
  readonly onCampaign?: (campaigns: number, opsKept: number) => void;
  readonly nowMs: () => number;
}

export interface ShrunkWorkload {
  readonly invariant: number;
  /** The rewritten run's operations, and the shrunk ones. */
  readonly opsBefore: number;
  readonly opsAfter: number;
  /** Campaigns run to get there (each one a recording plus checks). */
  readonly campaigns: number;
  readonly iodepth: number;
  readonly ops: readonly ScriptOp[];
  readonly scenario: Scenario;
  /** The shrunk scenario's first finding of the invariant, its crash state shrunk too. */
  readonly finding: CrashFinding;
}

/** The scenario with its workload replaced by a script (no schedule, no periodic flushes: the script holds them). */
export function scriptScenario(base: Scenario, iodepth: number, ops: readonly ScriptOp[]): Scenario {
  return {
    ...base,
    name: `${base.name}-shrunk`,
    description: `${base.description === "" ? base.name : base.description} (shrunk to ${ops.length} operations)`,
    workloads: [{ kind: "script", name: "shrunk", iodepth, ops }],
    sessions: [],
    flushes: {},
    stop: {},
  };
}

/** The recorded run's writes, flushes and session operations, in submission order. */
export function scriptOfRecording(recording: Recording): ScriptOp[] {
  const host = recording.host;
  return host.order.map((ref): ScriptOp => {
    if (ref.list === "writes") {
      const write = host.writes[ref.index]!;
      return { kind: "write", offsetBytes: write.offsetBytes, lengthBytes: write.lengthBytes };
    }
    if (ref.list === "flushes") return { kind: "flush" };
    const op = host.sessionOps[ref.index]!;
    return { kind: "session", action: op.action, slot: op.slot };
  });
}

/** How many operations the original workloads kept in flight, plus one place for a flush or session operation beside them. */
function scriptDepth(workloads: readonly WorkloadSpec[]): number {
  let depth = 0;
  for (const workload of workloads) {
    if (workload.kind === "job") depth += workload.iodepth * workload.numjobs;
    else if (workload.kind === "trace" || workload.kind === "script") depth += workload.iodepth;
    else depth += 1;
  }
  return depth + 1;
}

/**
 * Shrinks the recorded run's workload for one invariant. Undefined when the
 * run rewritten as a script no longer breaks it (see the file comment).
 */
export function shrinkWorkload(recording: Recording, meta: RunMeta, invariant: number, options: WorkloadShrinkOptions): ShrunkWorkload | undefined {
  const base = recording.scenario;
  const iodepth = scriptDepth(base.workloads);
  const original = scriptOfRecording(recording);
  let campaigns = 0;
  const campaign = (ops: readonly ScriptOp[], shrinkFindings: boolean, replayCommand: (id: string) => string) => {
    campaigns++;
    const { summary } = runCampaign(scriptScenario(base, iodepth, ops), meta, {
      mode: "exhaustive",
      exhaustiveBound: options.exhaustiveBound,
      sampledSubsets: options.sampledSubsets,
      untilInvariant: invariant,
      shrinkFindings,
      recoveryCrashes: options.recoveryCrashes === true,
      replayCommand,
      nowMs: options.nowMs,
      ...(options.parts === undefined ? {} : { parts: options.parts }),
    });
    return summary.findings.find((finding) => finding.invariant === invariant);
  };
  let kept = original.length;
  const fails = (ops: readonly ScriptOp[]) => {
    const failed = campaign(ops, false, (id) => id) !== undefined;
    if (failed) kept = Math.min(kept, ops.length);
    options.onCampaign?.(campaigns, kept);
    return failed;
  };
  if (original.length === 0 || !fails(original)) return undefined;
  const ops = ddmin(original, fails);
  const finding = campaign(ops, true, options.replayCommand);
  if (finding === undefined) throw new Error(`the shrunk script no longer breaks invariant ${invariant} (seed ${base.seed}): runs of one scenario must be deterministic`);
  return { invariant, opsBefore: original.length, opsAfter: ops.length, campaigns, iodepth, ops, scenario: scriptScenario(base, iodepth, ops), finding };
}
