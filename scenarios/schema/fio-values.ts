/**
 * fio's own value syntaxes for the job options that have one: `bs` ("4k" or a
 * "read,write" pair), `bssplit` ("4k/10:64k/50:32k/40", optionally
 * "reads,writes") and `random_distribution` (parsed by sim/rng, converted here
 * to the scenario model's spec). Errors are UnitErrors so the schema reports
 * them like any other bad value.
 */
import { parseRandomDistribution } from "../../sim/rng/fio-random-distribution.js";
import type { RandomDistributionSpec } from "../model.js";
import { describeValue, parseSizeBytes, SIZE_EXPECTED, UnitError } from "./units.js";
import { BadValueError } from "../../io/bad-value-error.js";

export interface BlockSizeSplitEntry {
  readonly sizeBytes: number;
  readonly percent: number;
}

export interface BlockSizeSplit {
  readonly read: readonly BlockSizeSplitEntry[];
  readonly write: readonly BlockSizeSplitEntry[];
}

/** Absent when the file leaves that direction to the default, as fio's "bs=,8k" does for reads. */
export interface BlockSizePair {
  readonly read?: number;
  readonly write?: number;
}

const BS_EXPECTED = `${SIZE_EXPECTED}, or fio's "read,write" pair such as "4k,64k"`;
const BSSPLIT_EXPECTED = 'fio\'s bssplit syntax "size/percent:size/percent:..." such as "4k/10:64k/50:32k/40" (or "reads,writes"), percentages adding to 100';

/** Tolerance for percentages written as decimals (33.3 + 33.3 + 33.4). */
const PERCENT_TOLERANCE = 1e-9;

function rethrow(error: unknown, expected: string, found: string, prefix: string): never {
  if (error instanceof UnitError) throw new UnitError(`${prefix}${error.problem}`, expected, found);
  throw error;
}

/**
 * fio's "read,write" pair of a scenario key (bs, rate_iops): one value for
 * both directions, or "read,write" where an empty side is left out (absent
 * here); a third (trim) value is refused. `parseOne` reads one side, its
 * messages prefixed with `prefix` ("read block size: ") and naming `found`.
 */
function parseDirectionPair<T>(value: unknown, what: string, expected: string, parseOne: (part: unknown, prefix: string, found: string) => T): { readonly read?: T; readonly write?: T } {
  const found = describeValue(value);
  if (typeof value !== "string" || !value.includes(",")) {
    const both = parseOne(value, "", found);
    return { read: both, write: both };
  }
  const parts = value.split(",");
  if (parts.length > 2) throw new UnitError(`a third (trim) ${what} is not supported: the simulator issues no trims`, expected, found);
  const [readText = "", writeText = ""] = parts;
  const side = (text: string, direction: string): T | undefined => (text.trim() === "" ? undefined : parseOne(text, `${direction} ${what}: `, found));
  const read = side(readText, "read");
  const write = side(writeText, "write");
  if (read === undefined && write === undefined) throw new UnitError(`both ${what}s are empty`, expected, found);
  return { ...(read === undefined ? {} : { read }), ...(write === undefined ? {} : { write }) };
}

/** fio's `bs`: one size for both directions, or "read,write" where an empty side keeps the default. */
export function parseBlockSizePair(value: unknown): BlockSizePair {
  return parseDirectionPair(value, "block size", BS_EXPECTED, (part, prefix, found) => {
    try {
      return parseSizeBytes(part);
    } catch (error) {
      return rethrow(error, BS_EXPECTED, found, prefix);
    }
  });
}

const RATE_EXPECTED = 'a positive integer (I/Os per second, for reads and writes each), or fio\'s "read,write" pair such as "700,300"';

/** fio's `rate_iops`: one rate for each direction, or "read,write" where an empty side leaves that direction unrated (0). */
export function parseRatePair(value: unknown): { readonly read: number; readonly write: number } {
  const pair = parseDirectionPair(value, "rate", RATE_EXPECTED, (part, prefix, found) => {
    const number = typeof part === "string" && /^\s*\d+\s*$/.test(part) ? Number(part) : part;
    if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 1) throw new UnitError(`${prefix}not a positive integer`, RATE_EXPECTED, found);
    return number;
  });
  return { read: pair.read ?? 0, write: pair.write ?? 0 };
}

/**
 * One direction of fio's `bssplit`: "size/percent" entries separated by ':'.
 * As in fio, an entry without a percentage ("64k/" or "64k") gets an equal
 * share of what the given ones leave of 100.
 */
