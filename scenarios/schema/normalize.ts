/**
 * From the file as read (units converted, every key checked on its own) to the
 * model's Scenario: one spelling per setting (a key or its unit-suffixed
 * alias), defaults from defaults.ts, and the checks that need more than one
 * value (alignment to the sector, a job inside the Source LU, a trigger per
 * session, something to stop the run...). Problems go to a sink with the key
 * path they concern, so the loader can point at the line; the Scenario
 * returned when there were problems is incomplete and must be discarded.
 *
 * Not checked here: whether the Cache LU is big enough for the metadata, which
 * only the engine's layout computation knows (it reports it at format time).
 */
import { computeLayout, GeometryError, type Geometry } from "../../engine/index.js";
import { Kernel } from "../../sim/kernel.js";
import { Rng } from "../../sim/rng/streams.js";
import { serviceModel } from "../runner/build-devices.js";
import { isAbsolute, resolve } from "node:path";
import type {
  DeviceSpec,
  DevicesSpec,
  EngineSpec,
  FlushSpec,
  JobSpec,
  LatencyModelSpec,
  Scenario,
  ScriptSpec,
  SessionEvent,
  TraceSpec,
  TraceTimeUnit,
  Trigger,
  WorkloadSpec,
} from "../model.js";
import {
  DEVICE_DEFAULTS,
  EMPIRICAL_MODEL_DEFAULTS,
  ENGINE_DEFAULTS,
  EXPONENTIAL_MODEL_DEFAULTS,
  FIXED_MODEL_DEFAULTS,
  FLASH_MODEL_DEFAULTS,
  JOB_DEFAULTS,
  ROTATING_MODEL_DEFAULTS,
  SCENARIO_DEFAULTS,
  SCRIPT_DEFAULTS,
  TRACE_DEFAULTS,
} from "./defaults.js";
import { formatScriptOp } from "./script-ops.js";
import { issuedDirections } from "../workloads/job-directions.js";
import { JobPlanError, jobSources } from "../workloads/job-source.js";
import { isTimelessJob, TIMELESS_JOB_EXPECTED, TIMELESS_JOB_PROBLEM } from "../workloads/timeless-job.js";
import { slotsEverStarted, slotsScriptsStart, startsSession } from "../session-starts.js";
import { formatDuration } from "./units.js";
import { PERCENTILE_KEY_PATTERN } from "./editor-patterns.js";
import { closedLoopIosInFlight, IN_FLIGHT_EXPECTED, MAX_FIXED_BUCKETS, MAX_HOST_IOS_IN_FLIGHT, MIN_FLUSH_INTERVAL_NS } from "../limits.js";
import { SCENARIO_SECTIONS, type DeviceFile, type DevicesFile, type EngineFile, type JobFile, type ScenarioFile, type SchemaContext, type ScriptFile, type SessionFile, type TraceFile } from "./scenario-schema.js";
import { BadValueError } from "../../io/bad-value-error.js";

const PERCENTILE_KEY = new RegExp(PERCENTILE_KEY_PATTERN);

export type PathKey = string | number;

export interface ProblemSink {
  add(path: readonly PathKey[], message: string, expected: string, found: string): void;
}

/** The value of a setting that has two spellings; both given is a problem (which one would win is not obvious). */
function either<T>(sink: ProblemSink, at: readonly PathKey[], first: readonly [string, T | undefined], second: readonly [string, T | undefined]): T | undefined {
  const [firstKey, firstValue] = first;
  const [secondKey, secondValue] = second;
  if (firstValue !== undefined && secondValue !== undefined) {
    sink.add([...at, secondKey], `"${firstKey}" and "${secondKey}" set the same thing`, `only one of ${firstKey} or ${secondKey}`, "both");
  }
  return firstValue ?? secondValue;
}

function required<T>(sink: ProblemSink, at: readonly PathKey[], value: T | undefined, key: string, expected: string, fallback: T): T {
  if (value !== undefined) return value;
  sink.add([...at, key], `missing required key "${key}"`, expected, "nothing");
  return fallback;
}

const bytes = (value: number) => `${value} bytes`;

// ---- devices ------------------------------------------------------------------------

function percentileTable(sink: ProblemSink, at: readonly PathKey[], table: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  // Sorted by percentile so equal tables written in different orders normalize to equal objects.
  const entries = Object.entries(table)
    .map(([key, latencyNs]) => ({ key, percentile: Number(key), latencyNs }))
    .sort((a, b) => a.percentile - b.percentile);
  if (entries.length === 0) sink.add(at, "the latency table is empty", "at least one percentile", "an empty object");
  for (const { key, percentile, latencyNs } of entries) {
    // The pattern the JSON Schema gives editors: a plain decimal up to 100 (not "1e1" or "0x10", which Number() reads too).
    if (!PERCENTILE_KEY.test(key)) {
      sink.add([...at, key], "not a percentile", "a percentile from 0 to 100, such as 99 or \"99.900000\"", JSON.stringify(key));
      continue;
    }
    // fio's JSON spelling ("99.000000"), so tables written by hand and pasted from fio normalize alike.
    out[percentile.toFixed(6)] = latencyNs;
  }
  return out;
}

