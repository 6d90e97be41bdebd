/**
 * One fio job (its [global] defaults and its own section, merged) turned into
 * JobSpecs. Each option is mapped, listed as ignored with a reason, or
 * reported as a problem; problems are collected, not thrown, so the importer
 * can show all of a file's problems at once. Sequencing between jobs
 * (stonewall, wait_for) and names are import-job-file.ts's part.
 *
 * The JobSpec is read by scenarios/workloads/job-source.ts, whose rules this
 * mapping relies on: a job without runtime stops after size bytes (fio's
 * io_size default) and a job with runtime runs for it (fio's time_based); a
 * uniform random job keeps fio's random map (each block once per pass) unless
 * another distribution or a blockalign other than the smallest block turns it
 * off, as in fio; rated jobs are open loop and iodepth does not cap them.
 */
import type { JobSpec, RandomDistributionSpec } from "../model.js";
import { parseBssplit, type BlockSizeWeight } from "./fio-bssplit.js";
import { classifyEngine, FIO_DEFAULT_ENGINE, KNOWN_ENGINES } from "./fio-engines.js";
import { FIO_OPTION_RULES } from "./fio-option-table.js";
import { FioValueError, parseFioBool, parseFioBytes, parseFioCount, parseFioPercent, parseFioSize, parseFioTimeNs, splitPerDirection, usesInvertedIecUnit, type FioSize, type KbBase } from "./fio-values.js";
import {
  DEFAULT_READ_PERCENT,
  readMix,
  readRandomDistribution,
  readRate,
  readRw,
  type Direction,
  type OptionEntry,
  type ReadOption,
  type ReportProblem,
} from "./job-option-readers.js";
import { didYouMean } from "./suggest.js";
import { issuedDirections } from "../workloads/job-directions.js";
import { MAX_IODEPTH, MAX_NUMJOBS } from "../limits.js";
import { formatBytes, formatDuration } from "./units.js";
import { BadValueError } from "../../io/bad-value-error.js";

export type { OptionEntry } from "./job-option-readers.js";

export interface JobSink {
  problem(line: number, message: string, column?: number): void;
  ignore(entry: OptionEntry, reason: string): void;
  note(message: string): void;
}

export interface JobSettings {
  readonly sourceCapacityBytes: number | undefined;
  readonly latencyTarget: "reject" | "fixed-iodepth";
}

export interface BuiltJob {
  /** One spec, or one per clone when offset_increment gives each clone its own offset. */
  readonly specs: readonly JobSpec[];
  /** From the job's start to its end, when that is fixed (time_based with runtime); else undefined. */
  readonly durationNs: number | undefined;
  readonly rampNs: number;
  readonly stonewall: OptionEntry | undefined;
  readonly waitFor: { readonly entry: OptionEntry; readonly jobName: string } | undefined;
  /** fio's filename, when given: jobs without one (or with different ones) work on separate files in fio. */
  readonly filename: string | undefined;
}

const DEFAULT_BLOCK_BYTES = 4096;
/** The smallest sector size a simulated device has; every I/O is a whole number of sectors. */
const SECTOR_BYTES = 512;

