/**
 * fio's value syntax (HOWTO "Parameter types"; parse.c): sizes, counts, times,
 * booleans and per-direction lists. Every function throws FioValueError with
 * what was wrong and what was expected; the importer adds the file and line.
 *
 * Sizes: an integer (decimal or 0x hex) and an optional unit, case-insensitive.
 * With the default kb_base=1024, k/m/g/t/p (with or without a trailing b) are
 * powers of 1024, and fio reads the IEC spellings kib/mib/gib/tib/pib the
 * "opposite" way, as powers of 1000 ("compatibility mode": 4KiB is 4000
 * bytes). kb_base=1000 swaps the two. This is what fio's parser does, so it is
 * what the import does; the importer says so in a note when a file relies on it.
 * fio's HOWTO and its parser disagree on ki/mi/gi without the b, so those are
 * refused rather than guessed.
 *
 * Times: see parseFioTimeNs. Results are integer nanoseconds.
 */
export class FioValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FioValueError";
  }
}

export type KbBase = 1000 | 1024;

export type FioSize = { readonly kind: "bytes"; readonly bytes: number } | { readonly kind: "percent"; readonly percent: number };

const NUMBER_AND_UNIT = /^(0x[0-9a-f]+|\d+)([a-z%]*)$/i;
const SIZE_POWERS: Readonly<Record<string, number>> = { k: 1, m: 2, g: 3, t: 4, p: 5 };
const SIZE_EXAMPLES = "an integer with an optional unit, e.g. 4096, 4k, 256K, 10G or 1m";

const NS_PER_US = 1_000;
const NS_PER_MS = 1_000_000;
const NS_PER_S = 1_000_000_000;
/** The units fio's get_mult_time knows by their whole (lowercased) name; "us..." and "ms..." it knows by their first two letters. */
const TIME_UNITS_NS: Readonly<Record<string, number>> = {
  us: NS_PER_US,
  ms: NS_PER_MS,
  s: NS_PER_S,
  m: 60 * NS_PER_S,
  h: 3_600 * NS_PER_S,
  d: 86_400 * NS_PER_S,
};

function refuseExpression(text: string): void {
  if (text.startsWith("(")) throw new FioValueError(`"${text}": arithmetic expressions in parentheses are not supported; write the resulting value`);
}

function parseInteger(digits: string, text: string): number {
  const value = digits.toLowerCase().startsWith("0x") ? Number.parseInt(digits.slice(2), 16) : Number(digits);
  if (!Number.isSafeInteger(value)) throw new FioValueError(`"${text}" is too large`);
  return value;
}

/** A size in bytes, or a percentage when `allowPercent` (size, offset, offset_increment). */
export function parseFioSize(text: string, kbBase: KbBase, allowPercent: boolean): FioSize {
  const trimmed = text.trim();
  refuseExpression(trimmed);
  const match = NUMBER_AND_UNIT.exec(trimmed);
  if (match === null) throw new FioValueError(`"${text}" is not a size; expected ${SIZE_EXAMPLES}${allowPercent ? " or a percentage such as 20%" : ""}`);
  const number = parseInteger(match[1] ?? "", trimmed);
  const unit = (match[2] ?? "").toLowerCase();
  if (unit === "%") {
    if (!allowPercent) throw new FioValueError(`"${text}": a percentage is not allowed here; expected ${SIZE_EXAMPLES}`);
    if (number < 1 || number > 100) throw new FioValueError(`"${text}": expected a percentage between 1% and 100%`);
    return { kind: "percent", percent: number };
  }
  return { kind: "bytes", bytes: checkedProduct(number, sizeMultiplier(unit, text, kbBase), text) };
}

/** A size in bytes; no percentage. */
export function parseFioBytes(text: string, kbBase: KbBase): number {
  const size = parseFioSize(text, kbBase, false);
  if (size.kind !== "bytes") throw new FioValueError(`"${text}": expected a size in bytes`);
  return size.bytes;
}

/**
 * A whole number (iodepth, numjobs, number_ios, rate_iops). fio parses these
 * like sizes, so `1k` is 1024 here too.
 */
export function parseFioCount(text: string, kbBase: KbBase): number {
  const trimmed = text.trim();
  if (!NUMBER_AND_UNIT.test(trimmed) || trimmed.endsWith("%")) throw new FioValueError(`"${text}" is not a whole number; expected e.g. 16`);
  return parseFioBytes(trimmed, kbBase);
}

/** True when the text uses an IEC unit (KiB...) that fio reads as a power of 1000 under kb_base=1024. */
export function usesInvertedIecUnit(text: string, kbBase: KbBase): boolean {
  return kbBase === 1024 && /\d[kmgtp]ib$/i.test(text.trim());
}