function latencyModel(sink: ProblemSink, at: readonly PathKey[], device: Exclude<DeviceFile, { model: "stripe" }>): LatencyModelSpec {
  switch (device.model) {
    case "instant":
      return { model: "instant" };
    case "fixed": {
      const latencyNs = either(sink, at, ["latency", device.latency], ["latencyNs", device.latencyNs]) ?? FIXED_MODEL_DEFAULTS.latencyNs;
      const readLatencyNs = either(sink, at, ["readLatency", device.readLatency], ["readLatencyNs", device.readLatencyNs]);
      const writeLatencyNs = either(sink, at, ["writeLatency", device.writeLatency], ["writeLatencyNs", device.writeLatencyNs]);
      const bandwidth = either(sink, at, ["bandwidth", device.bandwidth], ["bandwidthBytesPerSec", device.bandwidthBytesPerSec]);
      return {
        model: "fixed",
        latencyNs,
        ...(readLatencyNs === undefined ? {} : { readLatencyNs }),
        ...(writeLatencyNs === undefined ? {} : { writeLatencyNs }),
        bandwidthBytesPerSec: required(sink, at, bandwidth, "bandwidth", 'a rate such as "500MB/s" (or bandwidthBytesPerSec)', 1),
        parallelism: device.parallelism ?? FIXED_MODEL_DEFAULTS.parallelism,
        flushLatencyNs: either(sink, at, ["flushLatency", device.flushLatency], ["flushLatencyNs", device.flushLatencyNs]) ?? FIXED_MODEL_DEFAULTS.flushLatencyNs,
      };
    }
    case "exponential": {
      const mean = either(sink, at, ["meanService", device.meanService], ["meanServiceNs", device.meanServiceNs]);
      if (mean === 0) sink.add([...at, device.meanService === undefined ? "meanServiceNs" : "meanService"], "must be greater than zero", "a positive time", "0");
      return {
        model: "exponential",
        meanServiceNs: required(sink, at, mean, "meanService", 'a time such as "100us" (or meanServiceNs)', 1),
        minServiceNs: either(sink, at, ["minService", device.minService], ["minServiceNs", device.minServiceNs]) ?? EXPONENTIAL_MODEL_DEFAULTS.minServiceNs,
        parallelism: device.parallelism ?? EXPONENTIAL_MODEL_DEFAULTS.parallelism,
        flushNs: either(sink, at, ["flush", device.flush], ["flushNs", device.flushNs]) ?? EXPONENTIAL_MODEL_DEFAULTS.flushNs,
      };
    }
    case "rotating": {
      const trackToTrackSeekNs = either(sink, at, ["trackToTrackSeek", device.trackToTrackSeek], ["trackToTrackSeekNs", device.trackToTrackSeekNs]) ?? ROTATING_MODEL_DEFAULTS.trackToTrackSeekNs;
      const fullStrokeSeekNs = either(sink, at, ["fullStrokeSeek", device.fullStrokeSeek], ["fullStrokeSeekNs", device.fullStrokeSeekNs]) ?? ROTATING_MODEL_DEFAULTS.fullStrokeSeekNs;
      if (fullStrokeSeekNs < trackToTrackSeekNs) {
        sink.add([...at, device.fullStrokeSeek === undefined ? "fullStrokeSeekNs" : "fullStrokeSeek"], "a full-stroke seek shorter than a track-to-track seek", `at least the track-to-track seek (${trackToTrackSeekNs} ns)`, `${fullStrokeSeekNs} ns`);
      }
      return {
        model: "rotating",
        rpm: device.rpm ?? ROTATING_MODEL_DEFAULTS.rpm,
        sectorsPerTrack: device.sectorsPerTrack ?? ROTATING_MODEL_DEFAULTS.sectorsPerTrack,
        heads: device.heads ?? ROTATING_MODEL_DEFAULTS.heads,
        trackToTrackSeekNs,
        fullStrokeSeekNs,
        scheduler: device.scheduler ?? ROTATING_MODEL_DEFAULTS.scheduler,
        flushNs: either(sink, at, ["flush", device.flush], ["flushNs", device.flushNs]) ?? ROTATING_MODEL_DEFAULTS.flushNs,
      };
    }
    case "flash":
      return {
        model: "flash",
        channels: device.channels ?? FLASH_MODEL_DEFAULTS.channels,
        diesPerChannel: device.diesPerChannel ?? FLASH_MODEL_DEFAULTS.diesPerChannel,
        pageSizeBytes: either(sink, at, ["pageSize", device.pageSize], ["pageSizeBytes", device.pageSizeBytes]) ?? FLASH_MODEL_DEFAULTS.pageSizeBytes,
        pageReadNs: either(sink, at, ["pageRead", device.pageRead], ["pageReadNs", device.pageReadNs]) ?? FLASH_MODEL_DEFAULTS.pageReadNs,
        pageProgramNs: either(sink, at, ["pageProgram", device.pageProgram], ["pageProgramNs", device.pageProgramNs]) ?? FLASH_MODEL_DEFAULTS.pageProgramNs,
        channelBandwidthBytesPerSec:
          either(sink, at, ["channelBandwidth", device.channelBandwidth], ["channelBandwidthBytesPerSec", device.channelBandwidthBytesPerSec]) ??
          FLASH_MODEL_DEFAULTS.channelBandwidthBytesPerSec,
        flushNs: either(sink, at, ["flush", device.flush], ["flushNs", device.flushNs]) ?? FLASH_MODEL_DEFAULTS.flushNs,
      };
    case "empirical": {
      const table = (key: string, value: Readonly<Record<string, number>> | undefined, nsKey: string, nsValue: Readonly<Record<string, number>> | undefined) => {
        const chosen = either(sink, at, [key, value], [nsKey, nsValue]);
        return chosen === undefined ? undefined : percentileTable(sink, [...at, value === undefined ? nsKey : key], chosen);
      };
      const both = table("percentiles", device.percentiles, "percentilesNs", device.percentilesNs);
      const read = table("readPercentiles", device.readPercentiles, "readPercentilesNs", device.readPercentilesNs) ?? both;
      const write = table("writePercentiles", device.writePercentiles, "writePercentilesNs", device.writePercentilesNs) ?? both;
      const expected = "a percentile table: percentiles (both directions) or readPercentiles and writePercentiles (each also as ...Ns)";
      return {
        model: "empirical",
        readPercentilesNs: required(sink, at, read, read === undefined && write !== undefined ? "readPercentiles" : "percentiles", expected, {}),
        writePercentilesNs: required(sink, at, write, write === undefined && read !== undefined ? "writePercentiles" : "percentiles", expected, {}),
        parallelism: device.parallelism ?? EMPIRICAL_MODEL_DEFAULTS.parallelism,
        flushNs: either(sink, at, ["flush", device.flush], ["flushNs", device.flushNs]) ?? EMPIRICAL_MODEL_DEFAULTS.flushNs,
      };
    }
  }
}