export function jobFromOptions(jobName: string, options: ReadonlyMap<string, OptionEntry>, sink: JobSink, settings: JobSettings): BuiltJob | undefined {
  let failed = false;
  const problem: ReportProblem = (entry, message) => {
    failed = true;
    sink.problem(entry.line, `${entry.written}${entry.value === undefined ? "" : `=${entry.value}`}: ${message}`, entry.column);
  };
  const note = (message: string): void => sink.note(`${jobName}: ${message}`);
  const get = (canonical: string): OptionEntry | undefined => options.get(canonical);
  const read: ReadOption = (canonical, parse) => {
    const entry = get(canonical);
    if (entry === undefined) return undefined;
    if (entry.value === undefined || entry.value.trim() === "") {
      problem(entry, "expected a value");
      return undefined;
    }
    try {
      return parse(entry.value.trim());
    } catch (error) {
      if (error instanceof FioValueError || error instanceof BadValueError) {
        problem(entry, error.message);
        return undefined;
      }
      throw error;
    }
  };
  /** fio's switches: present without a value means on. */
  const flag = (canonical: string): boolean => {
    const entry = get(canonical);
    if (entry === undefined) return false;
    if (entry.value === undefined) return true;
    return read(canonical, parseFioBool) ?? false;
  };

  applyTableRules(options, sink, problem);

  // ---- units first: kb_base changes how every size below reads ----
  const kbBase: KbBase =
    read("kb_base", (value) => {
      if (value === "1024" || value === "1000") return Number(value) as KbBase;
      throw new FioValueError("expected 1024 (k = 1024, the default) or 1000 (k = 1000)");
    }) ?? 1024;
  for (const entry of options.values()) {
    if (entry.value !== undefined && entry.value.split(/[,:/]/).some((part) => usesInvertedIecUnit(part, kbBase))) {
      note(`line ${entry.line} ${entry.written}=${entry.value}: under kb_base=1024 (fio's default) fio reads KiB, MiB... as powers of 1000 ("compatibility mode" in the HOWTO), and so does this import; k, m, g are powers of 1024`);
    }
  }

  // ---- rw ----
  const rwEntry = get("rw");
  const rwReading = rwEntry === undefined ? { mode: "read" as const, sequencerUnused: true } : readRw(rwEntry, problem);
  const rw = rwReading?.mode ?? "read";
  const sequencer = get("rw_sequencer");
  if (sequencer !== undefined && rwReading?.sequencerUnused === true) sink.ignore(sequencer, "only matters with an offset modifier such as rw=randread:8, which this job does not use");
  const random = rw.startsWith("rand");
  const mixed = rw === "rw" || rw === "randrw";
  const directions: readonly Direction[] = mixed ? ["read", "write"] : rw === "read" || rw === "randread" ? ["read"] : ["write"];

  // ---- block sizes ----
  const split = read("bssplit", (value) => parseBssplit(value, kbBase, (message) => note(`bssplit=${value}: ${message}`))) ?? { read: [], write: [] };
  const bsEntry = get("bs");
  const bsUnused = bsEntry !== undefined && directions.every((direction) => split[direction].length > 0);
  const blockSizeBytes: Record<Direction, number> = { read: DEFAULT_BLOCK_BYTES, write: DEFAULT_BLOCK_BYTES };
  if (bsUnused) {
    sink.ignore(bsEntry, "bssplit chooses every block size of this job, so fio does not use bs");
  } else if (bsEntry !== undefined) {
    const sides = read("bs", (value) => splitPerDirection(value));
    for (const direction of ["read", "write"] as const) {
      const text = sides?.[direction];
      const bytes = text === undefined ? undefined : read("bs", () => parseFioBytes(text, kbBase));
      if (bytes !== undefined) blockSizeBytes[direction] = bytes;
    }
  }
  // Both directions, used or not: fio parses both, and a scenario file with this job must load.
  const reported = new Set<string>();
  for (const direction of ["read", "write"] as const) {
    const fromSplit = split[direction].length > 0;
    const entry = fromSplit ? get("bssplit") : bsEntry;
    const sizes = fromSplit ? split[direction].map((weight) => weight.sizeBytes) : [blockSizeBytes[direction]];
    const bad = sizes.find((size) => size <= 0 || size % SECTOR_BYTES !== 0);
    if (bad === undefined || entry === undefined || reported.has(`${entry.line}/${bad}`)) continue;
    reported.add(`${entry.line}/${bad}`);
    problem(entry, `a block size of ${bad} bytes is not a whole number of ${SECTOR_BYTES}-byte sectors; simulated I/O is sector-aligned${iecHint(entry, kbBase)}`);
  }
  const smallestBlockBytes = Math.min(...directions.map((direction) => (split[direction].length > 0 ? Math.min(...split[direction].map((weight) => weight.sizeBytes)) : blockSizeBytes[direction])));
  // What percentages of the Source LU are rounded to: the smallest block, as fio does, or a sector when that block
  // was refused above as 0 bytes (a region rounded to 0-byte blocks came out NaN bytes long).
  const percentBlockBytes = smallestBlockBytes > 0 ? smallestBlockBytes : SECTOR_BYTES;

  // ---- blockalign: fio aligns random offsets only ----
  const blockAlignBytes = readBlockAlign(get("blockalign"), random, rw, directions, read, problem, sink, kbBase);

  // ---- queue depth, clones, engine ----
  const iodepthGiven = read("iodepth", (value) => countUpTo(value, kbBase, MAX_IODEPTH, "the deepest queue a block device offers, NVMe's")) ?? 1;
  const numjobs = read("numjobs", (value) => countUpTo(value, kbBase, MAX_NUMJOBS, "fio's own limit on jobs")) ?? 1;
  const engineEntry = get("ioengine");
  const engineName = engineEntry?.value?.trim() || FIO_DEFAULT_ENGINE;
  const engine = classifyEngine(engineName);
  const noEngine = "the simulator issues I/O itself; there is no engine to choose";
  let iodepth = iodepthGiven;
  if (engine.kind === "not-block-io") {
    if (engineEntry !== undefined) problem(engineEntry, `this engine ${engine.why}; the simulator models block reads and writes on the Source LU`);
  } else if (engine.kind === "unknown") {
    if (engineEntry !== undefined) problem(engineEntry, `unknown fio I/O engine${didYouMean(engineName, KNOWN_ENGINES)}`);
  } else if (engine.kind === "synchronous") {
    if (iodepthGiven > 1) {
      iodepth = 1;
      note(`ioengine=${engineName}${engineEntry === undefined ? " (fio's default)" : ""} is synchronous, so fio keeps one I/O in flight whatever iodepth says (HOWTO, "I/O depth"); imported with iodepth 1, not ${iodepthGiven}`);
    }
    if (engineEntry !== undefined) sink.ignore(engineEntry, `${noEngine} (${engineName} is synchronous: one I/O in flight per clone, as imported)`);
  } else if (engineEntry !== undefined) {
    sink.ignore(engineEntry, `${noEngine} (${engineName} queues, so iodepth=${iodepth} applies)`);
  }
  const iodepthLowEntry = get("iodepth_low");
  const iodepthLow = read("iodepth_low", (value) => parseFioCount(value, kbBase));
  if (iodepthLowEntry !== undefined && iodepthLow !== undefined) {
    if (iodepthLow !== 0 && iodepthLow !== iodepthGiven) problem(iodepthLowEntry, `fio lets the queue drain to ${iodepthLow} before refilling it to iodepth=${iodepthGiven}; the simulator keeps iodepth I/Os in flight`);
    else sink.ignore(iodepthLowEntry, "the same as iodepth (fio's default): the queue is kept full");
  }

  // ---- page cache ----
  const directEntry = get("direct");
  const bufferedEntry = get("buffered");
  const direct = directEntry !== undefined ? flag("direct") : bufferedEntry !== undefined ? !flag("buffered") : false;
  const cacheReason = direct
    ? "the simulator has no page cache: every I/O goes to the Source LU, as with direct=1"
    : "the simulator has no page cache, so this buffered job is simulated as direct I/O: reads are never served from host memory and writes are not deferred" +
      (engine.kind === "queueing" && iodepth > 1 ? `; Linux does not queue buffered I/O through ${engineName}, so fio itself would not have reached iodepth=${iodepth}` : "");
  if (directEntry !== undefined) sink.ignore(directEntry, cacheReason);
  if (bufferedEntry !== undefined) sink.ignore(bufferedEntry, cacheReason);

  // ---- region: offset and size ----
  const capacity = settings.sourceCapacityBytes;
  const resolve = (entry: OptionEntry | undefined, size: FioSize | undefined, alignBytes: number): number | undefined => {
    if (entry === undefined || size === undefined) return undefined;
    if (size.kind === "bytes") return size.bytes;
    if (capacity === undefined) {
      // Only `cofwsim import` reads a job file without a Source LU; a scenario's fio workload always has one.
      problem(entry, "a percentage of the Source LU needs its capacity, which cofwsim import is not given: reference this job file from a scenario (a workload { kind: fio, path: ... }), where it is read against devices.source.capacity, or give a size in bytes");
      return undefined;
    }
    const bytes = Math.ceil((capacity * size.percent) / 100 / alignBytes) * alignBytes;
    note(`${entry.written}=${size.percent}% of the ${formatBytes(capacity)} Source LU is ${formatBytes(bytes)}`);
    return bytes;
  };
  /**
   * size as fio's filesetup.c takes a percentage: of the whole device, cut to
   * what lies past the offset, rounded down to the smallest block.
   */
  const resolveSize = (entry: OptionEntry | undefined, size: FioSize | undefined): number | undefined => {
    if (entry === undefined || size === undefined || size.kind === "bytes" || capacity === undefined) return resolve(entry, size, SECTOR_BYTES);
    const wholeBytes = Math.floor((capacity * size.percent) / 100);
    const pastOffsetBytes = Math.max(0, capacity - offsetBytes);
    const cutBytes = Math.min(wholeBytes, pastOffsetBytes);
    const bytes = cutBytes - (cutBytes % percentBlockBytes);
    if (bytes === 0) {
      problem(entry, `${size.percent}% of the ${formatBytes(capacity)} Source LU${wholeBytes > pastOffsetBytes ? ` past offset ${formatBytes(offsetBytes)}` : ""} is less than one ${formatBytes(percentBlockBytes)} block`);
      return undefined;
    }
    note(
      `${entry.written}=${size.percent}% of the ${formatBytes(capacity)} Source LU is ${formatBytes(bytes)}` +
        (wholeBytes > pastOffsetBytes ? `: cut to what lies past offset ${formatBytes(offsetBytes)}, as fio does` : "") +
        (bytes !== cutBytes ? `, rounded down to whole ${formatBytes(percentBlockBytes)} blocks as fio does` : ""),
    );
    return bytes;
  };
  const offsetEntry = get("offset");
  const incrementEntry = get("offset_increment");
  const sizeEntry = get("size");
  const offsetSize = read("offset", (value) => parseFioSize(value, kbBase, true));
  const incrementSize = read("offset_increment", (value) => parseFioSize(value, kbBase, true));
  const offsetAlignEntry = get("offset_align");
  const offsetAlign = read("offset_align", (value) => parseFioBytes(value, kbBase));
  if (offsetAlignEntry !== undefined && offsetSize?.kind !== "percent" && incrementSize?.kind !== "percent") {
    sink.ignore(offsetAlignEntry, "only aligns offsets given as percentages, and this job gives none");
  }
  // fio aligns a percentage offset up to offset_align, by default to the smallest block size.
  const percentAlignBytes = offsetAlign !== undefined && offsetAlign > 0 ? offsetAlign : percentBlockBytes;
  const offsetBytes = resolve(offsetEntry, offsetSize, percentAlignBytes) ?? 0;
  const incrementBytes = resolve(incrementEntry, incrementSize, percentAlignBytes) ?? 0;
  const sizeBytes = resolveSize(sizeEntry, read("size", (value) => parseFioSize(value, kbBase, true))) ?? 0;
  if (offsetEntry !== undefined && offsetBytes % SECTOR_BYTES !== 0) problem(offsetEntry, `an offset of ${offsetBytes} bytes is not a whole number of ${SECTOR_BYTES}-byte sectors${iecHint(offsetEntry, kbBase)}`);
  if (incrementEntry !== undefined && incrementBytes % SECTOR_BYTES !== 0) problem(incrementEntry, `an increment of ${incrementBytes} bytes is not a whole number of ${SECTOR_BYTES}-byte sectors${iecHint(incrementEntry, kbBase)}`);
  if (sizeEntry !== undefined && sizeBytes % SECTOR_BYTES !== 0) problem(sizeEntry, `a region of ${sizeBytes} bytes is not a whole number of ${SECTOR_BYTES}-byte sectors${iecHint(sizeEntry, kbBase)}`);
  else if (sizeEntry !== undefined && sizeBytes > 0 && sizeBytes < smallestBlockBytes) problem(sizeEntry, `the region (${formatBytes(sizeBytes)}) is smaller than one block (${formatBytes(smallestBlockBytes)})`);
  if (sizeBytes === 0 && !failed) note(`no size: the job covers the Source LU from ${offsetBytes === 0 ? "its start" : `offset ${formatBytes(offsetBytes)}`} to its end, as fio does on a device (size 0 = to the end)`);
  const perCloneOffsets = incrementBytes > 0 && numjobs > 1;
  if (incrementEntry !== undefined && !perCloneOffsets) sink.ignore(incrementEntry, "only spreads clones apart, and this job has one clone or a zero increment");
  if (capacity !== undefined) {
    const lastStart = offsetBytes + (perCloneOffsets ? incrementBytes * (numjobs - 1) : 0);
    const entry = sizeEntry ?? incrementEntry ?? offsetEntry;
    if (entry !== undefined && (lastStart >= capacity || lastStart + sizeBytes > capacity)) {
      problem(entry, `the region reaches ${formatBytes(lastStart + Math.max(sizeBytes, 1))}, beyond the ${formatBytes(capacity)} Source LU`);
    }
  }

  // ---- read/write mix ----
  const readPercent = mixed ? readMix(get("rwmixread"), get("rwmixwrite"), read, note) : DEFAULT_READ_PERCENT;
  if (!mixed) {
    for (const name of ["rwmixread", "rwmixwrite"]) {
      const entry = get(name);
      if (entry !== undefined) sink.ignore(entry, `only matters for mixed workloads (rw=rw or randrw); this job is rw=${rw}`);
    }
  }

  // ---- where random offsets land ----
  let randomDistribution: RandomDistributionSpec = { kind: "random" };
  const distributionEntry = get("random_distribution");
  if (distributionEntry !== undefined && !random) sink.ignore(distributionEntry, `only shapes random offsets; this job is rw=${rw}`);
  else randomDistribution = read("random_distribution", readRandomDistribution) ?? randomDistribution;
  readPercentageRandom(get("percentage_random"), random, rw, directions, read, problem, sink);
  // As in fio (and job-source.ts), the random map covers uniform offsets aligned to the smallest block only.
  const usesRandomMap = random && randomDistribution.kind === "random" && (blockAlignBytes === undefined || blockAlignBytes === smallestBlockBytes);
  const norandommap = get("norandommap");
  // Only where the map would be used: with another distribution or blockalign, offsets are already drawn independently.
  const noRandomMap = norandommap !== undefined && random && usesRandomMap && flag("norandommap");
  if (norandommap !== undefined && !noRandomMap) {
    sink.ignore(
      norandommap,
      !random
        ? `only applies to random jobs; this job is rw=${rw}`
        : usesRandomMap
          ? "0 keeps the random map, fio's default"
          : "no effect here: with this random_distribution or blockalign, the simulator (like fio) already draws each offset independently",
    );
  }
  const generatorEntry = get("random_generator");
  const generator = read("random_generator", (value) => {
    if (value === "tausworthe" || value === "lfsr" || value === "tausworthe64") return value;
    throw new FioValueError("expected tausworthe, lfsr or tausworthe64");
  });
  if (generatorEntry !== undefined && generator !== undefined) {
    sink.ignore(
      generatorEntry,
      "chooses fio's random number generator; the simulator draws from its own streams, seeded by the scenario's seed" +
        (generator === "lfsr" && usesRandomMap && !noRandomMap ? " (its random map, like lfsr, visits every block once per pass)" : ""),
    );
  }

  // ---- rates ----
  // Per direction, as fio paces them; only the directions that arrive need one (rwmixread=100 issues no writes).
  const arriving: readonly Direction[] = issuedDirections(rw, readPercent);
  const rateIopsEntry = get("rate_iops");
  const rateEntry = get("rate");
  let rateIops = readRate(rateIopsEntry, arriving, read, problem, (value) => parseFioCount(value, kbBase));
  const rateBytes = readRate(rateEntry, arriving, read, problem, (value) => parseFioBytes(value, kbBase));
  if (rateBytes !== undefined && rateEntry !== undefined) {
    if (rateIops !== undefined) problem(rateEntry, "rate and rate_iops are mutually exclusive (fio refuses both too)");
    else if (arriving.some((direction) => split[direction].length > 0)) {
      problem(rateEntry, "a bandwidth cap with several block sizes gives a varying I/O rate; the simulator's arrivals have one rate per direction: use rate_iops");
    } else {
      const uneven = arriving.find((direction) => rateBytes[direction] % blockSizeBytes[direction] !== 0);
      if (uneven !== undefined) {
        problem(rateEntry, `${formatBytes(rateBytes[uneven])}/s is not a whole number of ${formatBytes(blockSizeBytes[uneven])} ${uneven}s per second; use rate_iops`);
      } else {
        rateIops = { read: rateBytes.read / blockSizeBytes.read, write: rateBytes.write / blockSizeBytes.write };
        const rated = rateIops;
        note(`rate=${rateEntry.value ?? ""} is ${arriving.map((direction) => `${rated[direction]} ${direction}s`).join(" and ")} per second (${arriving.map((direction) => `${formatBytes(blockSizeBytes[direction])} blocks`).join(", ")}), imported as rate_iops`);
      }
    }
  }
  const rateProcessEntry = get("rate_process");
  const rateProcess = read<JobSpec["rateProcess"]>("rate_process", (value) => {
    if (value === "linear" || value === "poisson") return value;
    throw new FioValueError("expected linear or poisson");
  });
  if (rateProcessEntry !== undefined && rateIops === undefined) sink.ignore(rateProcessEntry, "only shapes rated arrivals, and this job has no rate");
  const submitEntry = get("io_submit_mode");
  const submitMode = read("io_submit_mode", (value) => {
    if (value === "inline" || value === "offload") return value;
    throw new FioValueError("expected inline or offload");
  });
  if (submitEntry !== undefined && submitMode !== undefined) {
    sink.ignore(
      submitEntry,
      submitMode === "offload"
        ? "offload makes fio submit at its rate whatever the device's completions do; the simulator's rated jobs always do (open loop), and it needs no submission threads"
        : `${noEngine} (inline is fio's default submission)`,
    );
  }
  if (rateIops !== undefined) {
    const rated = rateIops;
    note(
      `rate_iops=${arriving.map((direction) => rated[direction]).join(",")}${rateProcess === "poisson" ? " with poisson arrivals" : ""}: open loop, each clone's ${arriving.join("s and ")}s arrive at ${arriving.length > 1 ? "their own rates (fio's separate clocks per direction, so the rates, not rwmixread, set the mix)" : "that rate"} whatever the device does, and iodepth does not cap them` +
        (submitMode === "offload" ? " (what io_submit_mode=offload asks of fio)" : "; fio's default inline submission instead holds arrivals back while the device is behind (io_submit_mode=offload makes fio match)"),
    );
  }

  // ---- pauses, start, ramp ----
  const thinktimeNs = read("thinktime", (value) => parseFioTimeNs(value, "us")) ?? 0;
  const thinktimeEntry = get("thinktime");
  if (thinktimeEntry !== undefined && thinktimeNs > 0 && rateIops !== undefined) {
    problem(thinktimeEntry, "a thinktime (a pause after each completion, closed loop) together with a rate (open-loop arrivals) is not supported; give one");
  }
  const thinktimeBlocks = readThinktimeBlocks(get("thinktime_blocks"), get("thinktime_blocks_type"), thinktimeNs, iodepth, read, note, sink, kbBase);
  const startDelayNs =
    read("startdelay", (value) => {
      if (/[-:]/.test(value)) throw new FioValueError("a range makes each clone pick a random delay; give one time");
      return parseFioTimeNs(value, "s");
    }) ?? 0;
  const runtimeEntry = get("runtime");
  const runtimeNs = read("runtime", (value) => parseFioTimeNs(value, "s")) ?? 0;
  const timeBasedEntry = get("time_based");
  const timeBasedAsked = flag("time_based");
  const timeBased = timeBasedAsked && runtimeNs > 0;
  const rampEntry = get("ramp_time");
  const rampNs = read("ramp_time", (value) => parseFioTimeNs(value, "s")) ?? 0;
  if (rampEntry !== undefined && rampNs > 0 && !timeBased) {
    problem(rampEntry, "ramp_time is supported only with time_based and a runtime, where the job runs ramp_time + runtime and the first ramp_time is left out of the results");
  }

  // ---- latency_target and its helpers ----
  readLatencyTarget(options, iodepthGiven, iodepth, settings.latencyTarget, read, problem, sink);

  // ---- how the job ends ----
  const stop = readStop({
    timeBased,
    timeBasedAsked,
    runtimeNs,
    rampNs,
    sizeBytes,
    offsetBytes,
    capacity,
    meanIoBytes: meanIoBytes(directions, split, blockSizeBytes, readPercent),
    exactIoBytes: directions.every((direction) => split[direction].length === 0) && new Set(directions.map((direction) => blockSizeBytes[direction])).size === 1,
    numberIosGiven: read("number_ios", (value) => parseFioCount(value, kbBase)),
    ioSizeBytes: read("io_size", (value) => parseFioBytes(value, kbBase)),
    loops: read("loops", (value) => positiveCount(value, kbBase)) ?? 1,
    entries: { timeBased: timeBasedEntry, runtime: runtimeEntry, ioSize: get("io_size"), loops: get("loops") },
    problem,
    sink,
    note,
  });

  // ---- names, text, files, sequencing ----
  const description = get("description");
  if (description !== undefined) sink.ignore(description, "text only: fio prints it and does nothing else");
  const filenameEntry = get("filename");
  if (filenameEntry !== undefined) sink.ignore(filenameEntry, "the job runs on the simulated Source LU; there is no file or device to open");
  const stonewallEntry = get("stonewall");
  const stonewall = stonewallEntry !== undefined && flag("stonewall") ? stonewallEntry : undefined;
  if (stonewallEntry !== undefined && stonewall === undefined) sink.ignore(stonewallEntry, "0 turns the stonewall off");
  const waitForEntry = get("wait_for");
  const waitForName = waitForEntry?.value?.trim();
  if (waitForEntry !== undefined && (waitForName === undefined || waitForName === "")) problem(waitForEntry, "expected the name of an earlier job");

  if (failed) return undefined;

  const base = {
    kind: "job" as const,
    rw,
    blockSizeBytes: { read: blockSizeBytes.read, write: blockSizeBytes.write },
    blockSizeSplit: { read: split.read.map(copyWeight), write: split.write.map(copyWeight) },
    ...(blockAlignBytes === undefined ? {} : { blockAlignBytes }),
    iodepth,
    sizeBytes,
    readPercent,
    randomDistribution,
    ...(noRandomMap ? { noRandomMap: true } : {}),
    ...(rateIops === undefined ? {} : { rateIops }),
    rateProcess: rateProcess ?? ("linear" as const),
    ...(stop.numberIos === undefined ? {} : { numberIos: stop.numberIos }),
    ...(stop.runtimeNs === undefined ? {} : { runtimeNs: stop.runtimeNs }),
    thinktimeNs,
    ...(thinktimeBlocks === 1 ? {} : { thinktimeBlocks }),
    startDelayNs,
  };
  const specs: JobSpec[] = perCloneOffsets
    ? Array.from({ length: numjobs }, (_, clone) => ({ ...base, name: `${jobName}.${clone}`, numjobs: 1, offsetBytes: offsetBytes + clone * incrementBytes }))
    : [{ ...base, name: jobName, numjobs, offsetBytes }];
  if (perCloneOffsets) {
    note(`offset_increment=${formatBytes(incrementBytes)} gives each of the ${numjobs} clones its own offset, so the job is imported as ${numjobs} one-clone jobs: ${specs.map((spec) => spec.name).join(", ")}`);
  }
  return {
    specs,
    durationNs: timeBased && stop.runtimeNs !== undefined ? startDelayNs + stop.runtimeNs : undefined,
    rampNs,
    stonewall,
    waitFor: waitForEntry !== undefined && waitForName !== undefined && waitForName !== "" ? { entry: waitForEntry, jobName: waitForName } : undefined,
    filename: filenameEntry?.value,
  };
}