function parseSplitList(text: string, found: string, label: string): BlockSizeSplitEntry[] {
  if (text.trim() === "") throw new UnitError(`${label}the list is empty`, BSSPLIT_EXPECTED, found);
  const sizes: number[] = [];
  const percents: Array<number | undefined> = [];
  text.split(":").forEach((entry, index) => {
    const slash = entry.indexOf("/");
    const sizeText = slash < 0 ? entry : entry.slice(0, slash);
    const percentText = slash < 0 ? "" : entry.slice(slash + 1).trim();
    try {
      sizes.push(parseSizeBytes(sizeText));
    } catch (error) {
      rethrow(error, BSSPLIT_EXPECTED, found, `${label}entry ${index + 1} "${entry}": `);
    }
    if (percentText === "") {
      percents.push(undefined);
      return;
    }
    const percent = Number(percentText);
    if (!/^\d+(\.\d*)?$|^\.\d+$/.test(percentText) || !(percent <= 100)) {
      throw new UnitError(`${label}entry ${index + 1} "${entry}": the percentage is not a number from 0 to 100`, BSSPLIT_EXPECTED, found);
    }
    percents.push(percent);
  });
  return fillAndCheckPercents(
    sizes.map((sizeBytes, i) => ({ sizeBytes, percent: percents[i] })),
    (problem) => new UnitError(`${label}${problem}`, BSSPLIT_EXPECTED, found),
  );
}

/** fio's rule for missing percentages, then the sum must be 100. */
export function fillAndCheckPercents(
  entries: ReadonlyArray<{ readonly sizeBytes: number; readonly percent: number | undefined }>,
  fail: (problem: string) => Error,
): BlockSizeSplitEntry[] {
  const given = entries.reduce((sum, entry) => sum + (entry.percent ?? 0), 0);
  const missing = entries.filter((entry) => entry.percent === undefined).length;
  if (given > 100 + PERCENT_TOLERANCE) throw fail(`the percentages add to ${given}, more than 100`);
  if (missing === 0 && Math.abs(given - 100) > PERCENT_TOLERANCE) throw fail(`the percentages add to ${given}, not 100`);
  const share = missing === 0 ? 0 : (100 - given) / missing;
  return entries.map((entry) => ({ sizeBytes: entry.sizeBytes, percent: entry.percent ?? share }));
}

/** fio's `bssplit` string: one list for both directions, or "reads,writes" (an empty side uses `bs`). */
export function parseBlockSizeSplit(value: string): BlockSizeSplit {
  const found = describeValue(value);
  const parts = value.split(",");
  if (parts.length > 2) throw new UnitError("a third (trim) list is not supported: the simulator issues no trims", BSSPLIT_EXPECTED, found);
  if (parts.length === 1) {
    const both = parseSplitList(value, found, "");
    return { read: both, write: both };
  }
  const [readText = "", writeText = ""] = parts;
  return {
    read: readText.trim() === "" ? [] : parseSplitList(readText, found, "reads: "),
    write: writeText.trim() === "" ? [] : parseSplitList(writeText, found, "writes: "),
  };
}

/**
 * fio's `random_distribution`, as sim/rng parses it, in the scenario model's
 * terms. The model has no center for zipf and pareto, so "zipf:1.2:0.5" is
 * refused rather than silently losing its center.
 */
export function parseScenarioRandomDistribution(value: string): RandomDistributionSpec {
  const found = describeValue(value);
  let spec;
  try {
    spec = parseRandomDistribution(value);
  } catch (error) {
    if (!(error instanceof BadValueError)) throw error;
    // sim/rng words its messages as "random_distribution "x": problem; expected ...".
    const text = error.message.replace(/^random_distribution "[^"]*": /, "");
    const split = text.indexOf("; expected ");
    const problem = split < 0 ? text : text.slice(0, split);
    const expected = split < 0 ? '"random", "zipf:theta", "pareto:h", "normal:dev[:center]" or "zoned:access/size:..."' : text.slice(split + "; expected ".length);
    throw new UnitError(problem, expected, found);
  }
  switch (spec.kind) {
    case "random":
      return { kind: "random" };
    case "zipf":
    case "pareto":
      if (spec.centerFraction !== undefined) {
        throw new UnitError(`a center for ${spec.kind} is not supported by scenarios`, spec.kind === "zipf" ? '"zipf:theta", e.g. "zipf:1.2"' : '"pareto:h", e.g. "pareto:0.2"', found);
      }
      return spec.kind === "zipf" ? { kind: "zipf", theta: spec.theta } : { kind: "pareto", h: spec.h };
    case "normal":
      return spec.centerFraction === undefined ? { kind: "normal", deviationPercent: spec.deviationPercent } : { kind: "normal", deviationPercent: spec.deviationPercent, centerFraction: spec.centerFraction };
    case "zoned":
      return { kind: "zoned", zones: spec.zones.map((zone) => ({ accessPercent: zone.accessPercent, sizePercent: zone.sizePercent })) };
  }
}