function device(sink: ProblemSink, at: readonly PathKey[], file: DeviceFile): DeviceSpec {
  const capacityGiven = either(sink, at, ["capacity", file.capacity], ["capacityBytes", file.capacityBytes]);
  const capacityKey = file.capacity === undefined ? "capacityBytes" : "capacity";
  const sectorGiven = either(sink, at, ["sectorSize", file.sectorSize], ["sectorSizeBytes", file.sectorSizeBytes]);
  const sectorKey = file.sectorSize === undefined ? "sectorSizeBytes" : "sectorSize";

  if (file.model === "stripe") {
    const members = file.members.map((member, index) => device(sink, [...at, "members", index], member));
    const first = members[0];
    const sectorSizeBytes = first?.sectorSizeBytes ?? DEVICE_DEFAULTS.sectorSizeBytes;
    members.forEach((member, index) => {
      if (member.sectorSizeBytes !== sectorSizeBytes) {
        sink.add([...at, "members", index], "stripe members disagree on the sector size", `${sectorSizeBytes}, as members[0]`, bytes(member.sectorSizeBytes));
      }
    });
    const unit = required(sink, at, either(sink, at, ["stripeUnit", file.stripeUnit], ["stripeUnitBytes", file.stripeUnitBytes]), "stripeUnit", 'a size such as "64KiB" (or stripeUnitBytes)', sectorSizeBytes);
    const unitKey = file.stripeUnit === undefined ? "stripeUnitBytes" : "stripeUnit";
    if (unit % sectorSizeBytes !== 0) sink.add([...at, unitKey], "the stripe unit is not a multiple of the members' sector size", `a multiple of ${sectorSizeBytes} bytes`, bytes(unit));
    // As sim/devices/stripe.ts builds it: whole stripe units of the smallest member, on every member.
    const smallest = Math.min(...members.map((member) => member.capacityBytes));
    const capacityBytes = members.length * Math.floor(smallest / unit) * unit;
    if (capacityBytes === 0) sink.add([...at, "members"], "the smallest member holds no whole stripe unit", `members of at least ${bytes(unit)}`, bytes(smallest));
    const queueDepth = members.reduce((sum, member) => sum + member.queueDepth, 0);
    const writeCache = members.some((member) => member.writeCache);
    const agree = (key: string, given: number | boolean | undefined, derived: number | boolean, how: string) => {
      if (given !== undefined && given !== derived) sink.add([...at, key], `a stripe's ${how} follows from its members`, `${String(derived)} (or leave it out)`, String(given));
    };
    agree(capacityKey, capacityGiven, capacityBytes, "capacity");
    agree(sectorKey, sectorGiven, sectorSizeBytes, "sector size");
    agree("queueDepth", file.queueDepth, queueDepth, "queue depth (their sum)");
    agree("writeCache", file.writeCache, writeCache, "write cache (any member's)");
    return { model: "stripe", capacityBytes, sectorSizeBytes, queueDepth, writeCache, stripeUnitBytes: unit, members };
  }

  const counted = countingSink(sink);
  const sectorSizeBytes = sectorGiven ?? DEVICE_DEFAULTS.sectorSizeBytes;
  const capacityBytes = required(counted, at, capacityGiven, "capacity", 'a size such as "4GiB" (or capacityBytes)', sectorSizeBytes);
  if (capacityBytes % sectorSizeBytes !== 0) counted.add([...at, capacityKey], "the capacity is not a whole number of sectors", `a multiple of the ${sectorSizeBytes}-byte sector`, bytes(capacityBytes));
  const spec: Exclude<DeviceSpec, { model: "stripe" }> = {
    capacityBytes,
    sectorSizeBytes,
    queueDepth: file.queueDepth ?? DEVICE_DEFAULTS.queueDepth,
    writeCache: file.writeCache ?? DEVICE_DEFAULTS.writeCache,
    ...latencyModel(counted, at, file),
  };
  // The model's own checks (a rotating disk's seek curve must fit its cylinders...), so that validate refuses what
  // building the device would. Only for settings sound key by key, which would otherwise be told twice.
  if (counted.count === 0) {
    try {
      serviceModel(spec, new Kernel("validate"), Rng.root("validate"));
    } catch (error) {
      if (!(error instanceof BadValueError)) throw error;
      sink.add(at, error.message, `settings from which the ${spec.model} model can build the device`, "these settings");
    }
  }
  return spec;
}

/** A sink that counts what passes through it, to tell whether a part of the file had problems of its own. */
function countingSink(sink: ProblemSink): ProblemSink & { readonly count: number } {
  let count = 0;
  return {
    get count() {
      return count;
    },
    add: (...problem) => {
      count++;
      sink.add(...problem);
    },
  };
}

function devices(sink: ProblemSink, file: DevicesFile): DevicesSpec {
  const at = ["devices"];
  const source = device(sink, [...at, "source"], file.source);
  if (file.shared !== true) return { source, cache: device(sink, [...at, "cache"], file.cache), shared: false };
  const cacheAt = [...at, "cache"];
  const cacheBytes = required(sink, cacheAt, either(sink, cacheAt, ["capacity", file.cache.capacity], ["capacityBytes", file.cache.capacityBytes]), "capacity", "the Cache LU's size", 0);
  const cacheKey = file.cache.capacity === undefined ? "capacityBytes" : "capacity";
  if (cacheBytes >= source.capacityBytes) {
    sink.add([...cacheAt, cacheKey], "the Cache LU leaves no room for the Source LU on the shared device", `less than the device's ${bytes(source.capacityBytes)}`, bytes(cacheBytes));
  } else if (cacheBytes % source.sectorSizeBytes !== 0) {
    sink.add([...cacheAt, cacheKey], "the Cache LU is not a whole number of sectors", `a multiple of the ${source.sectorSizeBytes}-byte sector`, bytes(cacheBytes));
  }
  // One physical device: the cache is the same device seen through its last cacheBytes bytes.
  return { source, cache: { ...source, capacityBytes: cacheBytes }, shared: true };
}

