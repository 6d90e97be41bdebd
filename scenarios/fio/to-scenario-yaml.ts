/**
 * The scenario text that `cofwsim import job.fio` prints: the imported jobs
 * as workloads with fio's option names (the scenario format's job keys, see
 * scenarios/schema/scenario-schema.ts), sizes and times written with units,
 * default devices, engine and stop to edit, and a comment header that names
 * the fio file and says which options were ignored and why. Loading the text
 * gives back exactly the imported JobSpecs.
 */
import { stringify } from "yaml";
import type { JobSpec, RandomDistributionSpec } from "../model.js";
import type { FioIgnoredOption, FioImport } from "./import-job-file.js";
import { formatBytes, formatDuration } from "./units.js";
import { STDIN_FILE_NAME } from "./read-job-file.js";

/** A run that no job bounds stops after this long (the scenario format needs a stop). */
const DEFAULT_STOP_RUNTIME_NS = 60_000_000_000;
const DEFAULT_BLOCK_BYTES = 4096;
const COMMENT_WIDTH_CHARS = 100;

/**
 * Placeholders until the user describes the real devices: the quickstart's
 * fixed model. Not "instant": there every I/O completes at the time it was
 * issued, so a closed-loop job never moves simulated time forward and a
 * time-based job (fio's time_based with a runtime) never reaches its end.
 */
const DEFAULT_DEVICES = {
  source: { model: "fixed", capacity: "64GiB", latency: "80us", bandwidth: "500MB/s", parallelism: 8 },
  cache: { model: "fixed", capacity: "16GiB", latency: "80us", bandwidth: "500MB/s", parallelism: 8 },
};
const DEFAULT_ENGINE = { chunkSize: "64KiB", regionSize: "64KiB", commitPolicy: "write-through" };

export function fioImportToScenarioYaml(imported: FioImport, fileName: string): string {
  // Read from standard input, the job file has no name to give: without one, the scenario is named after the file it is saved to.
  const fromStdin = fileName === STDIN_FILE_NAME;
  const body = {
    ...(fromStdin ? {} : { name: scenarioName(fileName) }),
    description: fromStdin ? "Imported from a fio job file read from standard input." : `Imported from the fio job file ${fileName}.`,
    devices: DEFAULT_DEVICES,
    engine: DEFAULT_ENGINE,
    workloads: imported.jobs.map(jobToYaml),
    ...(imported.warmupNs === undefined ? {} : { measurement: { warmup: formatDuration(imported.warmupNs) } }),
    stop: { runtime: formatDuration(stopRuntimeNs(imported.jobs)) },
  };
  return `${header(imported, fileName)}\n${stringify(body, { lineWidth: 0 })}`;
}

function scenarioName(fileName: string): string {
  const base = fileName.split(/[\\/]/).at(-1) ?? fileName;
  const stem = base.replace(/\.[^.]*$/, "");
  return stem === "" ? base : stem;
}

/**
 * The end of the last job: a job with a runtime ends after it, one without
 * (it stops after its size) is given the default from its own start, so that
 * a job sequenced after a timed one (stonewall) is not stopped before it
 * issues anything.
 */
function stopRuntimeNs(jobs: readonly JobSpec[]): number {
  return Math.max(...jobs.map((job) => job.startDelayNs + (job.runtimeNs ?? DEFAULT_STOP_RUNTIME_NS)));
}

function header(imported: FioImport, fileName: string): string {
  const source = fileName === STDIN_FILE_NAME ? "a fio job file read from standard input" : `the fio job file ${fileName}`;
  const lines = [`cofwsim scenario imported from ${source} (cofwsim import).`, "devices, engine and stop are placeholders: describe the system to simulate there."];
  const ignored = groupIgnored(imported.ignored);
  if (ignored.length > 0) {
    lines.push("", "fio options ignored (no meaning for the simulated block device, or reporting only):");
    for (const entry of ignored) lines.push(`- line ${entry.line} ${entry.option} (${entry.jobs.join(", ")}): ${entry.reason}`);
  }
  if (imported.notes.length > 0) {
    lines.push("", "How the jobs were read:");
    for (const note of imported.notes) lines.push(`- ${note}`);
  }
  return lines.flatMap((line) => wrapComment(line)).join("\n");
}

