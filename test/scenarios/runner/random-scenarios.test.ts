import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { stringify } from "yaml";
import { COMMIT_POLICY_NAMES } from "../../../engine/index.js";
import type { JobSpec, Scenario } from "../../../scenarios/model.js";
import { runScenario, type RunOutput } from "../../../scenarios/runner/run-scenario.js";
import { DataOracle } from "./data-oracle.js";
import type { FioDirection } from "../../../scenarios/runner/op-stats.js";
import { loadScenarioText, ScenarioError } from "../../../scenarios/schema/load.js";
import { extraWorkloadArb, extraWorkloadText } from "./random-workloads.js";
import { deviceArb, deviceText } from "./random-devices.js";
import { importFioJobFile } from "../../../scenarios/fio/import-job-file.js";
import { FioImportError } from "../../../scenarios/fio/fio-import-error.js";
import { TraceParseError, TraceSourceError } from "../../../scenarios/traces/index.js";
import { JobPlanError } from "../../../scenarios/workloads/job-source.js";
import { SimulationError } from "../../../sim/errors.js";
import { BadValueError } from "../../../io/bad-value-error.js";
import { takesNoTime, TIMELESS_JOB_PROBLEM } from "../../../scenarios/workloads/timeless-job.js";
import { startsSession } from "../../../scenarios/session-starts.js";

/**
 * Random valid scenarios, written as scenario text and run end to end as
 * `cofwsim run` runs them: devices (fixed, rotating, flash, instant,
 * exponential, empirical, and stripes of them; shared or not),
 * geometry, commit policy, up to three fio-style jobs and up to two traces
 * (each format, timestamps honoured or not, addresses wrapped, scaled or
 * kept inside), fio job files or scripts (random-workloads.ts), a session schedule,
 * host flushes, a warm-up and a stop. Each run must finish (a scenario the
 * loader accepts must not fail at run time), be deterministic, and keep its
 * books: per-job bytes against I/O counts, engine counters against what the
 * host submitted, copies against what could have caused them. The runner
 * itself asserts the engine's consistency after the run and after a recovery
 * mount; a failure there throws, and so fails the property. Every host read
 * is held to a data oracle (data-oracle.ts): the Source LU returns the last
 * data written, a Phantom LU its session's point in time.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const FILE_NAME = "random.yaml";
/** Far more events than a run of at most a few thousand host I/Os takes. */
const MAX_EVENTS = Number(process.env.RANDOM_SCENARIO_MAX_EVENTS ?? 2_000_000);
/**
 * Host I/Os at one simulated instant after which a run counts as standing
 * still: far more than these runs take in all, far fewer than MAX_EVENTS.
 */
const STANDING_STILL_IOS = 100_000;
/** The events one timed host flush may take (its timer, the flush of each device and their completions), with room to spare. */
const EVENTS_PER_TIMED_FLUSH = 16;
const META = { cofwsimVersion: "test", fileName: FILE_NAME, contentHash: "random" };
const RUNS = Number(process.env.RANDOM_SCENARIO_RUNS ?? 60);
/** About 40 ms a scenario here; a long hunt (RANDOM_SCENARIO_RUNS=5000) gets room in proportion. */
const TIMEOUT_MS = Math.max(120_000, RUNS * 1_000);

// ---- the generator: raw draws, then a builder that makes them one valid scenario ----------

const SIZE_TEXT: Readonly<Record<number, string>> = { 512: "512", [4 * KiB]: "4k", [8 * KiB]: "8k", [16 * KiB]: "16k", [64 * KiB]: "64k", [128 * KiB]: "128k" };
const BLOCK_SIZES = [512, 4 * KiB, 8 * KiB, 16 * KiB, 64 * KiB, 128 * KiB];
const RW = ["read", "write", "randread", "randwrite", "rw", "readwrite", "randrw"] as const;
const DISTRIBUTIONS = ["random", "zipf:1.2", "pareto:0.3", "normal:20", "normal:10:0.3", "zoned:60/10:30/20:10/70"];

const jobArb = fc.record({
  rw: fc.constantFrom(...RW),
  bsMode: fc.constantFrom("default", "bs", "pair", "split", "splitPair"),
  bs: fc.constantFrom(...BLOCK_SIZES),
  bs2: fc.constantFrom(...BLOCK_SIZES),
  splitPercent: fc.integer({ min: 0, max: 100 }),
  iodepth: fc.integer({ min: 1, max: 16 }),
  numjobs: fc.integer({ min: 1, max: 3 }),
  rwmixread: fc.option(fc.integer({ min: 0, max: 100 })),
  distribution: fc.constantFrom(...DISTRIBUTIONS),
  norandommap: fc.boolean(),
  rate: fc.option(fc.record({ iops: fc.integer({ min: 100, max: 50_000 }), process: fc.constantFrom("linear", "poisson") }), { freq: 3 }),
  thinktime: fc.option(fc.record({ us: fc.integer({ min: 1, max: 2000 }), blocks: fc.option(fc.integer({ min: 1, max: 8 })) }), { freq: 3 }),
  numberIos: fc.option(fc.integer({ min: 1, max: 1000 })),
  runtimeMs: fc.option(fc.integer({ min: 1, max: 20 }), { freq: 4 }),
  startdelayUs: fc.option(fc.integer({ min: 1, max: 3000 }), { freq: 4 }),
  offsetFraction: fc.option(fc.integer({ min: 0, max: 99 })),
  sizeSectors: fc.option(fc.integer({ min: 1, max: 1 << 16 })),
  phantomSlot: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 5 }),
});

