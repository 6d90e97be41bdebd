/**
 * The scenario file format (YAML or JSON) as one zod schema.
 *
 * `scenarioFileSchema` is the shape of the file: every object is strict
 * (unknown keys are errors), units are converted to bytes and nanoseconds as
 * each value is read, and fio's own syntaxes (bs pairs, bssplit,
 * random_distribution) are parsed where they appear, so every value error
 * points at the value. normalize.ts then merges key aliases, fills the
 * defaults of defaults.ts, runs the checks that read several fields together
 * and yields the model's `Scenario` (on the sections that parsed, so that a
 * file gets both kinds of problems in one pass).
 *
 * Naming: keys are the model's names (scenarios/model.ts) without their unit
 * suffix, taking units ("chunkSize: 64KiB", "latency: 2ms", "bandwidth:
 * 500MB/s"); the suffixed model names are accepted too ("chunkSizeBytes:
 * 65536", "latencyNs: 2000000"). A bare number is bytes for a size but is
 * refused for a time unless the key ends in Ns. Job keys are fio's option names
 * (rw, bs, bssplit, iodepth, rwmixread, random_distribution, rate_iops...).
 */
import { z } from "zod";
import { COMMIT_POLICY_NAMES, SESSION_SLOTS, type CommitPolicyName } from "../../engine/index.js";
import { TRACE_TIME_UNITS_NS, type TraceTimeUnit } from "../model.js";
import { MAX_IODEPTH, MAX_NUMJOBS, MIN_FLUSH_INTERVAL_NS } from "../limits.js";
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
import { fillAndCheckPercents, parseBlockSizePair, parseBlockSizeSplit, parseRatePair, parseScenarioRandomDistribution, type BlockSizeSplit } from "./fio-values.js";
import { parseScriptOp, SCRIPT_OP_EXPECTED } from "./script-ops.js";
import {
  atLeastTimePattern,
  BLOCK_SIZE_PAIR_PATTERN,
  BLOCK_SIZE_SPLIT_PATTERN,
  exactSizePattern,
  PERCENTILE_KEY_PATTERN,
  POSITIVE_SIZE_PATTERN,
  POSITIVE_TIME_NS_PATTERN,
  POSITIVE_TIME_PATTERN,
  RANDOM_DISTRIBUTION_PATTERN,
  RATE_IOPS_PAIR_PATTERN,
  RATE_PATTERN,
  SCRIPT_OP_PATTERN,
  SEED_PATTERN,
  SIZE_PATTERN,
  TIME_NS_PATTERN,
  TIME_PATTERN,
} from "./editor-patterns.js";
import {
  describeValue,
  formatDuration,
  formatSize,
  parseDurationNs,
  parseRateBytesPerSec,
  parseSizeBytes,
  SIZE_EXPECTED,
  TIME_EXPECTED,
  UnitError,
} from "./units.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/** Parameters of our own issues, read back by the loader to say what was expected and found. */
export interface ProblemParams {
  readonly expected: string;
  readonly found: string;
  /** The value is absent: a required key is missing (the loader names the key). */
  readonly missing?: boolean;
}

type Ctx = z.core.$RefinementCtx;

function report(ctx: Ctx, error: UnitError, missing = false): void {
  ctx.addIssue({ code: "custom", message: error.problem, params: { expected: error.expected, found: error.found, missing } satisfies ProblemParams });
}

/**
 * JSON Schema keywords a value schema advertises to editors (zod cannot derive
 * them from a transform): as much of what the parser and its checks refuse as
 * JSON Schema can say (editor-patterns.ts), so that an editor does not call a
 * value fine that validate refuses.
 */