/** A [global] option is ignored once per job; the header lists it once with every job's name. */
function groupIgnored(ignored: readonly FioIgnoredOption[]): Array<{ line: number; option: string; reason: string; jobs: string[] }> {
  const groups = new Map<string, { line: number; option: string; reason: string; jobs: string[] }>();
  for (const entry of ignored) {
    const option = entry.value === undefined ? entry.option : `${entry.option}=${entry.value}`;
    const key = `${entry.line}\u0000${option}\u0000${entry.reason}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { line: entry.line, option, reason: entry.reason, jobs: [entry.job] });
    else if (!group.jobs.includes(entry.job)) group.jobs.push(entry.job);
  }
  return [...groups.values()];
}

function wrapComment(text: string): string[] {
  if (text === "") return ["#"];
  const indent = text.startsWith("- ") ? "    " : "";
  const words = text.split(" ");
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    if (current !== "" && current.length + 1 + word.length > COMMENT_WIDTH_CHARS) {
      lines.push(current);
      current = `${indent}${word}`;
    } else {
      current = current === "" ? word : `${current} ${word}`;
    }
  }
  lines.push(current);
  return lines.map((line) => `# ${line}`);
}

/** One job with fio's option names; keys at their defaults are left out, as a person would write it. */
function jobToYaml(job: JobSpec): Record<string, unknown> {
  const mixed = job.rw === "rw" || job.rw === "randrw";
  const entries: Array<[string, unknown]> = [
    ["kind", "job"],
    ["name", job.name],
    ["rw", job.rw],
    ["bs", blockSizes(job)],
    ["bssplit", blockSizeSplit(job)],
    ["blockalign", job.blockAlignBytes === undefined ? undefined : formatBytes(job.blockAlignBytes)],
    ["iodepth", job.iodepth],
    ["numjobs", job.numjobs],
    ["size", job.sizeBytes === 0 ? undefined : formatBytes(job.sizeBytes)],
    ["offset", job.offsetBytes === 0 ? undefined : formatBytes(job.offsetBytes)],
    ["rwmixread", mixed ? job.readPercent : undefined],
    ["random_distribution", job.randomDistribution.kind === "random" ? undefined : distributionText(job.randomDistribution)],
    ["norandommap", job.noRandomMap === true ? true : undefined],
    ["rate_iops", rates(job)],
    ["rate_process", job.rateIops === undefined ? undefined : job.rateProcess],
    ["number_ios", job.numberIos],
    ["runtime", job.runtimeNs === undefined ? undefined : formatDuration(job.runtimeNs)],
    ["thinktime", job.thinktimeNs === 0 ? undefined : formatDuration(job.thinktimeNs)],
    ["thinktime_blocks", job.thinktimeBlocks === undefined || job.thinktimeBlocks === 1 ? undefined : job.thinktimeBlocks],
    ["startdelay", job.startDelayNs === 0 ? undefined : formatDuration(job.startDelayNs)],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** A number when one rate serves every direction that arrives (the other's is 0); fio's "read,write" when they differ. */
function rates(job: JobSpec): number | string | undefined {
  const rate = job.rateIops;
  if (rate === undefined) return undefined;
  if (rate.read === rate.write || rate.read === 0 || rate.write === 0) return Math.max(rate.read, rate.write);
  return `${rate.read},${rate.write}`;
}

function blockSizes(job: JobSpec): string | undefined {
  const { read, write } = job.blockSizeBytes;
  if (read === DEFAULT_BLOCK_BYTES && write === DEFAULT_BLOCK_BYTES) return undefined;
  return read === write ? formatBytes(read) : `${formatBytes(read)},${formatBytes(write)}`;
}

/** A list of {bs, percent} when reads and writes share one split; fio's "reads,writes" string when they differ. */
function blockSizeSplit(job: JobSpec): unknown {
  const { read, write } = job.blockSizeSplit;
  if (read.length === 0 && write.length === 0) return undefined;
  const same = read.length === write.length && read.every((entry, i) => entry.sizeBytes === write[i]?.sizeBytes && entry.percent === write[i]?.percent);
  if (same) return read.map((entry) => ({ bs: formatBytes(entry.sizeBytes), percent: entry.percent }));
  const text = (entries: typeof read) => entries.map((entry) => `${formatBytes(entry.sizeBytes)}/${entry.percent}`).join(":");
  return `${text(read)},${text(write)}`;
}

/** fio's random_distribution syntax; numbers are written in full so they read back exactly. */
function distributionText(spec: RandomDistributionSpec): string {
  switch (spec.kind) {
    case "random":
      return "random";
    case "zipf":
      return `zipf:${spec.theta}`;
    case "pareto":
      return `pareto:${spec.h}`;
    case "normal":
      return spec.centerFraction === undefined ? `normal:${spec.deviationPercent}` : `normal:${spec.deviationPercent}:${spec.centerFraction}`;
    case "zoned":
      return `zoned:${spec.zones.map((zone) => `${zone.accessPercent}/${zone.sizePercent}`).join(":")}`;
  }
}