/** The Source LU's size: with a shared device, what the Cache LU leaves of it. */
function sourceLuBytes(spec: DevicesSpec): number {
  return spec.shared ? spec.source.capacityBytes - spec.cache.capacityBytes : spec.source.capacityBytes;
}

// ---- engine -------------------------------------------------------------------------

function engine(sink: ProblemSink, file: EngineFile | undefined, devicesSpec: DevicesSpec): EngineSpec {
  const at = ["engine"];
  const chunkSizeBytes = either(sink, at, ["chunkSize", file?.chunkSize], ["chunkSizeBytes", file?.chunkSizeBytes]) ?? ENGINE_DEFAULTS.chunkSizeBytes;
  const regionSizeBytes = either(sink, at, ["regionSize", file?.regionSize], ["regionSizeBytes", file?.regionSizeBytes]) ?? ENGINE_DEFAULTS.regionSizeBytes;
  // chunkSize needs no check against the sector size: it is a power of two >= 4KiB, and sectors are 512 or 4096.
  const cacheSector = devicesSpec.cache.sectorSizeBytes;
  if (regionSizeBytes % cacheSector !== 0) {
    // Only a given region size can fail: the default (64KiB) is a multiple of every accepted sector size.
    sink.add([...at, file?.regionSize === undefined ? "regionSizeBytes" : "regionSize"], "the region size is not a whole number of the Cache LU's sectors", `a multiple of ${cacheSector} bytes`, bytes(regionSizeBytes));
  }
  const metadataBlockBytes = either(sink, at, ["metadataBlock", file?.metadataBlock], ["metadataBlockBytes", file?.metadataBlockBytes]);
  if (metadataBlockBytes !== undefined) {
    const key = [...at, file?.metadataBlock === undefined ? "metadataBlockBytes" : "metadataBlock"];
    if (metadataBlockBytes % cacheSector !== 0) sink.add(key, "the metadata block is not a whole number of the Cache LU's sectors", `a multiple of ${cacheSector} bytes`, bytes(metadataBlockBytes));
    else if (regionSizeBytes % metadataBlockBytes !== 0) sink.add(key, "the region size is not a whole number of metadata blocks", `a divisor of the region size (${bytes(regionSizeBytes)})`, bytes(metadataBlockBytes));
  }
  const commitPolicy = file?.commitPolicy ?? ENGINE_DEFAULTS.commitPolicy;
  return metadataBlockBytes === undefined || metadataBlockBytes === cacheSector ? { chunkSizeBytes, regionSizeBytes, commitPolicy } : { chunkSizeBytes, regionSizeBytes, commitPolicy, metadataBlockBytes };
}

// ---- workloads ----------------------------------------------------------------------

/**
 * A job whose settings are sound key by key and together, planned as the run
 * will plan it, so that validate refuses what the run would (a zoned
 * random_distribution with a zone that covers no block of a small region).
 * `sourceBytes` is undefined when the devices have problems of their own: the
 * Source LU's size is then unknown, and nothing is checked against it or
 * planned over it.
 */
function job(sink: ProblemSink, at: readonly PathKey[], file: JobFile, name: string, sourceBytes: number | undefined, sectorBytes: number): JobSpec {
  const counted = countingSink(sink);
  const spec = jobSpec(counted, at, file, name, sourceBytes, sectorBytes);
  if (counted.count > 0 || sourceBytes === undefined) return spec;
  try {
    jobSources(spec, Rng.root("validate"), { capacityBytes: sourceBytes, sectorSizeBytes: sectorBytes });
  } catch (error) {
    if (!(error instanceof JobPlanError)) throw error;
    const regionBytes = spec.sizeBytes === 0 ? sourceBytes - spec.offsetBytes : spec.sizeBytes;
    if (error.setting === "random_distribution") {
      sink.add([...at, "random_distribution"], error.detail, "a random_distribution that fits the job's region (a larger size, or zones with a larger sizePercent)", `a region of ${bytes(regionBytes)}`);
    } else sink.add(at, error.detail, "job settings from which the run can plan the job", "these settings");
  }
  return spec;
}

