/**
 * `importFioJobFile`: a fio job file's text to the simulator's JobSpecs, with
 * every option accounted for: mapped, ignored with a reason, or refused. All
 * problems of a file are thrown together as one FioImportError.
 *
 * fio's rules for the file as a whole (HOWTO "Job file format"):
 * - a [global] section sets defaults for the job sections below it (not
 *   above), and a later [global] adds to the earlier ones;
 * - a job section overrides its globals; an option given twice keeps the
 *   later value;
 * - a job is named by its `name` option, else its section name; a `name` in
 *   [global] therefore names every job below it.
 *
 * Sequencing: fio runs all jobs at once unless `stonewall` (or wait_for) makes
 * a job wait for earlier ones to end. JobSpecs only have a start delay, so
 * this import can sequence a job only after jobs whose end is fixed: time_based
 * jobs with a runtime. Anything else is refused with the reason.
 */
import type { JobSpec } from "../model.js";
import { FioImportError, type FioProblem } from "./fio-import-error.js";
import { canonicalFioOption, suggestFioOption } from "./fio-option-table.js";
import { jobFromOptions, type BuiltJob, type JobSink, type OptionEntry } from "./job-from-options.js";
import { readFioJobFile } from "./parse-job-file.js";
import { formatDuration } from "./units.js";

export interface FioIgnoredOption {
  /** The job the option applied to (a [global] option is listed once per job). */
  readonly job: string;
  /** The option's name as written in the file. */
  readonly option: string;
  /** Its value as written, when it has one. */
  readonly value?: string;
  readonly line: number;
  readonly reason: string;
}

export interface FioImport {
  readonly jobs: JobSpec[];
  readonly ignored: FioIgnoredOption[];
  /** What the reader must know about how the jobs were read (defaults taken, approximations, differences from fio). */
  readonly notes: string[];
  /** The jobs' ramp_time: results should leave out this first part of the run (the scenario's measurement warm-up). */
  readonly warmupNs?: number;
}

export interface FioImportOptions {
  /** The Source LU's capacity: needed for size=N% and offset=N%, to stop a job without size after one pass, and to check regions fit. */
  readonly sourceCapacityBytes?: number;
  /**
   * latency_target makes fio search for the deepest queue (1..iodepth) that
   * meets a latency target and report only that depth; the simulator runs a
   * job at one depth. "fixed-iodepth" (the default) imports the job at its
   * iodepth and lists latency_target as ignored, saying what that changes:
   * the I/O pattern is the same, the depth is the top of fio's search.
   * "reject" refuses such a job instead, for callers that want only exact
   * imports.
   */
  readonly latencyTarget?: "reject" | "fixed-iodepth";
}

interface ImportedJob {
  readonly name: string;
  readonly sectionLine: number;
  readonly built: BuiltJob;
}

export function importFioJobFile(text: string, fileName: string, options: FioImportOptions = {}): FioImport {
  const { file: parsed, problems: syntaxProblems } = readFioJobFile(text, fileName);
  const problems: FioProblem[] = [...syntaxProblems];
  const ignored: FioIgnoredOption[] = [];
  const notes: string[] = [];
  const problem = (line: number, message: string, column?: number): void => {
    problems.push({ fileName, line, message, ...(column === undefined ? {} : { column }) });
  };

  const globals = new Map<string, OptionEntry>();
  const jobs: ImportedJob[] = [];
  let jobSections = 0;
  for (const section of parsed.sections) {
    const own = new Map<string, OptionEntry>();
    for (const option of section.options) {
      const canonical = canonicalFioOption(option.name);
      if (canonical === undefined) {
        const close = suggestFioOption(option.name);
        problem(option.line, `unknown fio option "${option.name}"${close === undefined ? "" : `; did you mean ${close}?`}`, option.column);
        continue;
      }
      own.set(canonical, { written: option.name, canonical, value: option.value, line: option.line, column: option.valueColumn ?? option.column });
    }
    if (section.isGlobal) {
      for (const [canonical, entry] of own) globals.set(canonical, entry);
      continue;
    }
    jobSections += 1;
    const effective = new Map(globals);
    for (const [canonical, entry] of own) effective.set(canonical, entry);
    const name = effective.get("name")?.value?.trim() || section.name;
    const sink: JobSink = {
      problem,
      ignore: (entry, reason) => ignored.push({ job: name, option: entry.written, ...(entry.value === undefined ? {} : { value: entry.value }), line: entry.line, reason }),
      note: (message) => notes.push(message),
    };
    const built = jobFromOptions(name, effective, sink, { sourceCapacityBytes: options.sourceCapacityBytes, latencyTarget: options.latencyTarget ?? "fixed-iodepth" });
    if (built !== undefined) jobs.push({ name, sectionLine: section.line, built });
  }
  if (jobSections === 0 && syntaxProblems.length === 0) problem(parsed.sections.at(-1)?.line ?? 1, "no job sections: fio would run nothing; expected a [job-name] section below the [global] one");

  const specs = sequenceJobs(jobs, problem, notes);
  uniqueNames(specs, notes);
  const warmupNs = commonWarmup(jobs, specs, problem);
  notes.push(...fileNotes(jobs));

  if (problems.length > 0) throw new FioImportError(fileName, problems);
  ignored.sort((a, b) => a.line - b.line);
  return { jobs: specs, ignored, notes, ...(warmupNs === undefined ? {} : { warmupNs }) };
}