/** The table's fixed verdicts: ignored with its reason, refused, or accepted only at a value that does nothing. */
function applyTableRules(options: ReadonlyMap<string, OptionEntry>, sink: JobSink, problem: ReportProblem): void {
  for (const entry of options.values()) {
    const rule = FIO_OPTION_RULES.get(entry.canonical);
    if (rule === undefined || rule.handling === "mapped") continue;
    if (rule.handling === "ignored") sink.ignore(entry, rule.reason);
    else if (rule.handling === "rejected") problem(entry, rule.reason);
    else {
      // A switch written without a value is on.
      const value = entry.value === undefined ? "1" : entry.value.trim().toLowerCase();
      if (rule.noOpValues.includes(value)) sink.ignore(entry, rule.ignoredReason);
      else problem(entry, rule.rejectedReason);
    }
  }
}

function readBlockAlign(
  entry: OptionEntry | undefined,
  random: boolean,
  rw: string,
  directions: readonly Direction[],
  read: ReadOption,
  problem: ReportProblem,
  sink: JobSink,
  kbBase: KbBase,
): number | undefined {
  if (entry === undefined) return undefined;
  if (!random) {
    sink.ignore(entry, `fio aligns only random offsets with blockalign; this job is rw=${rw}`);
    return undefined;
  }
  const sides = read("blockalign", (value) => splitPerDirection(value));
  if (sides === undefined) return undefined;
  const values = new Set<number>();
  for (const direction of directions) {
    const text = sides[direction];
    const bytes = text === undefined ? undefined : read("blockalign", () => parseFioBytes(text, kbBase));
    if (bytes !== undefined) values.add(bytes);
  }
  const [only, ...others] = [...values];
  if (others.length > 0) problem(entry, "different alignments for reads and writes are not supported; give one blockalign");
  else if (only !== undefined && (only <= 0 || only % SECTOR_BYTES !== 0)) problem(entry, `expected a whole number of ${SECTOR_BYTES}-byte sectors`);
  else return only;
  return undefined;
}