const triggerArb = fc.oneof(fc.record({ atUs: fc.integer({ min: 0, max: 30_000 }) }), fc.record({ afterHostIos: fc.integer({ min: 0, max: 2500 }) }));

const sessionArb = fc.record({ trigger: triggerArb, action: fc.constantFrom("start", "start", "stop", "replace", "rollback"), slot: fc.integer({ min: 0, max: 3 }) });

const rawArb = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  sector: fc.constantFrom(512, 4096),
  shared: fc.boolean(),
  sourceLuMiB: fc.constantFrom(4, 16, 64, 256, 1024, 4096),
  cacheMiB: fc.constantFrom(2, 4, 16, 64, 512, 2048),
  source: deviceArb,
  cache: deviceArb,
  chunkKiB: fc.constantFrom(4, 8, 16, 64, 256, 1024),
  regionKiB: fc.constantFrom(4, 8, 64, 256, 1024),
  metadataBlock: fc.option(fc.constantFrom(512, 4096), { freq: 4 }),
  commitPolicy: fc.constantFrom(...COMMIT_POLICY_NAMES),
  jobs: fc.array(jobArb, { maxLength: 3 }),
  /** Traces, fio job files and scripts beside the jobs (at least one workload in all). */
  extras: fc.array(extraWorkloadArb, { maxLength: 2 }),
  /** With only scripts, the scenario may leave stop out (the run ends with them). */
  omitStop: fc.boolean(),
  sessions: fc.array(sessionArb, { maxLength: 6 }),
  flushEveryUs: fc.option(fc.integer({ min: 200, max: 5000 })),
  flushEveryWrites: fc.option(fc.integer({ min: 1, max: 300 })),
  warmupUs: fc.option(fc.integer({ min: 1, max: 3000 })),
  stopHostIos: fc.option(fc.integer({ min: 50, max: 2500 }), { freq: 8 }),
  stopRuntimeMs: fc.option(fc.integer({ min: 1, max: 10 })),
});

type Raw = typeof rawArb extends fc.Arbitrary<infer T> ? T : never;
type RawJob = Raw["jobs"][number];

function jobText(job: RawJob, index: number, sector: number, sourceLuBytes: number): Record<string, unknown> {
  const size = (bytes: number) => SIZE_TEXT[Math.max(bytes, sector)] ?? String(Math.max(bytes, sector));
  const rw = job.phantomSlot !== null ? (job.rw.startsWith("rand") ? "randread" : "read") : job.rw;
  const text: Record<string, unknown> = { kind: "job", name: `job${index}`, rw, iodepth: job.iodepth, numjobs: job.numjobs };
  const small = Math.min(job.bs, job.bs2);
  const large = Math.max(job.bs, job.bs2);
  if (job.bsMode === "bs") text.bs = size(job.bs);
  else if (job.bsMode === "pair") text.bs = `${size(job.bs)},${size(job.bs2)}`;
  else if (job.bsMode === "split") text.bssplit = small === large ? `${size(small)}/100` : `${size(small)}/${job.splitPercent}:${size(large)}/${100 - job.splitPercent}`;
  else if (job.bsMode === "splitPair") text.bssplit = `${size(job.bs)}/100,${size(small)}/${job.splitPercent}:${size(large)}/${100 - job.splitPercent}`;
  if (job.rwmixread !== null) text.rwmixread = job.rwmixread;
  if (job.distribution !== "random") text.random_distribution = job.distribution;
  if (job.norandommap) text.norandommap = true;
  if (job.rate !== null) {
    text.rate_iops = job.rate.iops;
    text.rate_process = job.rate.process;
  }
  if (job.thinktime !== null) {
    text.thinktime = `${job.thinktime.us}us`;
    if (job.thinktime.blocks !== null) text.thinktime_blocks = job.thinktime.blocks;
  }
  if (job.numberIos !== null) text.number_ios = job.numberIos;
  if (job.runtimeMs !== null) text.runtime = `${job.runtimeMs}ms`;
  if (job.startdelayUs !== null) text.startdelay = `${job.startdelayUs}us`;
  // A region inside the Source LU that holds the largest block: offset on a MiB, size in sectors.
  const offsetBytes = job.offsetFraction === null ? 0 : Math.floor(((sourceLuBytes / MiB) * job.offsetFraction) / 100) * MiB;
  if (offsetBytes > 0) text.offset = offsetBytes;
  if (job.sizeSectors !== null) {
    const room = sourceLuBytes - offsetBytes;
    text.size = Math.min(room, Math.max(128 * KiB, job.sizeSectors * sector));
  }
  if (job.phantomSlot !== null) text.phantomSlot = job.phantomSlot;
  return text;
}