function jobSpec(sink: ProblemSink, at: readonly PathKey[], file: JobFile, name: string, sourceBytes: number | undefined, sectorBytes: number): JobSpec {
  const split = file.bssplit ?? { read: [], write: [] };
  const blockSizeBytes = { read: file.bs?.read ?? JOB_DEFAULTS.blockSizeBytes, write: file.bs?.write ?? JOB_DEFAULTS.blockSizeBytes };
  const offsetBytes = file.offset ?? JOB_DEFAULTS.offsetBytes;
  const sizeBytes = file.size ?? JOB_DEFAULTS.sizeBytes;
  const aligned = (key: string, value: number, what: string) => {
    if (value % sectorBytes !== 0) sink.add([...at, key], `${what} is not a multiple of the Source LU's sector`, `a multiple of ${sectorBytes} bytes`, bytes(value));
  };

  aligned("offset", offsetBytes, "the offset");
  aligned("size", sizeBytes, "the size");
  if (sourceBytes !== undefined && offsetBytes >= sourceBytes) {
    sink.add([...at, "offset"], "the offset is beyond the Source LU", `less than the Source LU's ${bytes(sourceBytes)}`, bytes(offsetBytes));
  } else if (sourceBytes !== undefined && offsetBytes + sizeBytes > sourceBytes) {
    sink.add([...at, "size"], "offset + size reaches beyond the Source LU", `at most ${bytes(sourceBytes - offsetBytes)} from offset ${offsetBytes}`, bytes(sizeBytes));
  }
  const regionBytes = sizeBytes !== 0 ? sizeBytes : sourceBytes === undefined ? 0 : sourceBytes - offsetBytes;
  const blockSizes: Array<[PathKey[], number]> = file.bssplit === undefined ? [[[...at, "bs"], blockSizeBytes.read], [[...at, "bs"], blockSizeBytes.write]] : [...split.read, ...split.write].map((entry) => [[...at, "bssplit"], entry.sizeBytes]);
  for (const [path, size] of blockSizes) {
    if (size === 0 || size % sectorBytes !== 0) {
      sink.add(path, "a block size is not a whole number of the Source LU's sectors", `a positive multiple of ${sectorBytes} bytes`, bytes(size));
      break;
    }
    if (regionBytes > 0 && size > regionBytes) {
      sink.add(path, "a block size is larger than the job's region", `at most ${bytes(regionBytes)}`, bytes(size));
      break;
    }
  }
  if (file.blockalign !== undefined) aligned("blockalign", file.blockalign, "blockalign");

  let readPercent: number = JOB_DEFAULTS.readPercent;
  if (file.rwmixread !== undefined) {
    readPercent = file.rwmixread;
    if (file.rwmixwrite !== undefined && file.rwmixread + file.rwmixwrite !== 100) {
      sink.add([...at, "rwmixwrite"], "rwmixread and rwmixwrite disagree", `${100 - file.rwmixread} (100 - rwmixread), or only one of them`, String(file.rwmixwrite));
    }
  } else if (file.rwmixwrite !== undefined) {
    readPercent = 100 - file.rwmixwrite;
  }

  const rw = file.rw === undefined ? JOB_DEFAULTS.rw : file.rw === "readwrite" ? "rw" : file.rw;
  // A Phantom LU is a read view of a point in time; the engine offers no write path to it.
  if (file.phantomSlot !== undefined && rw !== "read" && rw !== "randread") {
    sink.add([...at, file.rw === undefined ? "phantomSlot" : "rw"], "a job reading a Phantom LU (phantomSlot) must not write", '"read" or "randread"', JSON.stringify(rw));
  }

  // Rates of the directions that arrive only: the others' are 0, as the import writes them.
  const arriving = issuedDirections(rw, readPercent);
  const rateIops = file.rate_iops === undefined ? undefined : { read: arriving.includes("read") ? file.rate_iops.read : 0, write: arriving.includes("write") ? file.rate_iops.write : 0 };
  if (file.rate_iops !== undefined) {
    const unrated = arriving.filter((direction) => file.rate_iops?.[direction] === 0);
    if (unrated.length > 0) {
      sink.add(
        [...at, "rate_iops"],
        `the job issues ${unrated.join(" and ")}s but gives them no rate (fio would issue them closed loop beside the rated ones; a simulated job is open or closed loop)`,
        'a rate for every direction the job issues, such as 1000 or "700,300"',
        `"${file.rate_iops.read},${file.rate_iops.write}" (0 = none)`,
      );
    }
  }

  return {
    kind: "job",
    name,
    rw,
    blockSizeBytes,
    blockSizeSplit: { read: split.read.map((entry) => ({ ...entry })), write: split.write.map((entry) => ({ ...entry })) },
    ...(file.blockalign === undefined ? {} : { blockAlignBytes: file.blockalign }),
    iodepth: file.iodepth ?? JOB_DEFAULTS.iodepth,
    numjobs: file.numjobs ?? JOB_DEFAULTS.numjobs,
    offsetBytes,
    sizeBytes,
    readPercent,
    randomDistribution: file.random_distribution ?? JOB_DEFAULTS.randomDistribution,
    ...(file.norandommap === true ? { noRandomMap: true } : {}),
    ...(rateIops === undefined ? {} : { rateIops }),
    rateProcess: file.rate_process ?? JOB_DEFAULTS.rateProcess,
    ...(file.number_ios === undefined ? {} : { numberIos: file.number_ios }),
    ...(file.runtime === undefined ? {} : { runtimeNs: nonZero(sink, [...at, "runtime"], file.runtime) }),
    thinktimeNs: file.thinktime ?? JOB_DEFAULTS.thinktimeNs,
    ...(file.thinktime_blocks === undefined ? {} : { thinktimeBlocks: file.thinktime_blocks }),
    startDelayNs: file.startdelay ?? JOB_DEFAULTS.startDelayNs,
    ...(file.phantomSlot === undefined ? {} : { phantomSlot: file.phantomSlot }),
  };
}

function nonZero(sink: ProblemSink, path: readonly PathKey[], ns: number): number {
  if (ns === 0) sink.add(path, "must be greater than zero", "a positive time", "0");
  return ns;
}

/** A path from the file, made absolute against the file's directory, that must name an existing file. */
function existingFile(sink: ProblemSink, path: readonly PathKey[], given: string, context: SchemaContext, what: string): string {
  const absolute = isAbsolute(given) ? given : resolve(context.baseDirectory, given);
  const kind = context.pathKind(absolute);
  if (kind !== "file") {
    const problem = kind === "missing" ? "not found" : kind === "directory" ? "is a directory, not a file" : "is not a regular file";
    sink.add(path, `${what} ${problem}: ${absolute}`, `an existing file (a relative path is relative to ${context.baseDirectory})`, JSON.stringify(given));
  }
  return absolute;
}

function trace(sink: ProblemSink, at: readonly PathKey[], file: TraceFile, name: string, context: SchemaContext): TraceSpec {
  return {
    kind: "trace",
    name,
    path: existingFile(sink, [...at, "path"], file.path, context, "trace file"),
    format: file.format,
    timing: file.timing ?? TRACE_DEFAULTS.timing,
    iodepth: file.iodepth ?? TRACE_DEFAULTS.iodepth,
    addressMapping: file.addressMapping ?? TRACE_DEFAULTS.addressMapping,
    ...(file.device === undefined ? {} : { device: file.device }),
    ...(file.maxRequests === undefined ? {} : { maxRequests: file.maxRequests }),
    ...(file.timeUnit === undefined ? {} : { timeUnit: timeUnitFor(sink, [...at, "timeUnit"], file.format, file.timeUnit) }),
  };
}