/**
 * thinktime_blocks and thinktime_blocks_type: the I/Os between two pauses.
 * fio waits until nothing is in flight before each pause, so the batch also
 * caps the queue depth (HOWTO, thinktime_blocks). Counted at issue, a batch
 * is exactly thinktime_blocks I/Os, as simulated; counted at completion
 * (fio's default), fio may issue up to iodepth - 1 more before it notices.
 */
function readThinktimeBlocks(
  blocksEntry: OptionEntry | undefined,
  typeEntry: OptionEntry | undefined,
  thinktimeNs: number,
  iodepth: number,
  read: ReadOption,
  note: (message: string) => void,
  sink: JobSink,
  kbBase: KbBase,
): number {
  const blocks = read("thinktime_blocks", (value) => positiveCount(value, kbBase)) ?? 1;
  const type = read("thinktime_blocks_type", (value) => {
    if (value === "complete" || value === "issue") return value;
    throw new FioValueError("expected complete or issue");
  });
  if (thinktimeNs === 0) {
    for (const entry of [blocksEntry, typeEntry]) if (entry !== undefined) sink.ignore(entry, "only matters with a thinktime, and this job has none");
    return 1;
  }
  if (typeEntry !== undefined && type !== undefined && blocks === 1) sink.ignore(typeEntry, "with thinktime_blocks=1 fio pauses after every I/O whichever side counts it");
  else if (type !== "issue" && blocks > 1 && iodepth > 1) {
    note(`thinktime_blocks=${blocks} counts completed I/Os (thinktime_blocks_type=complete, fio's default): fio may issue up to ${iodepth - 1} more before a pause; simulated as exactly ${blocks} between pauses, as thinktime_blocks_type=issue`);
  }
  if (iodepth > blocks) note(`a thinktime caps the queue depth: fio waits for every I/O in flight before each pause, so at most ${blocks} of iodepth=${iodepth} are in flight (HOWTO, thinktime_blocks)`);
  return blocks;
}