type RawTrigger = Raw["sessions"][number]["trigger"];

/** As the loader orders triggers: a time and a host I/O count cannot be. */
function certainlyAfter(a: RawTrigger, b: RawTrigger): boolean {
  if ("atUs" in a && "atUs" in b) return a.atUs > b.atUs;
  if ("afterHostIos" in a && "afterHostIos" in b) return a.afterHostIos > b.afterHostIos;
  return false;
}

/** The scenario text, as a user would write it (units as strings, fio's syntaxes). */
function scenarioText(raw: Raw, files: { readonly directory: string; readonly prefix: string }): string {
  const sector = raw.sector;
  const sourceLuBytes = raw.sourceLuMiB * MiB;
  const cacheBytes = raw.cacheMiB * MiB;
  const devices = raw.shared
    ? { shared: true, source: deviceText(raw.source, sourceLuBytes + cacheBytes, sector), cache: { capacity: `${raw.cacheMiB}MiB` } }
    : { source: deviceText(raw.source, sourceLuBytes, sector), cache: deviceText(raw.cache, cacheBytes, sector) };
  const engine: Record<string, unknown> = { chunkSize: `${raw.chunkKiB}KiB`, regionSize: `${raw.regionKiB}KiB`, commitPolicy: raw.commitPolicy };
  if (raw.metadataBlock !== null && raw.metadataBlock >= sector) engine.metadataBlock = raw.metadataBlock;
  const sessions = raw.sessions.map((event) => ({ ...("atUs" in event.trigger ? { at: `${event.trigger.atUs}us` } : { afterHostIos: event.trigger.afterHostIos }), action: event.action, slot: event.slot }));
  // A stop or rollback of a slot nothing starts is refused by the loader: start such slots at time 0.
  // A stop or rollback that every start of its slot certainly comes after (the same unit, later) is refused too.
  for (const slot of new Set(raw.sessions.map((event) => event.slot))) {
    const ofSlot = raw.sessions.filter((event) => event.slot === slot);
    const starts = ofSlot.filter(startsSession);
    const uses = ofSlot.filter((event) => event.action === "stop" || event.action === "rollback");
    if (uses.some((use) => starts.every((start) => certainlyAfter(start.trigger, use.trigger)))) sessions.unshift({ afterHostIos: 0, action: "start", slot });
  }
  // A job reading the Phantom LU of a slot that nothing ever starts is refused too: such slots start at time 0 (a
  // script's own start of one is then refused at run time, an expected problem).
  const everStarted = new Set(sessions.filter(startsSession).map((event) => event.slot));
  for (const slot of new Set(raw.jobs.flatMap((job) => (job.phantomSlot === null || everStarted.has(job.phantomSlot) ? [] : [job.phantomSlot])))) sessions.unshift({ afterHostIos: 0, action: "start", slot });
  const jobs = raw.jobs.map((job, index) => jobText(job, index, sector, sourceLuBytes));
  // Two fio files may name their jobs alike (the fixtures' "file1"), which the run refuses: one at most.
  const extras = raw.extras.filter((extra, index) => extra.kind !== "fio" || raw.extras.findIndex((other) => other.kind === "fio") === index);
  const context = { ...files, sourceLuBytes, sectorBytes: sector };
  const workloads = [...jobs, ...extras.map((extra, index) => extraWorkloadText(extra, jobs.length + index, context))];
  if (workloads.length === 0) workloads.push({ kind: "job", name: "job0", rw: "randrw" });
  const onlyScripts = workloads.every((workload) => workload.kind === "script");
  const stop: Record<string, unknown> = {};
  if (raw.stopHostIos !== null || raw.stopRuntimeMs === null) stop.hostIos = raw.stopHostIos ?? 500;
  if (raw.stopRuntimeMs !== null) stop.runtime = `${raw.stopRuntimeMs}ms`;
  const warmupUs = raw.warmupUs === null ? null : raw.stopRuntimeMs === null ? raw.warmupUs : Math.min(raw.warmupUs, raw.stopRuntimeMs * 500);
  const file: Record<string, unknown> = {
    name: "random",
    seed: raw.seed,
    devices,
    engine,
    workloads,
    ...(sessions.length === 0 ? {} : { sessions }),
    ...(raw.flushEveryUs === null && raw.flushEveryWrites === null
      ? {}
      : { flushes: { ...(raw.flushEveryUs === null ? {} : { every: `${raw.flushEveryUs}us` }), ...(raw.flushEveryWrites === null ? {} : { everyHostWrites: raw.flushEveryWrites }) } }),
    ...(warmupUs === null ? {} : { measurement: { warmup: `${warmupUs}us` } }),
    ...(onlyScripts && raw.omitStop ? {} : { stop }),
  };
  return stringify(file);
}