/** Turns stonewall and wait_for into start delays; each job's specs, in file order. */
function sequenceJobs(jobs: readonly ImportedJob[], problem: (line: number, message: string, column?: number) => void, notes: string[]): JobSpec[] {
  const ends: Array<{ readonly name: string; readonly endNs: number | undefined }> = [];
  const specs: JobSpec[] = [];
  let groupStartNs = 0;
  for (const job of jobs) {
    let startNs = groupStartNs;
    const stonewall = job.built.stonewall;
    if (stonewall !== undefined && ends.length > 0) {
      const open = ends.find((end) => end.endNs === undefined);
      if (open !== undefined) {
        problem(stonewall.line, `${stonewall.written}: waits for job "${open.name}" to end, but its end is not fixed (only time_based jobs with a runtime have a known end); give the earlier jobs time_based and runtime, or a startdelay here`, stonewall.column);
      } else {
        groupStartNs = Math.max(...ends.map((end) => end.endNs ?? 0));
        startNs = groupStartNs;
      }
    }
    const waitFor = job.built.waitFor;
    if (waitFor !== undefined) {
      const waitee = ends.find((end) => end.name === waitFor.jobName);
      if (waitee === undefined) problem(waitFor.entry.line, `wait_for=${waitFor.jobName}: no earlier job has that name (fio allows waiting only for a job defined above)`, waitFor.entry.column);
      else if (waitee.endNs === undefined) problem(waitFor.entry.line, `wait_for=${waitFor.jobName}: that job's end is not fixed (only time_based jobs with a runtime have a known end)`, waitFor.entry.column);
      else startNs = Math.max(startNs, waitee.endNs);
    }
    if (startNs > 0) notes.push(`${job.name}: starts at ${formatDuration(startNs)}, when the jobs it waits for (stonewall/wait_for) end`);
    for (const spec of job.built.specs) specs.push({ ...spec, startDelayNs: spec.startDelayNs + startNs });
    ends.push({ name: job.name, endNs: job.built.durationNs === undefined ? undefined : startNs + job.built.durationNs });
  }
  return specs;
}

/** fio allows two jobs with one name; results need them apart, so later ones get a suffix. */
function uniqueNames(specs: JobSpec[], notes: string[]): void {
  const used = new Set<string>();
  specs.forEach((spec, index) => {
    let name = spec.name;
    for (let n = 2; used.has(name); n++) name = `${spec.name}-${n}`;
    used.add(name);
    if (name !== spec.name) {
      notes.push(`${spec.name}: another job has the same name; this one is imported as ${name}`);
      specs[index] = { ...spec, name };
    }
  });
}

/**
 * ramp_time becomes the scenario's measurement warm-up, which covers every
 * job from the start of the run: exact only when all jobs start together and
 * share one ramp_time.
 */
function commonWarmup(jobs: readonly ImportedJob[], specs: readonly JobSpec[], problem: (line: number, message: string) => void): number | undefined {
  if (jobs.every((job) => job.built.rampNs === 0)) return undefined;
  const ramps = new Set(jobs.map((job) => job.built.rampNs));
  const [rampNs] = [...ramps];
  if (ramps.size === 1 && rampNs !== undefined && specs.every((spec) => spec.startDelayNs === 0)) return rampNs;
  const first = jobs.find((job) => job.built.rampNs > 0);
  problem(first?.sectionLine ?? 1, "ramp_time differs between jobs, or some jobs start later: the scenario has one warm-up window from the start of the run, so give every job the same ramp_time and no startdelay");
  return undefined;
}

function fileNotes(jobs: readonly ImportedJob[]): string[] {
  const notes: string[] = [];
  for (const job of jobs) {
    const clones = job.built.specs.length === 1 ? (job.built.specs[0]?.numjobs ?? 1) : 1;
    if (clones > 1 && job.built.filename === undefined) {
      notes.push(`${job.name}: without filename, fio gives each of the ${clones} clones its own file; here all clones share one region of the Source LU`);
    }
  }
  const files = new Set(jobs.map((job) => job.built.filename ?? `(fio's own file for ${job.name})`));
  if (jobs.length > 1 && files.size > 1) {
    notes.push("the jobs work on different files in fio; here they all work on the one Source LU, so their regions overlap unless their offsets keep them apart");
  }
  return notes;
}
