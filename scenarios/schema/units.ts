import { BadValueError } from "../../io/bad-value-error.js";

/**
 * Sizes, times and rates as people write them in scenario files.
 *
 * Every prefix counts in powers of 1024, whatever its spelling, so "4k",
 * "4K", "4kb", "4KB" and "4KiB" are all 4096 bytes, and "1MB" is 1048576.
 * fio's default (`kb_base=1024`) agrees for "k", "K", "kB" and "KB", which
 * are what job files mostly use. It does not for "KiB", "MiB"...: its
 * "compatibility mode" reads those as powers of 1000, where a scenario means
 * the IEC unit its name says (chunk and region sizes, powers of two, are
 * written "64KiB"). The fio importer reads a job file as fio does and writes
 * the scenario in bytes, so nothing is lost between the two. Decimal sizes (a
 * datasheet's "800 MB/s") are written as plain numbers: 800e6.
 *
 * Times need a unit ("10ms", "250us", "2s", "1m" is a minute, "1h"): a bare
 * number is ambiguous (fio reads `runtime=30` as seconds but `thinktime=30` as
 * microseconds), so bare numbers are accepted only where the caller says the
 * field is in nanoseconds (its name ends in Ns).
 *
 * Results are exact integers: decimal fractions are computed with bigints, so
 * "1.5GiB" is 1610612736 and "0.3k" (307.2 bytes) is refused rather than rounded.
 */

/** A value that cannot be read as the size, time or rate the field needs. */
export class UnitError extends BadValueError {
  override readonly name = "UnitError";
  constructor(
    /** What is wrong, e.g. `unknown unit "kilobytes"`. */
    readonly problem: string,
    /** What would have been accepted. */
    readonly expected: string,
    /** The offending value, rendered for a message. */
    readonly found: string,
  ) {
    super(`${problem}; expected ${expected}, found ${found}`);
  }
}

export const SIZE_EXPECTED = 'a size such as 4096, "4k", "64KiB" or "1.5GiB" (k, M, G, T, P count in powers of 1024, as in fio)';
export const TIME_EXPECTED = 'a time with a unit such as "100ns", "250us", "10ms", "2s", "1m" (minute) or "1h"';
export const RATE_EXPECTED = 'a rate such as "500MB/s" or "1GiB/s" (powers of 1024, as in fio), or a number of bytes per second';

/** Multipliers per lowercase unit; every spelling of a prefix means the same power of 1024 (see the file comment for fio's "KiB"). */
const SIZE_UNITS: ReadonlyMap<string, bigint> = new Map([
  ["", 1n],
  ["b", 1n],
  ...(["k", "m", "g", "t", "p"] as const).flatMap((prefix, index): Array<[string, bigint]> => {
    const multiplier = 1024n ** BigInt(index + 1);
    return [
      [prefix, multiplier],
      [`${prefix}b`, multiplier],
      [`${prefix}ib`, multiplier],
    ];
  }),
]);

/** Nanoseconds per lowercase unit. "m" is a minute, as in fio's time options; milliseconds are "ms". */
const TIME_UNITS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["µs", 1_000n],
  ["μs", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["min", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
  ["d", 86_400_000_000_000n],
]);

const NUMBER_THEN_UNIT = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)\s*([^\s\d.][^\s]*)?$/;

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "an object";
  return typeof value;
}

interface Decimal {
  readonly negative: boolean;
  /** The digits without the point, and the power of ten to divide by. */
  readonly digits: bigint;
  readonly scale: bigint;
  readonly unit: string;
}

function splitNumberAndUnit(text: string): Decimal | undefined {
  const match = NUMBER_THEN_UNIT.exec(text.trim());
  if (match === null) return undefined;
  const [, sign = "", number = "", unit = ""] = match;
  const [whole = "", fraction = ""] = number.split(".");
  return { negative: sign === "-", digits: BigInt(`${whole}${fraction}` || "0"), scale: 10n ** BigInt(fraction.length), unit: unit.toLowerCase() };
}

/** digits / scale * multiplier, exactly, or undefined when that is not a whole number. */
function exactProduct(decimal: Decimal, multiplier: bigint): bigint | undefined {
  const scaled = decimal.digits * multiplier;
  return scaled % decimal.scale === 0n ? scaled / decimal.scale : undefined;
}

function toSafeNumber(value: bigint, what: string, expected: string, found: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new UnitError(`${what} is too large (more than 2^53 - 1)`, expected, found);
  return Number(value);
}

function checkPlainNumber(value: number, what: string, expected: string): number {
  const found = describeValue(value);
  if (!Number.isFinite(value)) throw new UnitError(`${what} must be a finite number`, expected, found);
  if (value < 0) throw new UnitError(`${what} must not be negative`, expected, found);
  if (!Number.isInteger(value)) throw new UnitError(`${what} must be a whole number`, expected, found);
  if (!Number.isSafeInteger(value)) throw new UnitError(`${what} is too large (more than 2^53 - 1)`, expected, found);
  return value;
}