// ---- the properties -------------------------------------------------------------------

/** Every host write the runner submitted and every one acknowledged, as a crash oracle would see them, and what every host read returned. */
class HostLog extends DataOracle {
  writesAcked = 0;
  flushesSubmitted = 0;
  flushesAcked = 0;
  formattedCount = 0;
  override formatted(): void {
    this.formattedCount++;
  }
  override writeAcked(id: number): void {
    super.writeAcked(id);
    this.writesAcked++;
  }
  override flushSubmitted(): number {
    this.flushesSubmitted++;
    return super.flushSubmitted();
  }
  override flushAcked(): void {
    super.flushAcked();
    this.flushesAcked++;
  }
}

/** The block sizes a direction of a job may issue (the largest bounds each I/O; the end of its region may shorten one). */
function blockSizes(job: JobSpec, direction: "read" | "write"): number[] {
  const split = job.blockSizeSplit[direction];
  return split.length > 0 ? split.map((entry) => entry.sizeBytes) : [job.blockSizeBytes[direction]];
}

function regionBytes(scenario: Scenario, job: JobSpec): number {
  const { source, cache, shared } = scenario.devices;
  const lu = shared ? source.capacityBytes - cache.capacityBytes : source.capacityBytes;
  return job.sizeBytes === 0 ? lu - job.offsetBytes : job.sizeBytes;
}

/** A line of the results: a job (the scenario's own or a fio job file's), or a trace or script with the largest I/O it may issue. */
type Group = { readonly name: string; readonly job: JobSpec } | { readonly name: string; readonly largestIoBytes: number };

/** The results' lines the scenario's workloads make, in order: a fio job file's jobs imported as the run imports them. */
function groupsOf(scenario: Scenario): Group[] {
  const sourceLuBytes = scenario.devices.shared ? scenario.devices.source.capacityBytes - scenario.devices.cache.capacityBytes : scenario.devices.source.capacityBytes;
  const sector = scenario.devices.source.sectorSizeBytes;
  return scenario.workloads.flatMap((workload): Group[] => {
    if (workload.kind === "job") return [{ name: workload.name, job: workload }];
    if (workload.kind === "fio") return importFioJobFile(readFileSync(workload.path, "utf8"), workload.path, { sourceCapacityBytes: sourceLuBytes }).jobs.map((job) => ({ name: job.name, job }));
    if (workload.kind === "script") return [{ name: workload.name, largestIoBytes: Math.max(0, ...workload.ops.map((op) => ("lengthBytes" in op ? op.lengthBytes : 0))) }];
    // A trace's requests are at most 256 sectors of 512 bytes here, each end rounded out to the LU's sector.
    return [{ name: workload.name, largestIoBytes: 256 * 512 + 2 * sector }];
  });
}

function checkDirection(scenario: Scenario, group: Group, direction: "read" | "write", figures: FioDirection, windowNs: number): void {
  const where = `${group.name} ${direction}`;
  const sector = scenario.devices.source.sectorSizeBytes;
  for (const [key, value] of Object.entries({ io_bytes: figures.io_bytes, bw_bytes: figures.bw_bytes, iops: figures.iops, total_ios: figures.total_ios, runtime: figures.runtime })) {
    expect(Number.isFinite(value) && value >= 0, `${where} ${key} = ${value}`).toBe(true);
  }
  expect(figures.clat_ns.N, `${where}: latencies are of the I/Os counted`).toBe(figures.total_ios);
  expect(figures.lat_ns).toEqual(figures.clat_ns);
  expect(figures.io_bytes % sector, `${where}: io_bytes in whole sectors`).toBe(0);
  const sizes = "job" in group ? blockSizes(group.job, direction) : [group.largestIoBytes];
  const largest = Math.max(...sizes);
  expect(figures.io_bytes, `${where}: io_bytes at most total_ios x the largest block`).toBeLessThanOrEqual(figures.total_ios * largest);
  expect(figures.io_bytes, `${where}: io_bytes at least a sector per I/O`).toBeGreaterThanOrEqual(figures.total_ios * sector);
  // One block size that tiles the region: no I/O is shortened at its end, so the bytes are exact.
  if ("job" in group && sizes.length === 1 && regionBytes(scenario, group.job) % largest === 0) expect(figures.io_bytes, `${where}: io_bytes = total_ios x bs`).toBe(figures.total_ios * largest);
  if (figures.total_ios === 0) {
    expect(figures.io_bytes).toBe(0);
    expect(figures.runtime).toBe(0);
    return;
  }
  expect(figures.clat_ns.min).toBeLessThanOrEqual(figures.clat_ns.max);
  expect(figures.clat_ns.mean).toBeGreaterThanOrEqual(figures.clat_ns.min - 0.001);
  expect(figures.clat_ns.mean).toBeLessThanOrEqual(figures.clat_ns.max + 0.001);
  expect(figures.runtime).toBe(Math.round(windowNs / 1e3) / 1e3);
  if (windowNs > 0) {
    expect(figures.iops).toBeCloseTo(figures.total_ios / (windowNs / 1e9), 2);
    expect(Math.abs(figures.bw_bytes - figures.io_bytes / (windowNs / 1e9))).toBeLessThanOrEqual(0.5);
  } else {
    expect(figures.iops).toBe(0);
    expect(figures.bw_bytes).toBe(0);
  }
}