/** A time unit is a DiskSim ASCII trace's only: the other formats say their own (fio: us, MSR: 100 ns, blkparse: s.ns). */
function timeUnitFor(sink: ProblemSink, path: readonly PathKey[], format: TraceFile["format"], unit: TraceTimeUnit): TraceTimeUnit {
  if (format !== "disksim") sink.add(path, `a ${format} trace gives its own time unit`, "timeUnit only with format: disksim", JSON.stringify(unit));
  return unit;
}

function workloads(sink: ProblemSink, file: ScenarioFile["workloads"], devicesSpec: DevicesSpec, devicesSound: boolean, context: SchemaContext): WorkloadSpec[] {
  // Devices with problems of their own give a Source LU of no size, or a negative one (a shared device's Cache LU
  // bigger than the device): every job would be told it lies beyond that, which is not the job's problem.
  const sourceBytes = devicesSound ? sourceLuBytes(devicesSpec) : undefined;
  const sectorBytes = devicesSpec.source.sectorSizeBytes;
  const firstByName = new Map<string, number>();
  let inFlight = 0;
  return file.map((workload, index): WorkloadSpec => {
    const at = ["workloads", index];
    if (workload.kind === "fio") return { kind: "fio", path: existingFile(sink, [...at, "path"], workload.path, context, "fio job file") };
    const name = workload.name ?? `${workload.kind}${index}`;
    const earlier = firstByName.get(name);
    if (earlier !== undefined) sink.add([...at, workload.name === undefined ? "kind" : "name"], `the name "${name}" is already used by workloads[${earlier}]`, "a name no other workload has (results are keyed by it)", JSON.stringify(name));
    else firstByName.set(name, index);
    const spec = workload.kind === "script" ? script(sink, at, workload, name, sourceBytes, sectorBytes) : workload.kind === "job" ? job(sink, at, workload, name, sourceBytes, sectorBytes) : trace(sink, at, workload, name, context);
    // Told once, at the workload that goes over (fio job files are counted when the run imports them).
    const before = inFlight;
    inFlight += closedLoopIosInFlight(spec);
    if (before <= MAX_HOST_IOS_IN_FLIGHT && inFlight > MAX_HOST_IOS_IN_FLIGHT) {
      const key = workload.kind === "job" && workload.iodepth === undefined && workload.numjobs !== undefined ? "numjobs" : "iodepth";
      sink.add([...at, key], "too many host I/Os in flight", IN_FLIGHT_EXPECTED, `${inFlight} with this workload`);
    }
    return spec;
  });
}

/** The scenario's jobs that would never move simulated time (see isTimelessJob), at their runtime. */
function timelessJobs(sink: ProblemSink, devicesSpec: DevicesSpec, stopSpec: Scenario["stop"], startedSlots: ReadonlySet<number>, workloadSpecs: readonly WorkloadSpec[]): void {
  workloadSpecs.forEach((spec, index) => {
    if (spec.kind === "job" && isTimelessJob(devicesSpec, stopSpec, startedSlots, spec)) sink.add(["workloads", index, "runtime"], `job "${spec.name}": ${TIMELESS_JOB_PROBLEM}`, TIMELESS_JOB_EXPECTED, formatDuration(spec.runtimeNs ?? 0));
  });
}

/** A script's reads and writes must be sector-aligned and inside the Source LU: a script is exact, so nothing is moved. */
function script(sink: ProblemSink, at: readonly PathKey[], file: ScriptFile, name: string, sourceBytes: number | undefined, sectorBytes: number): ScriptSpec {
  file.ops.forEach((op, index) => {
    if (op.kind !== "read" && op.kind !== "write") return;
    const found = formatScriptOp(op);
    const path = [...at, "ops", index];
    if (op.offsetBytes % sectorBytes !== 0 || op.lengthBytes % sectorBytes !== 0) sink.add(path, `${op.kind} is not sector-aligned`, `offset and length multiples of the Source LU's ${sectorBytes}-byte sector`, found);
    else if (sourceBytes !== undefined && op.offsetBytes + op.lengthBytes > sourceBytes) sink.add(path, `${op.kind} ends beyond the Source LU`, `an end at most the Source LU's ${sourceBytes} bytes`, found);
  });
  return { kind: "script", name, iodepth: file.iodepth ?? SCRIPT_DEFAULTS.iodepth, ops: file.ops };
}

// ---- schedule, measurement, stop ---------------------------------------------------

function session(sink: ProblemSink, index: number, file: SessionFile): SessionEvent {
  const at = ["sessions", index];
  const given: Array<[string, Trigger]> = [];
  if (file.at !== undefined) given.push(["at", { atNs: file.at }]);
  if (file.atNs !== undefined) given.push(["atNs", { atNs: file.atNs }]);
  if (file.afterHostIos !== undefined) given.push(["afterHostIos", { afterHostIos: file.afterHostIos }]);
  const expected = 'one trigger: at (a time such as "10ms"), atNs, or afterHostIos';
  const [first, second] = given;
  if (first === undefined) sink.add([...at, "at"], "missing trigger", expected, "none");
  // A --set of one trigger adds it beside the file's; replacing the whole entry is how to change which it has.
  const replaceHint = `; to change an entry's trigger with --set, give the whole entry: --set 'sessions[${index}]={at: <time>, action: ${file.action}, slot: ${file.slot}}'`;
  if (first !== undefined && second !== undefined) sink.add([...at, second[0]], `"${first[0]}" and "${second[0]}" are two triggers`, `${expected}${replaceHint}`, given.map(([key]) => `"${key}"`).join(" and "));
  return { trigger: first?.[1] ?? { atNs: 0 }, action: file.action, slot: file.slot };
}

/** True when trigger `a` certainly fires after `b`: a time and a host I/O count cannot be ordered before the run. */
function certainlyAfter(a: Trigger, b: Trigger): boolean {
  if ("atNs" in a && "atNs" in b) return a.atNs > b.atNs;
  if ("afterHostIos" in a && "afterHostIos" in b) return a.afterHostIos > b.afterHostIos;
  return false;
}