/** A size in bytes: a non-negative integer, or a string with an optional unit (see the file comment). */
export function parseSizeBytes(value: unknown): number {
  if (typeof value === "number") return checkPlainNumber(value, "a size in bytes", SIZE_EXPECTED);
  if (typeof value !== "string") throw new UnitError("not a size", SIZE_EXPECTED, describeValue(value));
  const found = describeValue(value);
  const decimal = splitNumberAndUnit(value);
  if (decimal === undefined) throw new UnitError("not a size", SIZE_EXPECTED, found);
  const multiplier = SIZE_UNITS.get(decimal.unit);
  if (multiplier === undefined) throw new UnitError(`unknown size unit "${decimal.unit}"`, SIZE_EXPECTED, found);
  if (decimal.negative) throw new UnitError("a size must not be negative", SIZE_EXPECTED, found);
  const bytes = exactProduct(decimal, multiplier);
  if (bytes === undefined) throw new UnitError("not a whole number of bytes", SIZE_EXPECTED, found);
  return toSafeNumber(bytes, "the size", SIZE_EXPECTED, found);
}

export interface DurationOptions {
  /**
   * "ns": a bare number (or a string without a unit) is nanoseconds, for
   * fields whose name ends in Ns. "reject": a unit is required.
   */
  readonly bareNumbers: "ns" | "reject";
  /** Names the alternative in the message when bare numbers are rejected, e.g. "use runtimeNs for nanoseconds". */
  readonly bareNumberHint?: string;
}

/** A time in integer nanoseconds. */
export function parseDurationNs(value: unknown, options: DurationOptions): number {
  const found = describeValue(value);
  const bareProblem = `a bare number is ambiguous for a time${options.bareNumberHint === undefined ? "" : ` (${options.bareNumberHint})`}`;
  if (typeof value === "number") {
    if (options.bareNumbers === "reject") throw new UnitError(bareProblem, TIME_EXPECTED, found);
    return checkPlainNumber(value, "a time in nanoseconds", "a whole number of nanoseconds, or " + TIME_EXPECTED);
  }
  if (typeof value !== "string") throw new UnitError("not a time", TIME_EXPECTED, found);
  const decimal = splitNumberAndUnit(value);
  if (decimal === undefined) throw new UnitError("not a time", TIME_EXPECTED, found);
  if (decimal.unit === "" && options.bareNumbers === "reject") throw new UnitError(bareProblem, TIME_EXPECTED, found);
  const multiplier = decimal.unit === "" ? 1n : TIME_UNITS.get(decimal.unit);
  if (multiplier === undefined) throw new UnitError(`unknown time unit "${decimal.unit}"`, TIME_EXPECTED, found);
  if (decimal.negative) throw new UnitError("a time must not be negative", TIME_EXPECTED, found);
  const ns = exactProduct(decimal, multiplier);
  if (ns === undefined) throw new UnitError("not a whole number of nanoseconds", TIME_EXPECTED, found);
  return toSafeNumber(ns, "the time", TIME_EXPECTED, found);
}

/** A transfer rate in integer bytes per second, greater than zero: "500MB/s", "1GiB/s", or a number of bytes per second. */
export function parseRateBytesPerSec(value: unknown): number {
  const found = describeValue(value);
  let bytesPerSec: number;
  if (typeof value === "number") {
    bytesPerSec = checkPlainNumber(value, "a rate in bytes per second", RATE_EXPECTED);
  } else if (typeof value === "string") {
    const slash = value.lastIndexOf("/");
    if (slash < 0) throw new UnitError('a rate needs "/s" (per second)', RATE_EXPECTED, found);
    const per = value.slice(slash + 1).trim().toLowerCase();
    if (per !== "s" && per !== "sec") throw new UnitError(`a rate is per second ("/s"), not per "${per}"`, RATE_EXPECTED, found);
    try {
      bytesPerSec = parseSizeBytes(value.slice(0, slash));
    } catch (error) {
      if (error instanceof UnitError) throw new UnitError(error.problem.replace("size", "rate"), RATE_EXPECTED, found);
      throw error;
    }
  } else {
    throw new UnitError("not a rate", RATE_EXPECTED, found);
  }
  if (bytesPerSec === 0) throw new UnitError("a rate must be greater than zero", RATE_EXPECTED, found);
  return bytesPerSec;
}

const SIZE_NAMES: ReadonlyArray<[string, number]> = [
  ["PiB", 1024 ** 5],
  ["TiB", 1024 ** 4],
  ["GiB", 1024 ** 3],
  ["MiB", 1024 ** 2],
  ["KiB", 1024],
];

const TIME_NAMES: ReadonlyArray<[string, number]> = [
  ["h", 3_600_000_000_000],
  ["m", 60_000_000_000],
  ["s", 1_000_000_000],
  ["ms", 1_000_000],
  ["us", 1_000],
];

/** The shortest exact spelling parseSizeBytes reads back: 65536 -> "64KiB", 1000 -> "1000". */
export function formatSize(bytes: number): string {
  const named = SIZE_NAMES.find(([, multiplier]) => bytes !== 0 && bytes % multiplier === 0);
  return named === undefined ? String(bytes) : `${bytes / named[1]}${named[0]}`;
}

/** The shortest exact spelling parseDurationNs reads back: 800000 -> "800us", 0 -> "0ns". */
export function formatDuration(ns: number): string {
  const named = TIME_NAMES.find(([, multiplier]) => ns !== 0 && ns % multiplier === 0);
  return named === undefined ? `${ns}ns` : `${ns / named[1]}${named[0]}`;
}