function readPercentageRandom(entry: OptionEntry | undefined, random: boolean, rw: string, directions: readonly Direction[], read: ReadOption, problem: ReportProblem, sink: JobSink): void {
  if (entry === undefined) return;
  if (!random) {
    sink.ignore(entry, `only applies to random jobs; this job is rw=${rw}`);
    return;
  }
  const sides = read("percentage_random", (value) => splitPerDirection(value));
  if (sides === undefined) return;
  const values = directions.map((direction) => {
    const text = sides[direction];
    return text === undefined ? 100 : read("percentage_random", () => parseFioPercent(text));
  });
  if (values.every((value) => value === 100)) sink.ignore(entry, "100% random is fio's default");
  else if (values.every((value) => value !== undefined)) problem(entry, "mixes sequential runs into a random job; the simulator's jobs are either sequential or random");
}

function readLatencyTarget(
  options: ReadonlyMap<string, OptionEntry>,
  iodepthGiven: number,
  iodepth: number,
  mode: JobSettings["latencyTarget"],
  read: ReadOption,
  problem: ReportProblem,
  sink: JobSink,
): void {
  const targetEntry = options.get("latency_target");
  const targetNs = read("latency_target", (value) => parseFioTimeNs(value, "us")) ?? 0;
  if (targetEntry !== undefined) {
    // target.c: start at depth 1, double while the target is met, bisect when it is not, then one last window at the depth found.
    const percentile = options.get("latency_percentile")?.value ?? "100";
    const windowNs = read("latency_window", (value) => parseFioTimeNs(value, "us"));
    const search =
      `fio searches for the deepest queue between 1 and iodepth=${iodepthGiven} at which ${percentile}% of I/Os complete within ${formatDuration(targetNs)}` +
      `${windowNs === undefined ? "" : ` (judged over ${formatDuration(windowNs)} windows)`}, and reports only that depth; the simulator runs a job at one fixed depth`;
    if (targetNs === 0) sink.ignore(targetEntry, "0 turns the latency target off");
    else if (mode === "reject") problem(targetEntry, `${search}. Set iodepth to the depth to simulate, or import with latencyTarget "fixed-iodepth" (the default) to run it at iodepth=${iodepth}`);
    else sink.ignore(targetEntry, `${search}; imported at the fixed iodepth=${iodepth}, which gives fio's result only if the device meets the target at full depth`);
  }
  for (const name of ["latency_window", "latency_percentile", "latency_run"]) {
    const entry = options.get(name);
    if (entry === undefined) continue;
    sink.ignore(entry, targetNs > 0 ? "only tunes fio's latency_target search for a queue depth" : "no effect without latency_target");
  }
}