/** What may go wrong in a run of a valid scenario: a schedule that starts a live slot, or stops or rolls back one no session is live in. */
const EXPECTED_PROBLEM = /^session (start of slot \d+ at \d+ ns refused: slot \d+ holds a live session|(stop|rollback) of slot \d+ at \d+ ns failed: .*no live session)/;

function checkRun(scenario: Scenario, output: RunOutput, log: HostLog): void {
  const { results } = output;
  const engine = results.engine;
  const groups = groupsOf(scenario);
  const windowNs = results.window.endNs - results.window.startNs;
  expect(windowNs).toBeGreaterThanOrEqual(0);
  expect(results.jobs.map((job) => job.jobname)).toEqual(groups.map((group) => group.name));
  groups.forEach((group, index) => {
    checkDirection(scenario, group, "read", results.jobs[index]!.read, windowNs);
    checkDirection(scenario, group, "write", results.jobs[index]!.write, windowNs);
    if (!("job" in group)) return;
    if (group.job.rw === "read" || group.job.rw === "randread") expect(results.jobs[index]!.write.total_ios).toBe(0);
    if (group.job.rw === "write" || group.job.rw === "randwrite") expect(results.jobs[index]!.read.total_ios).toBe(0);
  });
  for (const problem of results.problems) expect(problem).toMatch(EXPECTED_PROBLEM);

  // Host writes: every one submitted was acknowledged, and the engine counted each once with its bytes.
  const submittedBytes = log.writes.reduce((sum, write) => sum + write.lengthBytes, 0);
  expect(log.formattedCount).toBe(1);
  expect(log.writesAcked).toBe(log.writes.length);
  expect(engine.hostWrites).toBe(log.writes.length);
  expect(engine.hostBytesWritten).toBe(submittedBytes);
  const sum = (pick: (index: number) => number) => groups.reduce((total, _, index) => total + pick(index), 0);
  const writeIos = sum((index) => results.jobs[index]!.write.total_ios);
  expect(writeIos, "jobs' writes in the window <= the engine's host writes").toBeLessThanOrEqual(engine.hostWrites);
  expect(sum((index) => results.jobs[index]!.write.io_bytes)).toBeLessThanOrEqual(engine.hostBytesWritten);
  const phantomJob = (index: number) => { const group = groups[index]!; return "job" in group && group.job.phantomSlot !== undefined; };
  expect(sum((index) => (phantomJob(index) ? 0 : results.jobs[index]!.read.total_ios))).toBeLessThanOrEqual(engine.hostReads);
  expect(sum((index) => (phantomJob(index) ? results.jobs[index]!.read.total_ios : 0))).toBeLessThanOrEqual(engine.phantomReads);
  if (scenario.stop.hostIos !== undefined) expect(engine.hostWrites + engine.hostReads + engine.phantomReads).toBeLessThanOrEqual(scenario.stop.hostIos);
  if (!groups.some((_, index) => phantomJob(index))) expect(engine.phantomReads).toBe(0);

  // Flushes: each one the host asked for completed and was counted; with only everyHostWrites, exactly one per that many writes.
  expect(log.flushesAcked).toBe(log.flushesSubmitted);
  expect(engine.hostFlushes).toBe(log.flushesSubmitted);
  const { everyNs, everyHostWrites } = scenario.flushes;
  // Scripts flush too, at most once per flush they hold.
  const scriptFlushes = scenario.workloads.reduce((total, workload) => total + (workload.kind === "script" ? workload.ops.filter((op) => op.kind === "flush").length : 0), 0);
  const writeFlushes = everyHostWrites === undefined ? 0 : Math.floor(engine.hostWrites / everyHostWrites);
  if (everyNs === undefined) {
    expect(engine.hostFlushes).toBeGreaterThanOrEqual(writeFlushes);
    expect(engine.hostFlushes).toBeLessThanOrEqual(writeFlushes + scriptFlushes);
  }

  // Sessions: the timeline agrees with the counters, and sequence numbers are never reused.
  const started = results.sessions.filter((record) => (record.action === "start" || record.action === "replace") && record.error === undefined);
  expect(started.every((record) => record.sequence !== undefined && record.doneAtNs !== undefined)).toBe(true);
  expect(engine.sessionsStarted).toBe(started.length);
  expect(new Set(started.map((record) => record.sequence)).size).toBe(started.length);
  expect(engine.sessionsTerminated).toBe(results.sessions.filter((record) => record.action === "terminate").length);
  expect(engine.sessionsTerminated).toBeLessThanOrEqual(engine.sessionsStarted);

  // Copies: none without a session; at most one per session start for each chunk a host write touched, plus one per
  // chunk a rollback wrote back; every chunk in use was allocated by a copy and fits the Cache LU.
  const chunkBytes = scenario.engine.chunkSizeBytes;
  const writesPerChunk = new Map<number, number>();
  for (const write of log.writes) {
    for (let chunk = Math.floor(write.offsetBytes / chunkBytes); chunk <= Math.floor((write.offsetBytes + write.lengthBytes - 1) / chunkBytes); chunk++) {
      writesPerChunk.set(chunk, (writesPerChunk.get(chunk) ?? 0) + 1);
    }
  }
  let copyBound = engine.rollbackChunks;
  for (const writes of writesPerChunk.values()) copyBound += Math.min(writes, engine.sessionsStarted);
  expect(engine.cofwCopies, "copies <= chunk writes that could need one").toBeLessThanOrEqual(copyBound);
  if (engine.sessionsStarted === 0) expect(engine.cofwCopies + engine.rollbackChunks + engine.cacheChunksUsed).toBe(0);
  // Source LU sizes here are whole MiB, so every chunk is whole.
  expect(engine.bytesCopied).toBe(engine.cofwCopies * chunkBytes);
  expect(engine.cacheChunksUsed).toBeLessThanOrEqual(engine.cacheChunksTotal);
  expect(engine.cacheChunksUsed).toBeLessThanOrEqual(engine.cofwCopies);
  expect(engine.copiesPerHostWrite).toBe(engine.hostWrites === 0 ? 0 : Math.round((engine.cofwCopies / engine.hostWrites) * 1e6) / 1e6);
  expect(engine.deviceBytesWritten).toBeGreaterThanOrEqual(engine.hostBytesWritten + engine.bytesCopied + engine.metadataBytesWritten);
  for (const [key, value] of Object.entries(engine)) if (typeof value === "number") expect(Number.isFinite(value) && value >= 0, `engine.${key} = ${value}`).toBe(true);

  // The engine's time series stays inside the Cache LU and ends with the run's figures.
  for (const row of output.timeSeries.engine) {
    for (const [key, value] of Object.entries(row)) if (typeof value === "number") expect(Number.isFinite(value) && value >= 0, `engine series ${key} = ${value}`).toBe(true);
  }
}