function sizeMultiplier(unit: string, text: string, kbBase: KbBase): number {
  if (unit === "" || unit === "b") return 1;
  const letter = unit[0] ?? "";
  const power = SIZE_POWERS[letter];
  if (power !== undefined) {
    if (unit === letter || unit === `${letter}b`) return kbBase ** power;
    if (unit === `${letter}ib`) return (kbBase === 1024 ? 1000 : 1024) ** power;
    if (unit === `${letter}i`) {
      throw new FioValueError(
        `"${text}": fio's documentation and its parser disagree on what "${unit}" without a B means; write ${letter} (a power of ${kbBase}) or ${letter}iB (a power of ${kbBase === 1024 ? 1000 : 1024} under kb_base=${kbBase})`,
      );
    }
  }
  if (unit === "z") throw new FioValueError(`"${text}": sizes in zones need zonemode=zbd, which is not supported`);
  throw new FioValueError(`"${text}": unknown unit "${unit}"; expected b, k, m, g, t or p (optionally followed by b), or kib, mib, gib, tib, pib`);
}

function checkedProduct(number: number, multiplier: number, text: string): number {
  const value = number * multiplier;
  if (!Number.isSafeInteger(value)) throw new FioValueError(`"${text}" is too large`);
  return value;
}

/**
 * A time in integer nanoseconds, read as fio's parser reads a time option
 * (parse.c: str_to_decimal, get_mult_time): an integer, then letters in any
 * case for the unit. fio knows a unit starting "us" (us, usec, usecs) as
 * microseconds, one starting "ms" (ms, msec, msecs) as milliseconds, and
 * exactly s, m (minutes), h and d; no unit is the option's default `bareUnit`
 * (seconds for runtime, microseconds for thinktime). fio takes any other
 * letters ("sec", "min", "ns") for microseconds, and after a number followed
 * by anything else ("1.5s", "10 ms") it drops the rest and uses the default
 * unit. Those the import refuses, saying how fio would read them, as it
 * refuses other values whose fio reading is not what the file says.
 */
export function parseFioTimeNs(text: string, bareUnit: "s" | "us"): number {
  const trimmed = text.trim();
  refuseExpression(trimmed);
  const match = /^(\d+)(.*)$/s.exec(trimmed);
  const expected = `an integer with an optional unit us (or usec), ms (or msec), s, m (minutes), h or d, e.g. 30s or 500ms; without a unit, ${bareUnit === "s" ? "seconds" : "microseconds"}`;
  if (match === null) throw new FioValueError(`"${text}" is not a time; expected ${expected}`);
  const number = parseInteger(match[1] ?? "", trimmed);
  const rest = match[2] ?? "";
  const unit = rest.toLowerCase();
  if (rest !== "" && !/^[a-z]/.test(unit)) {
    throw new FioValueError(`"${trimmed}": fio would read this as ${number}${bareUnit} (its parser stops at "${rest[0]}" and takes the option's default unit); expected ${expected}`);
  }
  const known = unit === "" ? bareUnit : unit.startsWith("us") ? "us" : unit.startsWith("ms") ? "ms" : unit in TIME_UNITS_NS ? unit : undefined;
  if (known === undefined) {
    throw new FioValueError(`"${trimmed}": unknown time unit "${rest}", which fio would read as microseconds (${number}us); expected ${expected}`);
  }
  return checkedProduct(number, TIME_UNITS_NS[known]!, text);
}

/** fio booleans: 1/0 (and true/false, yes/no, on/off); an option written without a value is true. */
export function parseFioBool(text: string | undefined): boolean {
  if (text === undefined) return true;
  const normalized = text.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(normalized)) return true;
  if (["0", "false", "no", "off"].includes(normalized)) return false;
  throw new FioValueError(`"${text}" is not a boolean; expected 1 or 0`);
}

/** A whole-number percentage 0..100 (rwmixread, percentage_random). */
export function parseFioPercent(text: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) throw new FioValueError(`"${text}" is not a percentage; expected a whole number from 0 to 100`);
  const value = Number(trimmed);
  if (value > 100) throw new FioValueError(`"${text}": expected a whole number from 0 to 100`);
  return value;
}

/**
 * fio's per-direction lists (bs, blockalign, bssplit, rate, rate_iops):
 * "read,write,trim", where a value not followed by a comma also applies to
 * the directions after it, and an empty field means fio's default. Trims are
 * not simulated, so only reads and writes come back; undefined means "default".
 */
export function splitPerDirection(text: string): { readonly read: string | undefined; readonly write: string | undefined } {
  const fields = text.split(",").map((field) => field.trim());
  if (fields.length > 3) throw new FioValueError(`"${text}": expected at most three comma-separated values (reads, writes, trims)`);
  const orDefault = (field: string | undefined): string | undefined => (field === undefined || field === "" ? undefined : field);
  const read = orDefault(fields[0]);
  const write = fields.length >= 2 ? orDefault(fields[1]) : read;
  return { read, write };
}
