/**
 * A shrunk crash case written as a scenario file: the original file (with its
 * --set overrides applied, comments and key order kept) whose workload,
 * session schedule, periodic flushes and stop condition are replaced by the
 * shrunk script. Replaying the state id against this file reproduces the
 * finding on its own, without the original scenario.
 */
import { parseDocument } from "yaml";
import type { RunMeta } from "../runner/run-scenario.js";
import { applyOverrides } from "../schema/overrides.js";
import { formatScriptOp } from "../schema/script-ops.js";
import type { CrashSummary } from "./campaign.js";
import type { Recording } from "./record.js";
import { scriptOfRecording, shrinkWorkload, type ShrunkWorkload, type WorkloadShrinkOptions } from "./shrink-workload.js";

export interface ShrunkFileContext {
  /** The original scenario's text, its file name (for the header) and the overrides it ran with. */
  readonly originalText: string;
  readonly originalFileName: string;
  readonly overrides: readonly string[];
  /** What the invariant promises, for the header. */
  readonly invariantTitle: string;
  /** The command that replays the shrunk state against the written file. */
  readonly replay: string;
}

export function shrunkScenarioText(shrunk: ShrunkWorkload, context: ShrunkFileContext): string {
  const document = parseDocument(context.originalText);
  const problems = applyOverrides(document, context.overrides, new WeakMap());
  if (problems.length > 0) throw new Error(`the overrides no longer apply to ${context.originalFileName}: ${problems.map((p) => p.message).join("; ")}`);
  for (const key of ["$schema", "sessions", "flushes", "stop"]) document.delete(key);
  document.set("name", shrunk.scenario.name);
  document.set("description", shrunk.scenario.description);
  document.set("workloads", [{ kind: "script", name: "shrunk", iodepth: shrunk.iodepth, ops: shrunk.ops.map(formatScriptOp) }]);
  const finding = shrunk.finding;
  document.commentBefore = [
    ` Shrunk by \`cofwsim crash\` from ${context.originalFileName} (seed ${finding.seed}): invariant ${shrunk.invariant} (${context.invariantTitle}) broke.`,
    ` ${shrunk.opsBefore} host operations -> ${shrunk.opsAfter} (${shrunk.campaigns} exhaustive campaigns); first failing state ${finding.id}${finding.shrunk === null ? "" : `, shrunk to ${finding.shrunk.id}`}.`,
    ` ${finding.check}: ${finding.message}`,
    ` Replay, in this file's directory: ${context.replay}`,
  ].join("\n");
  return document.toString({ lineWidth: 0 });
}

/** What crash.json says of one invariant's shrunk scenario. */
export interface ShrunkScenarioEntry {
  readonly invariant: number;
  /** The file's name in the output directory; null when the run rewritten as a script did not break the invariant. */
  readonly file: string | null;
  readonly opsBefore: number;
  readonly opsAfter: number;
  readonly campaigns: number;
  readonly stateId: string | null;
  readonly replay: string | null;
}

export interface ShrunkFilesContext extends Omit<ShrunkFileContext, "invariantTitle" | "replay">, Omit<WorkloadShrinkOptions, "replayCommand" | "onCampaign"> {
  readonly invariantTitles: Readonly<Record<number, string>>;
  /** The replay command for a state id against a written file, given its name (the command is run in the output directory). */
  readonly replayFor: (fileName: string, stateId: string) => string;
  readonly onCampaign?: (invariant: number, campaigns: number, opsKept: number) => void;
}

/** A shrunk scenario file to write: its name in the output directory and its text. */
export interface ShrunkScenarioFile {
  readonly fileName: string;
  readonly text: string;
}

/**
 * Shrinks the workload of each invariant's first finding into the text of a
 * scenario file, named shrunk-invariant-N.yaml; nothing is written, so that a
 * campaign's outputs are written together, all or nothing (bin/output-set.ts).
 */
export function shrinkScenarios(recording: Recording, meta: RunMeta, summary: CrashSummary, context: ShrunkFilesContext): { entries: ShrunkScenarioEntry[]; files: ShrunkScenarioFile[] } {
  const invariants = [...new Set(summary.findings.map((finding) => finding.invariant))].sort((a, b) => a - b);
  const files: ShrunkScenarioFile[] = [];
  const entries = invariants.map((invariant): ShrunkScenarioEntry => {
    const fileName = `shrunk-invariant-${invariant}.yaml`;
    let campaignsRun = 0;
    const shrunk = shrinkWorkload(recording, meta, invariant, {
      exhaustiveBound: context.exhaustiveBound,
      sampledSubsets: context.sampledSubsets,
      recoveryCrashes: context.recoveryCrashes === true,
      nowMs: context.nowMs,
      replayCommand: (id) => context.replayFor(fileName, id),
      onCampaign: (campaigns, kept) => {
        campaignsRun = campaigns;
        context.onCampaign?.(invariant, campaigns, kept);
      },
      ...(context.parts === undefined ? {} : { parts: context.parts }),
    });
    if (shrunk === undefined) {
      const opsBefore = scriptOfRecording(recording).length;
      return { invariant, file: null, opsBefore, opsAfter: opsBefore, campaigns: campaignsRun, stateId: null, replay: null };
    }
    const state = shrunk.finding.shrunk ?? { id: shrunk.finding.id, replay: shrunk.finding.replay };
    files.push({ fileName, text: shrunkScenarioText(shrunk, { ...context, invariantTitle: context.invariantTitles[invariant] ?? "?", replay: state.replay }) });
    return { invariant, file: fileName, opsBefore: shrunk.opsBefore, opsAfter: shrunk.opsAfter, campaigns: shrunk.campaigns, stateId: state.id, replay: state.replay };
  });
  return { entries, files };
}