/** Thrown by the runner's standing-still hook: ends such a run here, as a user's Ctrl-C ends it at the command line. */
class StoodStill extends Error {}

/** Runs one scenario text through the loader and the runner twice; a refusal must be a located ScenarioError. */
function runText(text: string): "refused" | "refused at run" | "stood still" | "ran" {
  let scenario: Scenario;
  try {
    scenario = loadScenarioText(text, { fileName: FILE_NAME, baseDirectory: filesDirectory() });
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    for (const problem of error.problems) {
      expect(problem.file).toBe(FILE_NAME);
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.column).toBeGreaterThanOrEqual(1);
      expect(problem.expected).not.toBe("");
      expect(problem.found).not.toBe("");
    }
    return "refused";
  }
  // A run that never ends fails here, after a budget of events far above what these small runs take. Timed host
  // flushes add their own, as many as simulated time allows: a flush every 204 us through the 127 s that 2,493 host
  // I/Os with 256 KiB copies take on a shared 5400 rpm disk is 624k flushes, a run that ends, not one that hangs.
  const flushEveryNs = scenario.flushes.everyNs;
  const budgetAt = (timeNs: number) => MAX_EVENTS + (flushEveryNs === undefined ? 0 : EVENTS_PER_TIMED_FLUSH * Math.floor(timeNs / flushEveryNs));
  let first: RunOutput;
  try {
    first = runScenario(scenario, META, {
      observe: (kernel) => {
        kernel.onEvent = (timeNs) => {
          if (kernel.eventCount > budgetAt(timeNs)) throw new Error(`the run took more than ${budgetAt(timeNs)} events (simulated time ${timeNs} ns)`);
        };
      },
      timeStandingStillIos: STANDING_STILL_IOS,
      onTimeStandingStill: (atNs, hostIos) => {
        throw new StoodStill(`simulated time stood still at ${atNs} ns for ${hostIos} host I/Os`);
      },
    });
  } catch (error) {
    // By design, not a failure: a closed-loop job whose I/Os take no time (an instant device), in a run that only a
    // runtime stops, issues I/O after I/O at one instant and never reaches it. `cofwsim run` warns of exactly this
    // (test/scenarios/runner/run-scenario.test.ts); any other way of standing still is a failure.
    // Thrown inside a process, the hook's error reaches here as a SimulationError's cause.
    const stoodStill = error instanceof SimulationError && error.cause instanceof StoodStill ? error.cause : error;
    if (stoodStill instanceof StoodStill) {
      expect(takesNoTime(scenario.devices.source) || takesNoTime(scenario.devices.cache), `${stoodStill.message}, with no LU that takes no time to explain it`).toBe(true);
      expect(scenario.stop.hostIos, "a run that a number of host I/Os stops is never told that time stands still").toBeUndefined();
      return "stood still";
    }
    // Trace and fio job files are read by the run, not the loader: what they hold may be refused then, with a typed error the CLI exits 2 on.
    // So is a fio job that never moves time (instant LUs, a runtime and nothing else to end it), which the loader refuses in a scenario's own jobs.
    const timelessFioJob = error instanceof BadValueError && error.message.includes(TIMELESS_JOB_PROBLEM);
    if (scenario.workloads.some((workload) => workload.kind === "trace" || workload.kind === "fio") && (error instanceof TraceSourceError || error instanceof TraceParseError || error instanceof FioImportError || error instanceof JobPlanError || timelessFioJob)) {
      refusedAtRun.push(error.message);
      return "refused at run";
    }
    throw error;
  }
  const log = new HostLog(scenario.devices.source.sectorSizeBytes);
  // The second run reads no I/O ahead and records host events: neither may change a result.
  const second = runScenario(scenario, META, { hostEvents: log, readAheadIos: 0 });
  expect(JSON.stringify(second.results)).toBe(JSON.stringify(first.results));
  expect(JSON.stringify(second.timeSeries)).toBe(JSON.stringify(first.timeSeries));
  checkRun(scenario, second, log);
  const violation = log.firstViolation();
  expect(violation, "host reads return the data the host wrote, and Phantom LU reads their session's point in time").toBeUndefined();
  return "ran";
}