/**
 * A stop or rollback of a slot that no session can be live in yet fails in
 * the run (a problem, exit 1, found only after the whole run): refused here
 * instead, so that validate refuses it. Only the certain cases: no start or
 * replace of the slot in the schedule or in a script, or every one of them
 * triggered later in the same unit.
 */
function sessionsStartedBeforeUse(sink: ProblemSink, workloads: ScenarioFile["workloads"], events: readonly SessionEvent[]): void {
  const scripted = slotsScriptsStart(workloads);
  events.forEach((event, index) => {
    if ((event.action !== "stop" && event.action !== "rollback") || scripted.has(event.slot)) return;
    const startIndexes = events.flatMap((other, otherIndex) => (other.slot === event.slot && startsSession(other) ? [otherIndex] : []));
    if (startIndexes.some((otherIndex) => !certainlyAfter(events[otherIndex]!.trigger, event.trigger))) return;
    const found = startIndexes.length === 0 ? `no "start" or "replace" of slot ${event.slot} in sessions or a script` : `a start of slot ${event.slot} only later (${startIndexes.map((otherIndex) => `sessions[${otherIndex}]`).join(", ")})`;
    sink.add(["sessions", index, "action"], `"${event.action}" of slot ${event.slot} comes before any session is started in it, so it would fail`, `a "start" or "replace" of slot ${event.slot} triggered before it`, found);
  });
}

/**
 * A job reading the Phantom LU of a slot that no session is ever started in
 * (no "start" or "replace" of it in sessions or a script) would skip every
 * read: refused, as a stop of such a slot is. A slot whose sessions start
 * only later, or stop on the way, is the user's to choose (see the notes on
 * skipped reads).
 */
function phantomSlotsStarted(sink: ProblemSink, workloads: ScenarioFile["workloads"], startedSlots: ReadonlySet<number>): void {
  workloads.forEach((workload, index) => {
    if (workload.kind !== "job" || workload.phantomSlot === undefined || startedSlots.has(workload.phantomSlot)) return;
    const slot = workload.phantomSlot;
    sink.add(["workloads", index, "phantomSlot"], `reads the Phantom LU of slot ${slot}, which no session is ever started in, so every read would be skipped`, `a "start" or "replace" of slot ${slot} in sessions or a script`, "none");
  });
}

function flushes(sink: ProblemSink, file: ScenarioFile["flushes"]): FlushSpec {
  const everyNs = either(sink, ["flushes"], ["every", file?.every], ["everyNs", file?.everyNs]);
  if (everyNs !== undefined && everyNs < MIN_FLUSH_INTERVAL_NS) {
    const why = everyNs === 0 ? "must be greater than zero" : "shorter than a device takes to answer a flush";
    sink.add(["flushes", file?.every === undefined ? "everyNs" : "every"], why, `a time of at least ${formatDuration(MIN_FLUSH_INTERVAL_NS)}`, formatDuration(everyNs));
  }
  return { ...(everyNs === undefined ? {} : { everyNs }), ...(file?.everyHostWrites === undefined ? {} : { everyHostWrites: file.everyHostWrites }) };
}

function stop(sink: ProblemSink, file: ScenarioFile["stop"] = {}, warmupNs: number | undefined, warmupKey: string, onlyScripts: boolean): Scenario["stop"] {
  const runtimeNs = either(sink, ["stop"], ["runtime", file.runtime], ["runtimeNs", file.runtimeNs]);
  if (runtimeNs === undefined && file.hostIos === undefined && !onlyScripts) {
    sink.add(["stop"], "nothing stops the run", "runtime (or runtimeNs) and/or hostIos (only a scenario whose workloads are all scripts may leave them out)", "neither");
  }
  if (runtimeNs !== undefined) {
    nonZero(sink, ["stop", file.runtime === undefined ? "runtimeNs" : "runtime"], runtimeNs);
    if (warmupNs !== undefined && warmupNs >= runtimeNs && runtimeNs > 0) {
      sink.add(["measurement", warmupKey], "the warm-up covers the whole run, so nothing would be measured", `less than stop.runtime (${runtimeNs} ns)`, `${warmupNs} ns`);
    }
  }
  return { ...(runtimeNs === undefined ? {} : { runtimeNs }), ...(file.hostIos === undefined ? {} : { hostIos: file.hostIos }) };
}

function reportSpec(sink: ProblemSink, file: ScenarioFile["report"], runtimeNs: number | undefined): Pick<Scenario, "report"> {
  const bucketNs = either(sink, ["report"], ["bucket", file?.bucket], ["bucketNs", file?.bucketNs]);
  if (bucketNs === undefined) return {};
  const key = ["report", file?.bucket === undefined ? "bucketNs" : "bucket"];
  if (bucketNs <= 0) sink.add(key, "bucket size must be positive", "a time above 0", `${bucketNs} ns`);
  // A run without a runtime is told at run time, once it passes the last bucket (see TimeSeriesRecorder).
  else if (runtimeNs !== undefined && runtimeNs / bucketNs > MAX_FIXED_BUCKETS) {
    sink.add(key, `the bucket makes ${Math.ceil(runtimeNs / bucketNs).toLocaleString("en-US")} buckets over stop.runtime (${runtimeNs} ns)`, `at most ${MAX_FIXED_BUCKETS.toLocaleString("en-US")} buckets: a bucket of at least ${Math.ceil(runtimeNs / MAX_FIXED_BUCKETS)} ns`, `${bucketNs} ns`);
  }
  return { report: { bucketNs } };
}

/**
 * The engine's own layout check, so that `validate` refuses what formatting
 * the Cache LU would: a Cache LU too small for its metadata and one chunk (a
 * large Source LU, a small region size), or a capacity that is not a whole
 * number of metadata blocks. Told at the capacity of the LU at fault.
 */
