import { readFioJobFile } from "../fio/read-job-file.js";
import { basename } from "node:path";
import type { Rng } from "../../sim/rng/streams.js";
import type { JobSpec, Scenario, ScriptSpec, TraceSpec } from "../model.js";
import { isTimelessJob, TIMELESS_JOB_EXPECTED, TIMELESS_JOB_PROBLEM } from "../workloads/timeless-job.js";
import { slotsEverStarted } from "../session-starts.js";
import { importFioJobFile } from "../fio/import-job-file.js";
import { traceSource } from "../traces/trace-source.js";
import { jobSources } from "../workloads/job-source.js";
import type { WorkloadSource } from "../workloads/source.js";
import { closedLoopIosInFlight, IN_FLIGHT_EXPECTED, MAX_HOST_IOS_IN_FLIGHT } from "../limits.js";
import { BadValueError } from "../../io/bad-value-error.js";

/** One line of fio-shaped results: a job (its clones together) or a trace. */
export interface WorkloadGroup {
  readonly name: string;
  readonly sources: readonly WorkloadSource[];
  /** Reads of this group go to this session's Phantom LU instead of the Source LU. */
  readonly phantomSlot?: number;
  /** A script's operations (its `sources` are then empty): the runner issues them itself, since they include flushes and session operations. */
  readonly script?: ScriptSpec;
}

/** How far the reading of a trace file has got (for a progress bar: a trace of millions of requests takes seconds). */
export type TraceReadListener = (workloadName: string, bytesRead: number, totalBytes: number) => void;

/**
 * Turns the scenario's workloads into sources, fio job files imported here,
 * and returns them with every note about them for the results: what the
 * import ignored, and each source's own notes.
 */
export function prepareWorkloads(
  scenario: Scenario,
  rng: Rng,
  source: { capacityBytes: number; sectorSizeBytes: number },
  onTraceRead?: TraceReadListener,
): { groups: WorkloadGroup[]; notes: string[] } {
  const notes: string[] = [];
  const groups: WorkloadGroup[] = [];
  /** Host I/Os each group keeps in flight: the scenario's own workloads were counted when it was checked, fio job files are only read here. */
  const inFlight: Array<{ readonly name: string; readonly ios: number }> = [];
  const add = (spec: JobSpec | TraceSpec | ScriptSpec, group: WorkloadGroup) => {
    groups.push(group);
    inFlight.push({ name: spec.name, ios: closedLoopIosInFlight(spec) });
  };
  const addJob = (job: JobSpec) => {
    refuseTimelessJob(scenario, job);
    add(job, { name: job.name, sources: jobSources(job, rng, source), ...(job.phantomSlot === undefined ? {} : { phantomSlot: job.phantomSlot }) });
  };
  for (const workload of scenario.workloads) {
    if (workload.kind === "job") addJob(workload);
    else if (workload.kind === "trace") {
      const onProgress = onTraceRead === undefined ? undefined : (bytesRead: number, totalBytes: number) => onTraceRead(workload.name, bytesRead, totalBytes);
      add(workload, { name: workload.name, sources: [traceSource(workload, source, onProgress)] });
    }
    else if (workload.kind === "script") add(workload, { name: workload.name, sources: [], script: workload });
    else {
      // Problems name the file as resolved against the scenario's directory, as a missing trace does; the notes, which go
      // into results.json, keep its base name, so that results do not depend on where the checkout is.
      const imported = importFioJobFile(readFioJobFile(workload.path), workload.path, { sourceCapacityBytes: source.capacityBytes });
      for (const ignored of imported.ignored) notes.push(`${basename(workload.path)}:${ignored.line}: ${ignored.option} ignored: ${ignored.reason}`);
      // How the jobs were read (a depth cut to 1 for a synchronous engine, a percentage resolved, number_ios derived from size...): what cofwsim import prints in its header.
      for (const note of imported.notes) notes.push(`${basename(workload.path)}: ${note}`);
      if (imported.warmupNs !== undefined) notes.push(`${basename(workload.path)}: ramp_time is not applied; the scenario's measurement.warmup sets the measured window`);
      imported.jobs.forEach(addJob);
    }
  }
  const total = inFlight.reduce((sum, group) => sum + group.ios, 0);
  if (total > MAX_HOST_IOS_IN_FLIGHT) {
    const largest = inFlight.filter((group) => group.ios > 0).sort((a, b) => b.ios - a.ios).slice(0, 3).map((group) => `${group.name}: ${group.ios}`);
    throw new BadValueError(`the workloads keep ${total} host I/Os in flight (${largest.join(", ")}); expected ${IN_FLIGHT_EXPECTED}`);
  }
  const names = new Set<string>();
  for (const group of groups) {
    if (names.has(group.name)) throw new BadValueError(`two workloads are named "${group.name}"; results are reported per name, so names must differ`);
    names.add(group.name);
  }
  for (const group of groups) for (const workloadSource of group.sources) notes.push(...workloadSource.notes.map((note) => `${workloadSource.name}: ${note}`));
  return { groups, notes };
}

/** See isTimelessJob: the scenario's own jobs were refused by the loader, those of fio job files are refused here. */
function refuseTimelessJob(scenario: Scenario, job: JobSpec): void {
  if (isTimelessJob(scenario.devices, scenario.stop, slotsEverStarted(scenario.sessions, scenario.workloads), job)) throw new BadValueError(`job "${job.name}": ${TIMELESS_JOB_PROBLEM}; expected ${TIMELESS_JOB_EXPECTED}`);
}