interface StopInputs {
  readonly timeBased: boolean;
  /** time_based was set, with or without a runtime. */
  readonly timeBasedAsked: boolean;
  readonly runtimeNs: number;
  readonly rampNs: number;
  readonly sizeBytes: number;
  readonly offsetBytes: number;
  readonly capacity: number | undefined;
  readonly meanIoBytes: number;
  /** Every I/O of the job has the same size, so a byte amount is an exact number of I/Os. */
  readonly exactIoBytes: boolean;
  readonly numberIosGiven: number | undefined;
  readonly ioSizeBytes: number | undefined;
  readonly loops: number;
  readonly entries: { readonly timeBased: OptionEntry | undefined; readonly runtime: OptionEntry | undefined; readonly ioSize: OptionEntry | undefined; readonly loops: OptionEntry | undefined };
  readonly problem: ReportProblem;
  readonly sink: JobSink;
  readonly note: (message: string) => void;
}

/**
 * fio ends a job at size bytes (or io_size), at number_ios, or at runtime,
 * whichever comes first, and time_based makes it loop until runtime instead.
 * A JobSpec with runtime always runs for it, and one without stops after size
 * bytes, so a runtime that is only a cap becomes number_ios as well.
 */
function readStop(input: StopInputs): { readonly numberIos: number | undefined; readonly runtimeNs: number | undefined } {
  const { entries, sink, note } = input;
  let numberIos = input.numberIosGiven !== undefined && input.numberIosGiven > 0 ? input.numberIosGiven : undefined;
  if (entries.runtime !== undefined && input.runtimeNs === 0) sink.ignore(entries.runtime, "0 means no time limit");
  if (input.timeBased) {
    for (const entry of [entries.ioSize, entries.loops]) {
      if (entry !== undefined) sink.ignore(entry, "time_based runs the job for runtime, looping over its region, so fio does not stop it by amount of I/O");
    }
    note(
      `time_based: runs for ${formatDuration(input.runtimeNs)}${input.rampNs > 0 ? ` after a ${formatDuration(input.rampNs)} ramp` : ""} whatever its size, looping over its region` +
        (numberIos === undefined ? "" : ` (or until number_ios=${numberIos})`),
    );
    return { numberIos, runtimeNs: input.rampNs + input.runtimeNs };
  }
  if (entries.timeBased !== undefined) {
    sink.ignore(entries.timeBased, input.timeBasedAsked ? 'fio turns time_based off without a runtime ("time_based requires a runtime/timeout setting"), so the job stops after size bytes' : "0 turns it off");
  }
  if (entries.loops !== undefined && input.loops > 1) input.problem(entries.loops, "repeats the job; the simulator's job without runtime stops after one pass over its region: use time_based with a runtime");
  const regionBytes = input.sizeBytes > 0 ? input.sizeBytes : input.capacity === undefined ? undefined : input.capacity - input.offsetBytes;
  const ioSize = input.ioSizeBytes !== undefined && input.ioSizeBytes > 0 ? input.ioSizeBytes : undefined;
  if (entries.ioSize !== undefined && ioSize !== undefined && regionBytes !== undefined && ioSize > regionBytes) {
    input.problem(entries.ioSize, `fio does ${formatBytes(ioSize)} of I/O over a ${formatBytes(regionBytes)} region, going over it more than once; the simulator's job without runtime stops after one pass: use time_based with a runtime, or number_ios with a runtime`);
    return { numberIos, runtimeNs: undefined };
  }
  const amountBytes = ioSize ?? regionBytes;
  // The JobSpec stops by itself after size bytes; number_ios is needed only when fio stops sooner, or when a runtime would make the job loop.
  const needsCount = ioSize !== undefined || input.runtimeNs > 0;
  if (needsCount && amountBytes !== undefined && input.meanIoBytes > 0) {
    const derived = Math.max(1, input.exactIoBytes ? Math.floor(amountBytes / input.meanIoBytes) : Math.round(amountBytes / input.meanIoBytes));
    if (numberIos === undefined || derived < numberIos) {
      numberIos = derived;
      const how = input.exactIoBytes ? `${formatBytes(amountBytes)} / ${formatBytes(input.meanIoBytes)}` : `about ${formatBytes(amountBytes)} / ${input.meanIoBytes.toFixed(2)} bytes, the mean I/O size of its block size mix`;
      const limit = ioSize !== undefined ? `io_size=${formatBytes(ioSize)}` : input.sizeBytes > 0 ? `size=${formatBytes(input.sizeBytes)}` : "one pass over the Source LU";
      note(`fio stops each clone after ${limit} of I/O; imported as number_ios=${derived} (${how})${input.runtimeNs > 0 ? `, or runtime=${formatDuration(input.runtimeNs)} if that comes first` : ""}`);
    }
  } else if (needsCount && numberIos === undefined) {
    note(`fio would also stop this job after one pass over the device, whose size the import was not given; here it runs for runtime=${formatDuration(input.runtimeNs)}`);
  }
  return { numberIos, runtimeNs: input.runtimeNs > 0 ? input.runtimeNs : undefined };
}