function layoutFits(sink: ProblemSink, file: DevicesFile, devicesSpec: DevicesSpec, engineSpec: EngineSpec): void {
  const sectorSizeBytes = engineSpec.metadataBlockBytes ?? devicesSpec.cache.sectorSizeBytes;
  const geometry = (cacheCapacityBytes: number): Geometry => ({ sectorSizeBytes, chunkSizeBytes: engineSpec.chunkSizeBytes, regionSizeBytes: engineSpec.regionSizeBytes, sourceCapacityBytes: sourceLuBytes(devicesSpec), cacheCapacityBytes });
  const fits = (cacheCapacityBytes: number) => {
    try {
      computeLayout(geometry(cacheCapacityBytes));
      return undefined;
    } catch (error) {
      if (error instanceof GeometryError) return error;
      throw error;
    }
  };
  const cacheBytes = devicesSpec.cache.capacityBytes;
  const refusal = fits(cacheBytes);
  if (refusal === undefined) return;
  if (refusal.lu === undefined) {
    sink.add(["engine"], refusal.message, "a geometry the engine can lay out", `${bytes(engineSpec.chunkSizeBytes)} chunks, ${bytes(engineSpec.regionSizeBytes)} regions`);
    return;
  }
  const lu = file[refusal.lu];
  const path = ["devices", refusal.lu, ...("capacityBytes" in lu && lu.capacityBytes !== undefined ? ["capacityBytes"] : "capacity" in lu && lu.capacity !== undefined ? ["capacity"] : [])];
  const luBytes = refusal.lu === "cache" ? cacheBytes : sourceLuBytes(devicesSpec);
  if (refusal.lu === "source" || cacheBytes % sectorSizeBytes !== 0) {
    sink.add(path, refusal.message, `a multiple of the ${sectorSizeBytes}-byte metadata block`, bytes(luBytes));
    return;
  }
  // The smallest Cache LU that fits, in whole metadata blocks: the metadata grows with the Source LU, not the cache.
  let small = cacheBytes / sectorSizeBytes;
  let large = small * 2;
  while (fits(large * sectorSizeBytes) !== undefined && large < 2 ** 44) large *= 2;
  while (large - small > 1) {
    const middle = Math.floor((small + large) / 2);
    if (fits(middle * sectorSizeBytes) === undefined) large = middle;
    else small = middle;
  }
  sink.add(path, refusal.message, `at least ${bytes(large * sectorSizeBytes)} for this Source LU, chunk and region size`, bytes(cacheBytes));
}

/** A top-level section of a scenario file that parsed, as `{ value }` (undefined when the file leaves it out), or undefined when it has problems. */
type Parsed<T> = { readonly value: T } | undefined;
export type ParsedSections = { readonly [K in keyof ScenarioFile]-?: Parsed<ScenarioFile[K]> };

/** Every section of a file the schema accepted, as parsed. */
export function sectionsOf(file: ScenarioFile): ParsedSections {
  return Object.fromEntries(SCENARIO_SECTIONS.map((key) => [key, { value: file[key] }])) as ParsedSections;
}

/**
 * The defaults and the checks that read several fields together, on the
 * sections that parsed: each check runs when every section it reads parsed,
 * so a file with problems in one section still gets, in the same pass, the
 * problems its other sections have together. The Scenario only when every
 * section parsed.
 */
export function normalizeSections(parsed: ParsedSections, context: SchemaContext, sink: ProblemSink): Scenario | undefined {
  const counted = countingSink(sink);
  const devicesCounted = countingSink(counted);
  const devicesSpec = parsed.devices && devices(devicesCounted, parsed.devices.value);
  const engineSpec = devicesSpec && parsed.engine && engine(counted, parsed.engine.value, devicesSpec);
  // The layout needs sound devices and engine settings to be worth checking.
  if (parsed.devices && devicesSpec && engineSpec && counted.count === 0 && context.checkLayout !== false) layoutFits(sink, parsed.devices.value, devicesSpec, engineSpec);
  const measurement = parsed.measurement?.value;
  const warmupNs = parsed.measurement && (either(sink, ["measurement"], ["warmup", measurement?.warmup], ["warmupNs", measurement?.warmupNs]) ?? SCENARIO_DEFAULTS.warmupNs);
  const onlyScripts = parsed.workloads?.value.every((workload) => workload.kind === "script");
  // A measurement section with problems of its own leaves only the warm-up comparison out.
  const stopSpec = parsed.stop && onlyScripts !== undefined ? stop(sink, parsed.stop.value, warmupNs, measurement?.warmup === undefined ? "warmupNs" : "warmup", onlyScripts) : undefined;
  const workloadSpecs = devicesSpec && parsed.workloads && workloads(sink, parsed.workloads.value, devicesSpec, devicesCounted.count === 0, context);
  const sessions = parsed.sessions && (parsed.sessions.value ?? []).map((entry, index) => session(sink, index, entry));
  // The slots a session can ever be live in (the schedule's and the scripts' starts); sessions with problems of
  // their own leave out the checks that depend on them.
  const startedSlots = sessions && parsed.workloads && slotsEverStarted(sessions, parsed.workloads.value);
  if (devicesSpec && stopSpec && workloadSpecs && startedSlots) timelessJobs(sink, devicesSpec, stopSpec, startedSlots, workloadSpecs);
  if (sessions && parsed.workloads && startedSlots) {
    sessionsStartedBeforeUse(sink, parsed.workloads.value, sessions);
    phantomSlotsStarted(sink, parsed.workloads.value, startedSlots);
  }
  const flushSpec = parsed.flushes && flushes(sink, parsed.flushes.value);
  const report = parsed.report && stopSpec && reportSpec(sink, parsed.report.value, stopSpec.runtimeNs);
  const { name, description, seed } = parsed;
  if (!name || !description || !seed || !devicesSpec || !engineSpec || !workloadSpecs || !sessions || !flushSpec || warmupNs === undefined || !report || !stopSpec) return undefined;
  return {
    name: name.value ?? context.defaultName,
    description: description.value ?? SCENARIO_DEFAULTS.description,
    seed: seed.value ?? SCENARIO_DEFAULTS.seed,
    devices: devicesSpec,
    engine: engineSpec,
    workloads: workloadSpecs,
    sessions,
    flushes: flushSpec,
    measurement: { warmupNs },
    ...report,
    stop: stopSpec,
  };
}