interface EditorHints {
  readonly type?: string | readonly string[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly enum?: readonly number[];
  readonly anyOf?: readonly EditorHints[];
}

/** JSON Schema for "each of these settings is required, in one of its spellings" (normalize's required(either(...))). */
function requiredSettings(...settings: ReadonlyArray<readonly string[]>) {
  return { allOf: settings.map((spellings) => ({ anyOf: spellings.map((key) => ({ required: [key] })) })) };
}

/** The unit suffixes of a setting's second spelling (capacity, capacityBytes): json-schema.ts allows one of the two, as normalize's either() does. */
export const ALIAS_SUFFIXES = ["Bytes", "Ns", "BytesPerSec"] as const;

/**
 * A value read by our own parser: wrong types and bad units get the same
 * clear message (with what was expected), which zod's unions cannot give.
 */
function parsedValue<T>(parse: (value: unknown) => T, hints: EditorHints) {
  return z
    .unknown()
    .transform((value, ctx): T => {
      try {
        return parse(value);
      } catch (error) {
        if (!(error instanceof UnitError)) throw error;
        // Only required keys get here without a value (optional ones stop at their wrapper).
        report(ctx, error, value === undefined);
        return z.NEVER;
      }
    })
    .meta({ ...hints });
}

type ParsedValue<T> = ReturnType<typeof parsedValue<T>>;

// ---- scalar values ----------------------------------------------------------------

type SizeCheck = (bytes: number, found: string) => void;

/** A check on a size beyond its syntax, and how the JSON Schema says it. */
interface SizeRule {
  readonly check: SizeCheck;
  readonly hints: EditorHints;
}

const sizeValue = (rule?: SizeRule) =>
  parsedValue(
    (value) => {
      const bytes = parseSizeBytes(value);
      rule?.check(bytes, describeValue(value));
      return bytes;
    },
    rule?.hints ?? { type: ["integer", "string"], pattern: SIZE_PATTERN, minimum: 0 },
  );

/** The least a time may be, in nanoseconds, where normalize.ts has a bound: 1 refuses zero. */
type MinimumNs = number | undefined;

function timePattern(minimumNs: MinimumNs, bareNs: boolean): string {
  if (minimumNs === undefined) return bareNs ? TIME_NS_PATTERN : TIME_PATTERN;
  if (minimumNs === 1) return bareNs ? POSITIVE_TIME_NS_PATTERN : POSITIVE_TIME_PATTERN;
  return atLeastTimePattern(minimumNs, bareNs);
}

const timeNsValue = (minimumNs: MinimumNs = undefined) =>
  parsedValue((value) => parseDurationNs(value, { bareNumbers: "ns" }), { type: ["integer", "string"], pattern: timePattern(minimumNs, true), minimum: minimumNs ?? 0 });

const timeValue = (hint: string, minimumNs: MinimumNs = undefined) =>
  parsedValue((value) => parseDurationNs(value, { bareNumbers: "reject", bareNumberHint: hint }), { type: "string", pattern: timePattern(minimumNs, false) });

const rateValue = () => parsedValue(parseRateBytesPerSec, { type: ["integer", "string"], pattern: RATE_PATTERN, minimum: 1 });

function integerValue(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const expected = max === Number.MAX_SAFE_INTEGER ? (min === 1 ? "a positive integer" : `an integer >= ${min}`) : `an integer from ${min} to ${max}`;
  return parsedValue(
    (value) => {
      const found = describeValue(value);
      if (typeof value !== "number") throw new UnitError("not a number", expected, found);
      if (!Number.isInteger(value)) throw new UnitError("not an integer", expected, found);
      if (value < min || value > max) throw new UnitError("out of range", expected, found);
      return value;
    },
    { type: "integer", minimum: min, ...(max === Number.MAX_SAFE_INTEGER ? {} : { maximum: max }) },
  );
}

const positiveNumberValue = () =>
  parsedValue(
    (value) => {
      if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new UnitError("not a positive number", "a number greater than 0", describeValue(value));
      return value;
    },
    { type: "number", exclusiveMinimum: 0 },
  );

// ---- keys with and without their unit suffix --------------------------------------

type Aliased<K extends string, Suffix extends string, S extends z.ZodType> = { [P in K | `${K}${Suffix}`]: z.ZodOptional<S> };

function defaultText(text: string | undefined): string {
  return text === undefined ? "" : ` Default ${text}.`;
}

/** `key` (a size, units allowed, a bare number is bytes) and `keyBytes`, the model's name. Give at most one. */
function sizeKeys<K extends string>(key: K, about: string, options: { rule?: SizeRule; default?: string } = {}): Aliased<K, "Bytes", ParsedValue<number>> {
  return {
    [key]: sizeValue(options.rule)
      .optional()
      .describe(`${about} Written as ${SIZE_EXPECTED}; a bare number is bytes. Same as ${key}Bytes.${defaultText(options.default)}`),
    [`${key}Bytes`]: sizeValue(options.rule)
      .optional()
      .describe(`${about} In bytes (units accepted). Same as ${key}.${defaultText(options.default)}`),
  } as Aliased<K, "Bytes", ParsedValue<number>>;
}

/** `key` (a time that must carry a unit) and `keyNs` (a bare number is nanoseconds). Give at most one. */
function timeKeys<K extends string>(key: K, about: string, options: { default?: string; minimumNs?: number } = {}): Aliased<K, "Ns", ParsedValue<number>> {
  return {
    [key]: timeValue(`use ${key}Ns for nanoseconds`, options.minimumNs)
      .optional()
      .describe(`${about} Written as ${TIME_EXPECTED}. Same as ${key}Ns.${defaultText(options.default)}`),
    [`${key}Ns`]: timeNsValue(options.minimumNs)
      .optional()
      .describe(`${about} In nanoseconds (a time with a unit is accepted too). Same as ${key}.${defaultText(options.default)}`),
  } as Aliased<K, "Ns", ParsedValue<number>>;
}

/** `key` ("500MB/s") and `keyBytesPerSec`. Give at most one. */
function rateKeys<K extends string>(key: K, about: string, options: { default?: string } = {}): Aliased<K, "BytesPerSec", ParsedValue<number>> {
  return {
    [key]: rateValue()
      .optional()
      .describe(`${about} A rate such as "500MB/s" (powers of 1024, as in fio) or bytes per second. Same as ${key}BytesPerSec.${defaultText(options.default)}`),
    [`${key}BytesPerSec`]: rateValue()
      .optional()
      .describe(`${about} In bytes per second ("500MB/s" accepted too). Same as ${key}.${defaultText(options.default)}`),
  } as Aliased<K, "BytesPerSec", ParsedValue<number>>;
}


// ---- devices ------------------------------------------------------------------------

const SECTOR_SIZES: readonly number[] = [512, 4096];

/** A size of one of `values` bytes: an integer from the list, or a string that is one of them in some unit. */
function exactSizeHints(values: readonly number[]): EditorHints {
  return { type: ["integer", "string"], anyOf: [{ type: "integer", enum: values }, { type: "string", pattern: exactSizePattern(values) }] };
}

const SECTOR_SIZE: SizeRule = {
  check: (bytes, found) => {
    if (!SECTOR_SIZES.includes(bytes)) throw new UnitError("unsupported sector size", "512 or 4096", found);
  },
  hints: exactSizeHints(SECTOR_SIZES),
};

const POSITIVE_SIZE: SizeRule = {
  check: (bytes, found) => {
    if (bytes <= 0) throw new UnitError("must be greater than zero", SIZE_EXPECTED, found);
  },
  hints: { type: ["integer", "string"], pattern: POSITIVE_SIZE_PATTERN, minimum: 1 },
};

const deviceCommonShape = {
  ...sizeKeys("capacity", "Size of the device. Required, except for a stripe, whose capacity follows from its members.", { rule: POSITIVE_SIZE }),
  ...sizeKeys("sectorSize", "Logical block size: 512 or 4096 bytes. A stripe takes its members'.", { rule: SECTOR_SIZE, default: String(DEVICE_DEFAULTS.sectorSizeBytes) }),
  queueDepth: integerValue(1)
    .optional()
    .describe(`Commands the device accepts at once; more wait in the host queue. A stripe's is its members' sum. Default ${DEVICE_DEFAULTS.queueDepth}.`),
  writeCache: z
    .boolean()
    .optional()
    .describe(`A volatile write cache: completed writes are durable only after a flush or with FUA. A stripe has one when a member has. Default ${DEVICE_DEFAULTS.writeCache}.`),
};

const modelKey = <M extends string>(model: M, about: string) => z.literal(model).describe(`Latency model: ${model}. ${about}`);

const CAPACITY = ["capacity", "capacityBytes"];

const instantDevice = z
  .strictObject({
    model: modelKey("instant", "Every request completes at once; for functional runs."),
    ...deviceCommonShape,
  })
  .meta(requiredSettings(CAPACITY));

const fixedDevice = z.strictObject({
  model: modelKey("fixed", "latency + size / bandwidth per request, `parallelism` requests at a time, FIFO."),
  ...deviceCommonShape,
  ...timeKeys("latency", "Fixed per-request latency for reads and writes.", { default: formatDuration(FIXED_MODEL_DEFAULTS.latencyNs) }),
  ...timeKeys("readLatency", "Per-request latency of reads, instead of latency."),
  ...timeKeys("writeLatency", "Per-request latency of writes, instead of latency."),
  ...rateKeys("bandwidth", "Transfer rate (required)."),
  parallelism: integerValue(1).optional().describe(`Requests in service at once. Default ${FIXED_MODEL_DEFAULTS.parallelism}.`),
  ...timeKeys("flushLatency", "Time a flush holds a server.", { default: formatDuration(FIXED_MODEL_DEFAULTS.flushLatencyNs) }),
}).meta(requiredSettings(CAPACITY, ["bandwidth", "bandwidthBytesPerSec"]));

const exponentialDevice = z.strictObject({
  model: modelKey("exponential", "Service time = minService + Exp(meanService), size-blind: the queueing-theory device."),
  ...deviceCommonShape,
  ...timeKeys("meanService", "Mean of the exponential part of the service time (required, above 0).", { minimumNs: 1 }),
  ...timeKeys("minService", "A floor added to every draw (command overhead).", { default: formatDuration(EXPONENTIAL_MODEL_DEFAULTS.minServiceNs) }),
  parallelism: integerValue(1).optional().describe(`Servers. Default ${EXPONENTIAL_MODEL_DEFAULTS.parallelism}.`),
  ...timeKeys("flush", "Time a flush holds a server.", { default: formatDuration(EXPONENTIAL_MODEL_DEFAULTS.flushNs) }),
}).meta(requiredSettings(CAPACITY, ["meanService", "meanServiceNs"]));

const rotatingDevice = z.strictObject({
  model: modelKey("rotating", "A single-actuator disk: seek by distance, rotational delay, media transfer."),
  ...deviceCommonShape,
  rpm: positiveNumberValue().optional().describe(`Spindle speed. Default ${ROTATING_MODEL_DEFAULTS.rpm}.`),
  sectorsPerTrack: integerValue(1).optional().describe(`Default ${ROTATING_MODEL_DEFAULTS.sectorsPerTrack} (about 1 MB per track).`),
  heads: integerValue(1).optional().describe(`Recording surfaces. Default ${ROTATING_MODEL_DEFAULTS.heads}.`),
  ...timeKeys("trackToTrackSeek", "Seek time to the next cylinder.", { default: formatDuration(ROTATING_MODEL_DEFAULTS.trackToTrackSeekNs) }),
  ...timeKeys("fullStrokeSeek", "Seek time across the whole disk.", { default: formatDuration(ROTATING_MODEL_DEFAULTS.fullStrokeSeekNs) }),
  scheduler: z
    .enum(["fifo", "scan", "look"])
    .optional()
    .describe(`Which queued request the arm serves next. Default ${ROTATING_MODEL_DEFAULTS.scheduler}.`),
  ...timeKeys("flush", "Time a flush takes (the model has no cache to write back).", { default: formatDuration(ROTATING_MODEL_DEFAULTS.flushNs) }),
}).meta(requiredSettings(CAPACITY));

const flashDevice = z.strictObject({
  model: modelKey("flash", "Channels x dies parallelism with page read/program times."),
  ...deviceCommonShape,
  channels: integerValue(1).optional().describe(`Independent buses to the flash packages. Default ${FLASH_MODEL_DEFAULTS.channels}.`),
  diesPerChannel: integerValue(1).optional().describe(`Dies sharing one channel. Default ${FLASH_MODEL_DEFAULTS.diesPerChannel}.`),
  ...sizeKeys("pageSize", "Flash page size.", { rule: POSITIVE_SIZE, default: formatSize(FLASH_MODEL_DEFAULTS.pageSizeBytes) }),
  ...timeKeys("pageRead", "Array read into the page register (tR).", { default: formatDuration(FLASH_MODEL_DEFAULTS.pageReadNs) }),
  ...timeKeys("pageProgram", "Page program (tPROG).", { default: formatDuration(FLASH_MODEL_DEFAULTS.pageProgramNs) }),
  ...rateKeys("channelBandwidth", "Data rate of one channel.", { default: `${FLASH_MODEL_DEFAULTS.channelBandwidthBytesPerSec} bytes/s (800 MB/s decimal)` }),
  ...timeKeys("flush", "Time a flush takes.", { default: formatDuration(FLASH_MODEL_DEFAULTS.flushNs) }),
}).meta(requiredSettings(CAPACITY));

const PERCENTILE_KEY_EXPECTED = 'percentile keys from 0 to 100, such as "99.000000" (fio JSON clat_ns.percentile)';

/** A percentile -> latency table; keys are checked (and put in fio's "%f" form) by the normalizer. */
const percentileTable = (ns: boolean) =>
  z
    .record(z.string(), ns ? timeNsValue() : timeValue("use the ...PercentilesNs form for nanoseconds"))
    .meta({ minProperties: 1, propertyNames: { type: "string", pattern: PERCENTILE_KEY_PATTERN } });

function percentileKeys<K extends string>(key: K, about: string) {
  return {
    [key]: percentileTable(false)
      .optional()
      .describe(`${about} A map from percentile to a time with a unit, e.g. {"50": "80us", "99": "2ms"}. Same as ${key}Ns.`),
    [`${key}Ns`]: percentileTable(true)
      .optional()
      .describe(`${about} A map from percentile to nanoseconds, as in fio's JSON output (clat_ns.percentile). Same as ${key}.`),
  } as { [P in K | `${K}Ns`]: z.ZodOptional<ReturnType<typeof percentileTable>> };
}

const empiricalDevice = z.strictObject({
  model: modelKey("empirical", `Service times drawn from measured latency percentiles (${PERCENTILE_KEY_EXPECTED}).`),
  ...deviceCommonShape,
  ...percentileKeys("percentiles", "Latency table for reads and writes, unless overridden per direction."),
  ...percentileKeys("readPercentiles", "Latency table for reads."),
  ...percentileKeys("writePercentiles", "Latency table for writes."),
  parallelism: integerValue(1).optional().describe(`Requests in service at once. Default ${EMPIRICAL_MODEL_DEFAULTS.parallelism}.`),
  ...timeKeys("flush", "Time a flush holds a server.", { default: formatDuration(EMPIRICAL_MODEL_DEFAULTS.flushNs) }),
}).meta({
  allOf: [
    ...requiredSettings(CAPACITY).allOf,
    // One table for both directions, or one for each.
    { anyOf: [{ required: ["percentiles"] }, { required: ["percentilesNs"] }, requiredSettings(["readPercentiles", "readPercentilesNs"], ["writePercentiles", "writePercentilesNs"])] },
  ],
});

const leafDeviceOptions = [instantDevice, fixedDevice, exponentialDevice, rotatingDevice, flashDevice, empiricalDevice] as const;
type LeafDeviceFile = z.output<(typeof leafDeviceOptions)[number]>;

const stripeBase = z.strictObject({
  model: modelKey("stripe", "RAID-0 over `members`; capacity, sector size, queue depth and write cache follow from them (if given, they must agree)."),
  ...deviceCommonShape,
  ...sizeKeys("stripeUnit", "RAID-0 chunk: a positive multiple of the members' sector size (required).", { rule: POSITIVE_SIZE }),
}).meta(requiredSettings(["stripeUnit", "stripeUnitBytes"]));

export type StripeDeviceFile = z.output<typeof stripeBase> & { readonly members: readonly DeviceFile[] };
export type DeviceFile = LeafDeviceFile | StripeDeviceFile;

export const DEVICE_MODELS = ["instant", "fixed", "exponential", "rotating", "flash", "empirical", "stripe"] as const;

/** One device (recursive: a stripe's members are devices). */
export const deviceSchema: z.ZodType<DeviceFile> = z.lazy(() => deviceUnion);

const stripeDevice = stripeBase.extend({
  members: z.array(deviceSchema).min(1).describe("The member devices, in stripe order; they must share one sector size."),
});

// The id names the recursive definition in the JSON Schema ("#/$defs/device").
const deviceUnion = z
  .discriminatedUnion("model", [...leafDeviceOptions, stripeDevice])
  .meta({ id: "device", description: `A modeled block device; \`model\` is one of ${DEVICE_MODELS.join(", ")}.` });

const sharedCache = z
  .strictObject({ ...sizeKeys("capacity", "Size of the Cache LU, the last bytes of the shared device (required).", { rule: POSITIVE_SIZE }) })
  .meta(requiredSettings(CAPACITY))
  .describe("With shared: true, the Cache LU is the end of the source device; only its size is given.");

const devicesSchema = z
  .discriminatedUnion("shared", [
    z.strictObject({
      shared: z.literal(false).optional().describe("Both LUs on one physical device (true) or on two (false, the default)."),
      source: deviceSchema.describe("The device holding the Source LU, the production volume."),
      cache: deviceSchema.describe("The device holding the Cache LU: saved chunk copies and all metadata."),
    }),
    z.strictObject({
      shared: z.literal(true).describe("Both LUs on one physical device: they contend for one queue and one actuator."),
      source: deviceSchema.describe("The physical device; the Source LU is its first capacity - cache.capacity bytes."),
      cache: sharedCache,
    }),
  ])
  .describe("The Source LU's and Cache LU's devices.");

// ---- engine -------------------------------------------------------------------------

/** Powers of two from 4KiB to 1MiB. */
const CHUNK_SIZES = Array.from({ length: Math.log2(MiB / (4 * KiB)) + 1 }, (_, index) => 4 * KiB * 2 ** index);

const CHUNK_SIZE: SizeRule = {
  check: (bytes, found) => {
    const powerOfTwo = bytes > 0 && (bytes & (bytes - 1)) === 0;
    if (!powerOfTwo || bytes < 4 * KiB || bytes > MiB) {
      throw new UnitError(powerOfTwo ? "chunk size out of range" : "chunk size is not a power of two", "a power of two from 4KiB to 1MiB (4096 to 1048576 bytes)", found);
    }
  },
  hints: exactSizeHints(CHUNK_SIZES),
};

// z.enum wants a non-empty tuple; the engine's list is typed as an array of names.
const commitPolicies = z.enum(COMMIT_POLICY_NAMES as readonly [CommitPolicyName, ...CommitPolicyName[]]);

const engineSchema = z
  .strictObject({
    ...sizeKeys("chunkSize", "Copy-on-first-write granularity: a power of two from 4KiB to 1MiB.", { rule: CHUNK_SIZE, default: formatSize(ENGINE_DEFAULTS.chunkSizeBytes) }),
    ...sizeKeys("regionSize", "Size of one chunk-map region on the Cache LU: a multiple of the cache's sector size.", { rule: POSITIVE_SIZE, default: formatSize(ENGINE_DEFAULTS.regionSizeBytes) }),
    ...sizeKeys("metadataBlock", "Size of one metadata block (512 or 4096), by default the Cache LU's sector size. A block larger than the device's sector is not written atomically: crash campaigns then tear it.", { rule: SECTOR_SIZE }),
    commitPolicy: commitPolicies
      .optional()
      .describe(`When metadata reaches disk: ${COMMIT_POLICY_NAMES.join(", ")}. Default ${ENGINE_DEFAULTS.commitPolicy}.`),
  })
  .describe("The COFW engine's tuning knobs.");

// ---- workloads ----------------------------------------------------------------------

/** fio's rw values the simulator runs; "readwrite" is fio's other name for "rw". */
const RW_VALUES = ["read", "write", "randread", "randwrite", "rw", "readwrite", "randrw"] as const;

const fioTime = (option: string, fioUnit: string, minimumNs: MinimumNs = undefined) => timeValue(`fio reads a bare ${option} as ${fioUnit}; write the unit`, minimumNs);

const bssplitEntry = z.strictObject({
  bs: sizeValue(POSITIVE_SIZE).describe("Block size of this entry."),
  percent: z.number().min(0).max(100).describe("Share of the I/Os, in percent."),
});

const bssplitValue = z
  .union([
    // z.string() rather than our own parser, so a list is a plain type mismatch here and the union reports the list branch's problems.
    z
      .string()
      .meta({ pattern: BLOCK_SIZE_SPLIT_PATTERN })
      .transform((value, ctx): BlockSizeSplit => {
      try {
        return parseBlockSizeSplit(value);
      } catch (error) {
        if (!(error instanceof UnitError)) throw error;
        report(ctx, error);
        return z.NEVER;
      }
    }),
    z
      .array(bssplitEntry)
      .min(1)
      .transform((entries, ctx): BlockSizeSplit => {
        try {
          const split = fillAndCheckPercents(entries.map((entry) => ({ sizeBytes: entry.bs, percent: entry.percent })), (problem) => new UnitError(problem, "percentages that add to 100", describeValue(entries)));
          return { read: split, write: split };
        } catch (error) {
          if (!(error instanceof UnitError)) throw error;
          report(ctx, error);
          return z.NEVER;
        }
      }),
  ])
  .optional()
  .describe('fio bssplit: weighted block sizes, "4k/10:64k/50:32k/40" (or "reads,writes"), or a list of {bs, percent}; percentages add to 100. Replaces bs.');

/** A scenario name is its default output directory's name: one path segment, so outputs stay under out/. */
export function isSafeDirectoryName(name: string): boolean {
  return !/[/\\\0]/.test(name) && name !== "." && name !== "..";
}

const jobSchema = z
  .strictObject({
    kind: z.literal("job").describe("A synthetic job with fio's vocabulary."),
    name: z.string().min(1).optional().describe("Names the job in the results (fio's section name). Default job<index>."),
    rw: z
      .enum(RW_VALUES)
      .optional()
      .describe(`fio rw: ${RW_VALUES.join(", ")}. Default ${JOB_DEFAULTS.rw}.`),
    bs: parsedValue(parseBlockSizePair, { type: ["integer", "string"], pattern: BLOCK_SIZE_PAIR_PATTERN, minimum: 1 })
      .optional()
      .describe(`fio bs: block size, or "read,write" such as "4k,64k" (an empty side keeps the default). Default ${formatSize(JOB_DEFAULTS.blockSizeBytes)}.`),
    bssplit: bssplitValue,
    blockalign: sizeValue(POSITIVE_SIZE).optional().describe("fio blockalign: random offsets are multiples of this. Default: the block size."),
    iodepth: integerValue(1, MAX_IODEPTH).optional().describe(`fio iodepth: I/Os kept in flight per job clone (closed loop). Default ${JOB_DEFAULTS.iodepth}.`),
    numjobs: integerValue(1, MAX_NUMJOBS).optional().describe(`fio numjobs: clones of this job, at most fio's own ${MAX_NUMJOBS}. Default ${JOB_DEFAULTS.numjobs}.`),
    size: sizeValue().optional().describe(`fio size: length of the region the job works on; 0 means to the end of the Source LU. Default ${JOB_DEFAULTS.sizeBytes}.`),
    offset: sizeValue().optional().describe(`fio offset: start of the job's region on the Source LU. Default ${JOB_DEFAULTS.offsetBytes}.`),
    rwmixread: integerValue(0, 100).optional().describe(`fio rwmixread: percent of reads in rw/randrw. Default ${JOB_DEFAULTS.readPercent}.`),
    rwmixwrite: integerValue(0, 100).optional().describe("fio rwmixwrite: percent of writes in rw/randrw (100 - rwmixread)."),
    random_distribution: parsedValue(
      (value) => {
        if (typeof value !== "string") throw new UnitError("not a distribution", 'a string such as "zipf:1.2"', describeValue(value));
        return parseScenarioRandomDistribution(value);
      },
      { type: "string", pattern: RANDOM_DISTRIBUTION_PATTERN },
    )
      .optional()
      .describe(`fio random_distribution: "random", "zipf:theta", "pareto:h", "normal:dev[:center]" or "zoned:access/size:...". Default ${JOB_DEFAULTS.randomDistribution.kind}.`),
    norandommap: z
      .boolean()
      .optional()
      .describe("fio norandommap: random offsets drawn independently (a block may repeat before others are touched) instead of each block once per pass. Default false."),
    rate_iops: parsedValue(parseRatePair, { type: ["integer", "string"], pattern: RATE_IOPS_PAIR_PATTERN, minimum: 1 })
      .optional()
      .describe(
        'fio rate_iops: open-loop arrivals per clone, in I/Os per second for each direction, as fio: on rw/randrw, 1000 is 1000 reads and 1000 writes a second, and "700,300" rates reads and writes apart. Default: closed loop.',
      ),
    rate_process: z
      .enum(["linear", "poisson"])
      .optional()
      .describe(`fio rate_process: evenly spaced (linear) or Poisson arrivals. Default ${JOB_DEFAULTS.rateProcess}.`),
    number_ios: integerValue(1).optional().describe("fio number_ios: stop each clone after this many I/Os."),
    runtime: fioTime("runtime", "seconds", 1)
      .optional()
      .describe(
        `fio runtime with time_based=1: the job runs this much simulated time, size bounding only its region (sequential I/O wraps, random passes restart), as fio's time_based; without a runtime the job ends after size bytes. Written as ${TIME_EXPECTED}.`,
      ),
    thinktime: fioTime("thinktime", "microseconds")
      .optional()
      .describe(
        `fio thinktime: after every thinktime_blocks I/Os, wait until none is in flight, then pause this long (so, as in fio, at most thinktime_blocks I/Os are in flight whatever iodepth says). Written as ${TIME_EXPECTED}. Default ${formatDuration(JOB_DEFAULTS.thinktimeNs)}.`,
      ),
    thinktime_blocks: integerValue(1).optional().describe("fio thinktime_blocks: I/Os issued between two thinktime pauses. Default 1."),
    phantomSlot: integerValue(0, SESSION_SLOTS - 1)
      .optional()
      .describe(`Not fio: the job reads the Phantom LU of the session in this slot (0 to ${SESSION_SLOTS - 1}) instead of the Source LU, as a backup reading a snapshot would; rw must then be read or randread, and a start or replace of the slot must come in sessions or a script (reads while the slot holds no live session are skipped).`),
    startdelay: fioTime("startdelay", "seconds").optional().describe(`fio startdelay: start this long after the run starts. Written as ${TIME_EXPECTED}. Default ${formatDuration(JOB_DEFAULTS.startDelayNs)}.`),
  })
  // A Phantom LU is read only (normalize.ts); rw's default is read.
  .meta({ anyOf: [{ not: { required: ["phantomSlot"] } }, { properties: { rw: { enum: ["read", "randread"] } } }] })
  .describe("A synthetic job; keys are fio's option names.");

export const TRACE_FORMATS = ["fio-iolog", "disksim", "msr-cambridge", "blkparse"] as const;

const traceSchema = z
  .strictObject({
    kind: z.literal("trace").describe("Replay a block trace."),
    name: z.string().min(1).optional().describe("Names the trace in the results. Default trace<index>."),
    path: z.string().min(1).describe("The trace file; a relative path is relative to the scenario file's directory."),
    format: z.enum(TRACE_FORMATS).describe(`Trace format: ${TRACE_FORMATS.join(", ")}.`),
    timing: z
      .enum(["honor", "ignore"])
      .optional()
      .describe(`honor: open loop at the trace's timestamps; ignore: closed loop at iodepth. Default ${TRACE_DEFAULTS.timing}.`),
    iodepth: integerValue(1, MAX_IODEPTH).optional().describe(`I/Os in flight when timing is ignore. Default ${TRACE_DEFAULTS.iodepth}.`),
    addressMapping: z
      .enum(["wrap", "scale", "reject"])
      .optional()
      .describe(`What to do with addresses beyond the Source LU: wrap around, scale down, or refuse the trace. Default ${TRACE_DEFAULTS.addressMapping}.`),
    device: integerValue(0).optional().describe("Only this device number of a multi-device trace (DiskSim, MSR). Default: all."),
    maxRequests: integerValue(1).optional().describe("Replay at most this many requests."),
    timeUnit: z
      .enum(Object.keys(TRACE_TIME_UNITS_NS) as [TraceTimeUnit, ...TraceTimeUnit[]])
      .optional()
      .describe("DiskSim ASCII only: the unit of its arrival times. Default ns, as the traces MQSim ships; DiskSim's own traces are in ms."),
  })
  // timeUnit is DiskSim's only (normalize.ts).
  .meta({ anyOf: [{ not: { required: ["timeUnit"] } }, { properties: { format: { const: "disksim" } } }] })
  .describe("Trace replay.");

const fioFileSchema = z
  .strictObject({
    kind: z.literal("fio").describe("Import the jobs of a fio job file."),
    path: z.string().min(1).describe("The fio job file; a relative path is relative to the scenario file's directory."),
  })
  .describe("A fio job file.");

const scriptSchema = z
  .strictObject({
    kind: z.literal("script").describe("An explicit list of host operations, issued in order."),
    name: z.string().min(1).optional().describe("Names the script in the results. Default script<index>."),
    iodepth: integerValue(1, MAX_IODEPTH).optional().describe(`Operations in flight at most; each operation (flushes and session operations too) holds a place until it completes. Default ${SCRIPT_DEFAULTS.iodepth}.`),
    ops: z
      .array(parsedValue(parseScriptOp, { type: "string", pattern: SCRIPT_OP_PATTERN }))
      .min(1)
      .describe(`The operations, one string each: ${SCRIPT_OP_EXPECTED}. Reads and writes count as host I/Os; flushes and session operations do not.`),
  })
  .describe("A script of host operations (what crash shrinking writes out).");

export const WORKLOAD_KINDS = ["job", "trace", "fio", "script"] as const;

const workloadSchema = z.discriminatedUnion("kind", [jobSchema, traceSchema, fioFileSchema, scriptSchema]).describe(`A workload; \`kind\` is one of ${WORKLOAD_KINDS.join(", ")}.`);

// ---- schedule, measurement, stop ---------------------------------------------------

const sessionSchema = z
  .strictObject({
    ...timeKeys("at", "Happens at this simulated time. Give one of at, atNs or afterHostIos."),
    afterHostIos: integerValue(0).optional().describe("Happens once the host has completed this many I/Os. Give one of at, atNs or afterHostIos."),
    action: z.enum(["start", "stop", "replace", "rollback"]).describe('What happens to the session in `slot`: "start" takes a free slot (refused, a problem, on a live session), "replace" ends the live session and starts a new one, "stop" ends it, "rollback" restores the Source LU to its point in time.'),
    slot: integerValue(0, SESSION_SLOTS - 1).describe(`Session slot, 0 to ${SESSION_SLOTS - 1}.`),
  })
  .meta({ oneOf: [{ required: ["at"] }, { required: ["atNs"] }, { required: ["afterHostIos"] }] })
  .describe("A scheduled session event.");

const flushesSchema = z
  .strictObject({
    ...timeKeys("every", "The host flushes every this long (at least 1us). Flushes do not pile up: a tick that finds the previous one still in flight waits for it, and the next flush goes at the first tick after it completes.", { minimumNs: MIN_FLUSH_INTERVAL_NS }),
    everyHostWrites: integerValue(1).optional().describe("The host flushes after every this many host writes."),
  })
  .describe("Host flushes; none when both are absent (the default).");

const measurementSchema = z
  .strictObject({
    ...timeKeys("warmup", "Results exclude the first this long of the run.", { default: formatDuration(SCENARIO_DEFAULTS.warmupNs) }),
  })
  .describe("The measured window: from the end of warm-up to the last arrival.");

const reportSchema = z
  .strictObject({
    ...timeKeys("bucket", "Time-series bucket size for the CSVs and charts. Default: 1 ms, doubled as needed to keep at most 400 buckets.", { minimumNs: 1 }),
  })
  .describe("Report settings.");

const stopSchema = z
  .strictObject({
    ...timeKeys("runtime", "Stop after this much simulated time.", { minimumNs: 1 }),
    hostIos: integerValue(1).optional().describe("Stop once the host has completed this many I/Os."),
  })
  .describe("When the run stops: give runtime and/or hostIos (the first reached wins); may be left out when every workload is a script, which ends with its last operation.");

const seedValue = parsedValue(
  (value) => {
    if (typeof value === "string" && value.trim() !== "") return value;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
    throw new UnitError("not a seed", "a non-empty string or a non-negative integer", describeValue(value));
  },
  { type: ["string", "integer"], pattern: SEED_PATTERN, minimum: 0 },
);

/** The file as written (input) and as read with units converted (output); defaults and aliases are not resolved yet. */
export const scenarioFileSchema = z
  .strictObject({
    $schema: z.string().optional().describe("The JSON Schema of this format, for editors; ignored."),
    name: parsedValue(
      (value): string => {
        if (typeof value !== "string" || value === "") throw new UnitError("not a name", "a non-empty string", describeValue(value));
        if (!isSafeDirectoryName(value)) throw new UnitError("the scenario name names its output directory (out/<name>)", 'a name with no "/" or "\\" that is not "." or ".."', describeValue(value));
        return value;
      },
      { type: "string", pattern: "^(?!\\.\\.?$)[^/\\\\]+$" },
    )
      .optional()
      .describe('Names the scenario in results and its default output directory (out/<name>): no "/" or "\\", not "." or "..". Default: the file name without its extension.'),
    description: z.string().optional().describe("Free text for reports. Default empty."),
    seed: seedValue.optional().describe(`Root seed of the run; every random stream derives from it. Default "${SCENARIO_DEFAULTS.seed}".`),
    devices: devicesSchema,
    engine: engineSchema.optional(),
    workloads: z.array(workloadSchema).min(1).describe("What the host does: jobs, traces and fio job files, all running together."),
    sessions: z.array(sessionSchema).optional().describe("Session starts, stops, replacements and rollbacks, in any order."),
    flushes: flushesSchema.optional(),
    measurement: measurementSchema.optional(),
    report: reportSchema.optional(),
    stop: stopSchema.optional(),
  })
  .meta({
    // Something stops the run, unless every workload is a script (normalize.ts).
    anyOf: [
      { required: ["stop"], properties: { stop: { anyOf: [{ required: ["runtime"] }, { required: ["runtimeNs"] }, { required: ["hostIos"] }] } } },
      { properties: { workloads: { items: { properties: { kind: { const: "script" } } } } } },
    ],
    title: "cofwsim scenario",
    description: "A cofwsim scenario: devices, engine settings, workloads, a session schedule and when to stop. Sizes take units (64KiB), times need one (10ms) unless the key ends in Ns.",
  });

export type ScenarioFile = z.output<typeof scenarioFileSchema>;
/** Every top-level key of a scenario file (normalize.ts checks them section by section). */
export const SCENARIO_SECTIONS = Object.keys(scenarioFileSchema.shape) as ReadonlyArray<keyof ScenarioFile>;
export type DevicesFile = ScenarioFile["devices"];
export type EngineFile = NonNullable<ScenarioFile["engine"]>;
export type WorkloadFile = ScenarioFile["workloads"][number];
export type JobFile = Extract<WorkloadFile, { kind: "job" }>;
export type TraceFile = Extract<WorkloadFile, { kind: "trace" }>;
export type ScriptFile = Extract<WorkloadFile, { kind: "script" }>;
export type SessionFile = NonNullable<ScenarioFile["sessions"]>[number];

export interface SchemaContext {
  /** Directory that relative trace and fio paths are resolved against: the scenario file's. */
  readonly baseDirectory: string;
  /** The scenario's name when the file gives none. */
  readonly defaultName: string;
  /** What is at an absolute path: a file, a directory, nothing, or something else (a parameter so that nothing here touches the disk by itself). */
  readonly pathKind: (absolutePath: string) => "file" | "directory" | "missing" | "other";
  /** Lay the Cache LU out as the engine's format would and refuse what it would refuse (default true). */
  readonly checkLayout?: boolean;
}