/** Trace and fio job files the scenarios name, written per scenario; removed after the tests. */
let directory: string | undefined;
function filesDirectory(): string {
  return (directory ??= mkdtempSync(join(tmpdir(), "cofwsim-random-")));
}
afterAll(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});
/** The files a scenario's workloads read (named `prefix`-...), for a failure's message: the scenario alone does not replay without them. */
function namedFiles(prefix: string): string {
  const names = readdirSync(filesDirectory()).filter((name) => name.startsWith(`${prefix}-`));
  return names.map((name) => `\n--- ${name} ---\n${readFileSync(join(filesDirectory(), name), "utf8").slice(0, 4096)}`).join("");
}
/** What the runs refused (trace and fio file contents), for the message when too few scenarios ran. */
const refusedAtRun: string[] = [];

describe("random valid scenarios, run end to end", () => {
  it("finish, are deterministic and keep their books", () => {
    let ran = 0;
    let refused = 0;
    let stoodStill = 0;
    let scenarios = 0;
    fc.assert(
      fc.property(rawArb, (raw) => {
        const prefix = `s${scenarios++}`;
        const text = scenarioText(raw, { directory: filesDirectory(), prefix });
        try {
          const outcome = runText(text);
          if (outcome === "ran") ran++;
          else if (outcome === "stood still") stoodStill++;
          else refused++;
        } catch (error) {
          throw new Error(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n--- scenario ---\n${text}${namedFiles(prefix)}`, { cause: error });
        }
      }),
      // RANDOM_SCENARIO_SHRINK=0: report the first failing scenario as drawn (each shrink step runs scenarios, and a long hunt's can take an hour).
      // A fixed seed by default, as the crash property has: a suite must not fail at random on a scenario no change
      // of its made. Long hunts draw others (RANDOM_SCENARIO_SEED, RANDOM_SCENARIO_RUNS). At 2,000 runs seed 505, and
      // at 2,500 seed 4242, draw a closed-loop job of a fio file on an instant Source LU with no session live to copy,
      // whose I/Os take no time. With no session ever started the run refuses such a job (isTimelessJob); where a
      // session could still copy, the run stands still and passes as the warned standstill it is (see runText).
      { numRuns: RUNS, endOnFailure: process.env.RANDOM_SCENARIO_SHRINK === "0", seed: Number(process.env.RANDOM_SCENARIO_SEED ?? 1) },
    );
    // Most drawn scenarios must be valid, or the property says little.
    expect(ran, `refused at run: ${refusedAtRun.slice(0, 5).join(" | ")}`).toBeGreaterThan(refused + stoodStill);
  }, TIMEOUT_MS);
});

/** A scenario as text, loaded and run; a run whose simulated time stands still for 10,000 host I/Os fails at once. */
function runYaml(text: string): RunOutput {
  const scenario = loadScenarioText(text, { fileName: FILE_NAME });
  return runScenario(scenario, META, {
    timeStandingStillIos: 10_000,
    onTimeStandingStill: (atNs, ios) => {
      throw new Error(`simulated time stood still at ${atNs} ns for ${ios} host I/Os`);
    },
  });
}

/** Two small fixed disks, a backup job reading slot 0's Phantom LU for `backupRuntime` and a host writing beside it; `rest` gives the sessions and the stop. */
function backupBesideHost(backupRuntime: string, rest: string): string {
  return `
devices:
  source: { model: fixed, capacity: 64MiB, latency: 100us, bandwidth: 500MB/s }
  cache: { model: fixed, capacity: 16MiB, latency: 100us, bandwidth: 500MB/s }
workloads:
  - { kind: job, name: backup, rw: read, bs: 64k, iodepth: 2, runtime: ${backupRuntime}, phantomSlot: 0 }
  - { kind: job, name: host, rw: randwrite, bs: 4k, iodepth: 2 }
${rest}`;
}

describe("counterexamples the property found, pinned", () => {
  it("a time-based job reading a Phantom LU before its session starts waits for it, rather than spinning at one instant forever", () => {
    const { results } = runYaml(
      backupBesideHost(
        "5ms",
        `sessions:
  - { at: 1ms, action: start, slot: 0 }
  - { at: 3ms, action: stop, slot: 0 }
stop: { runtime: 6ms }
`,
      ),
    );
    const backup = results.jobs[0]!.read;
    expect(backup.total_ios).toBeGreaterThan(0);
    expect(results.engine.phantomReads).toBeGreaterThanOrEqual(backup.total_ios);
    // Its first read (before the start) and the first after the stop, for each of its two workers.
    expect(results.notes).toContain("4 Phantom LU reads found no live session in their slot and were skipped: they read nothing, take no time and are in no figure of their job");
    expect(results.problems).toEqual([]);
  });

  it("a worker so waiting ends when stop.hostIos stops the run, rather than holding the run open until its own runtime", () => {
    const { results, kernel } = runYaml(
      backupBesideHost(
        "10s",
        `sessions:
  - { afterHostIos: 400, action: start, slot: 0 }
stop: { hostIos: 300 }
`,
      ),
    );
    expect(results.jobs[1]!.write.total_ios).toBeGreaterThan(0);
    expect(results.jobs[0]!.read.total_ios).toBe(0);
    // 300 host writes of 4 KiB at 100 us take well under 0.1 s; the backup's runtime is 10 s.
    expect(kernel.nowNs).toBeLessThan(100_000_000);
    expect(results.problems).toEqual([]);
  });
});

describe("data the property's oracle found wrong, pinned", () => {
  it("a striped Source LU reads, where never written, the original contents of each address (not of its member's offset)", () => {
    const scenario = loadScenarioText(
      `
devices:
  source:
    model: stripe
    stripeUnit: 4KiB
    members:
      - { model: fixed, capacity: 2MiB, latency: 10us, bandwidth: 500MB/s }
      - { model: fixed, capacity: 2MiB, latency: 10us, bandwidth: 500MB/s }
  cache: { model: fixed, capacity: 2MiB, latency: 10us, bandwidth: 500MB/s }
engine: { chunkSize: 4KiB, regionSize: 4KiB }
workloads:
  - { kind: job, name: reader, rw: read, bs: 4k, size: 64k }
stop: { hostIos: 16 }
`,
      { fileName: FILE_NAME },
    );
    const log = new HostLog(scenario.devices.source.sectorSizeBytes);
    runScenario(scenario, META, { hostEvents: log });
    expect(log.readsWithData).toBe(16);
    expect(log.firstViolation()).toBeUndefined();
  });
  it("a Phantom LU read waiting for a copy that the full Cache LU ends its session instead of reads no data written after the session started", () => {
    // The writers fill the 2 MiB Cache LU while the backup reads slot 2: the copy the backup's read waits for finds no room,
    // slot 2's session is terminated, and the host write goes on to the source before the read resumes.
    const scenario = loadScenarioText(
      `
seed: 19
devices:
  source: { model: empirical, capacity: 4GiB, queueDepth: 54, percentiles: { "50": 2us, "90": 3us, "99.99": 10us }, parallelism: 2 }
  cache: { model: flash, capacity: 2MiB, queueDepth: 52, writeCache: true, channels: 6, diesPerChannel: 4 }
engine: { chunkSize: 256KiB, regionSize: 64KiB, commitPolicy: group-commit }
workloads:
  - { kind: job, name: job0, rw: read, bs: "64k,128k", iodepth: 9, random_distribution: "pareto:0.3", number_ios: 945, runtime: 19ms, startdelay: 7us, offset: 2018508800, size: 20686848, phantomSlot: 2 }
  - { kind: job, name: fiojob0, rw: readwrite, bs: 8k, iodepth: 16, size: 3809m, number_ios: 84, runtime: 2ms, rwmixread: 12 }
  - { kind: job, name: fiojob1, rw: randrw, bs: 512, iodepth: 10, size: 2252m, number_ios: 249, runtime: 10ms, rate_iops: 4419 }
sessions:
  - { afterHostIos: 0, action: start, slot: 2 }
flushes: { every: 210us, everyHostWrites: 41 }
stop: { runtime: 9ms }
`,
      { fileName: FILE_NAME },
    );
    const log = new HostLog(scenario.devices.source.sectorSizeBytes);
    const { results } = runScenario(scenario, META, { hostEvents: log });
    expect(results.sessions.map((record) => record.action)).toEqual(["start", "terminate"]);
    expect(log.readsWithData).toBeGreaterThan(0);
    expect(log.firstViolation()).toBeUndefined();
  });
});