function meanIoBytes(directions: readonly Direction[], split: Readonly<Record<Direction, readonly BlockSizeWeight[]>>, blockSizeBytes: Readonly<Record<Direction, number>>, readPercent: number): number {
  const mean = (direction: Direction): number =>
    split[direction].length === 0 ? blockSizeBytes[direction] : split[direction].reduce((sum, weight) => sum + (weight.sizeBytes * weight.percent) / 100, 0);
  if (directions.length === 2) return (readPercent / 100) * mean("read") + (1 - readPercent / 100) * mean("write");
  return mean(directions[0] ?? "read");
}

/** Why a size came out as 4000 bytes when the file said 4KiB. */
function iecHint(entry: OptionEntry, kbBase: KbBase): string {
  const uses = entry.value !== undefined && entry.value.split(/[,:/]/).some((part) => usesInvertedIecUnit(part, kbBase));
  return uses ? " (under kb_base=1024, fio's default, fio reads KiB, MiB... as powers of 1000: write k, m, g for powers of 1024)" : "";
}

function positiveCount(value: string, kbBase: KbBase): number {
  const count = parseFioCount(value, kbBase);
  if (count < 1) throw new FioValueError("expected a whole number of at least 1");
  return count;
}

function countUpTo(value: string, kbBase: KbBase, max: number, why: string): number {
  const count = positiveCount(value, kbBase);
  if (count > max) throw new FioValueError(`expected a whole number from 1 to ${max} (${why})`);
  return count;
}

function copyWeight(weight: BlockSizeWeight): { sizeBytes: number; percent: number } {
  return { sizeBytes: weight.sizeBytes, percent: weight.percent };
}
