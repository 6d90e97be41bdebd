/**
 * Regular expressions (JSON Schema `pattern`s) for the values the loader
 * reads with its own parsers, so that an editor refuses what `cofwsim
 * validate` refuses instead of calling the file fine. Each says what the
 * parser accepts: its syntax (units.ts, fio-values.ts, script-ops.ts, sim/rng's
 * random_distribution), and the ranges that a pattern can say (a non-zero
 * size, a sector size of 512 or 4096, a percentage up to 100).
 *
 * What no pattern can say stays the loader's alone: a decimal that is not a
 * whole number of bytes or nanoseconds, a value beyond 2^53 - 1, percentages
 * that must add to 100, numbers in exponent form (read by random_distribution,
 * which an editor then flags though the loader takes them).
 *
 * Case: the parsers lowercase units, so every letter matches both cases; "K"
 * includes the Kelvin sign and "μ" the capital mu, which lowercase to "k" and
 * "μ".
 */

/** A decimal as units.ts reads it: digits with an optional point, or a point and digits; an optional "+". */
const NUMBER = "\\+?(\\d+(\\.\\d*)?|\\.\\d+)";
/** Size units: b, or k/m/g/t/p with an optional b or ib (all powers of 1024). */
const SIZE_UNIT = "([kK\\u212AmMgGtTpP]([iI]?[bB])?|[bB])";
const TIME_UNIT = "([nN][sS]|[uUµμΜ][sS]|[mM][sS]|[sS]|[mM]|[mM][iI][nN]|[hH]|[dD])";

/** A value the parser reads only with a digit from 1 to 9 in it: not zero. Units and spaces hold no digits. */
function nonZero(pattern: string): string {
  if (!pattern.startsWith("^")) throw new Error(`pattern not anchored: ${pattern}`);
  return `^(?=.*[1-9])${pattern.slice(1)}`;
}

export const SIZE_PATTERN = `^\\s*${NUMBER}\\s*${SIZE_UNIT}?\\s*$`;
export const POSITIVE_SIZE_PATTERN = nonZero(SIZE_PATTERN);
/** A time with its unit. */
export const TIME_PATTERN = `^\\s*${NUMBER}\\s*${TIME_UNIT}\\s*$`;
export const POSITIVE_TIME_PATTERN = nonZero(TIME_PATTERN);
/** A time under a key ending in Ns: the unit may be left out (nanoseconds). */
export const TIME_NS_PATTERN = `^\\s*${NUMBER}\\s*${TIME_UNIT}?\\s*$`;
export const POSITIVE_TIME_NS_PATTERN = nonZero(TIME_NS_PATTERN);
/** A rate is never zero (parseRateBytesPerSec). */
export const RATE_PATTERN = nonZero(`^\\s*${NUMBER}\\s*${SIZE_UNIT}?\\s*/\\s*([sS]|[sS][eE][cC])\\s*$`);

/** Each time unit's spelling (as TIME_UNIT has them) and nanoseconds. */
const TIME_UNITS_NS: ReadonlyArray<readonly [string, bigint]> = [
  ["[nN][sS]", 1n],
  ["[uUµμΜ][sS]", 1_000n],
  ["[mM][sS]", 1_000_000n],
  ["[sS]", 1_000_000_000n],
  ["([mM]|[mM][iI][nN])", 60_000_000_000n],
  ["[hH]", 3_600_000_000_000n],
  ["[dD]", 86_400_000_000_000n],
];

/**
 * A time of at least `minimumNs` in any unit ("1us", "0.001ms", "1000ns"),
 * the unit optional (nanoseconds) when `bareNs`. In a unit that does not
 * divide the minimum into a finite decimal (1us is 0.0000000166...m), the
 * bound is the next decimal with as many places as a whole number of
 * nanoseconds can have in that unit: what lies between is not a whole number
 * of nanoseconds, which the loader refuses anyway.
 */
export function atLeastTimePattern(minimumNs: number, bareNs: boolean): string {
  const alternatives = TIME_UNITS_NS.map(([unit, ns]) => `${decimalAtLeast(BigInt(minimumNs), ns)}\\s*${bareNs && ns === 1n ? `(${unit})?` : unit}`);
  return `^\\s*\\+?(${alternatives.join("|")})\\s*$`;
}

/** A decimal number (units.ts's forms) at least numerator / denominator, rounded up to the places a multiple of 1 / denominator written as a decimal has. */
function decimalAtLeast(numerator: bigint, denominator: bigint): string {
  const places = Math.max(multiplicity(denominator, 2n), multiplicity(denominator, 5n));
  const scaled = (numerator * 10n ** BigInt(places) + denominator - 1n) / denominator;
  const digits = scaled.toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places).replace(/^0+/, "");
  const fraction = digits.slice(digits.length - places).replace(/0+$/, "");
  const anyFraction = "(\\.\\d*)?";
  // A larger whole part, whatever follows; or the same whole part and a fraction at least the bound's.
  const sameWhole = fraction === "" ? `${whole}${anyFraction}` : `${whole}\\.${fractionAtLeast(fraction)}`;
  return `0*(${integerAbove(whole)}${anyFraction}|${sameWhole})`;
}

function multiplicity(value: bigint, prime: bigint): number {
  let count = 0;
  while (value % prime === 0n) {
    value /= prime;
    count++;
  }
  return count;
}

/** Digit strings without leading zeros greater than `digits` (no leading zeros; "" is zero). */
function integerAbove(digits: string): string {
  const alternatives = [`[1-9]\\d{${digits.length},}`];
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    if (digit < 9) alternatives.push(`${digits.slice(0, i)}[${digit + 1}-9]\\d{${digits.length - i - 1}}`);
  }
  return `(${alternatives.join("|")})`;
}

/** Fraction digits (after the point) whose value is at least that of `digits`. */
function fractionAtLeast(digits: string): string {
  const alternatives = [`${digits}\\d*`];
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    if (digit < 9) alternatives.push(`${digits.slice(0, i)}[${digit + 1}-9]\\d*`);
  }
  return `(${alternatives.join("|")})`;
}

/** A size of exactly one of `values` bytes, in any unit that writes it exactly: 512 is "512", "0.5k" or "0.00048828125MiB". */
export function exactSizePattern(values: readonly number[]): string {
  const units: ReadonlyArray<readonly [number, string]> = [
    [0, "[bB]?"],
    ...["[kK\\u212A]", "[mM]", "[gG]", "[tT]", "[pP]"].map((letter, index) => [(index + 1) * 10, `${letter}([iI]?[bB])?`] as const),
  ];
  const alternatives = values.flatMap((value) => units.map(([powerOfTwo, unit]) => `${exactDecimal(BigInt(value), powerOfTwo)}\\s*${unit}`));
  return `^\\s*\\+?(${alternatives.join("|")})\\s*$`;
}

/** value / 2^powerOfTwo written as the parser reads it: leading zeros, then the exact decimal, then trailing zeros. */
function exactDecimal(value: bigint, powerOfTwo: number): string {
  // 2^-n has exactly n decimal places, so value * 10^n / 2^n is an integer.
  const digits = ((value * 10n ** BigInt(powerOfTwo)) / 2n ** BigInt(powerOfTwo)).toString().padStart(powerOfTwo + 1, "0");
  const whole = digits.slice(0, digits.length - powerOfTwo).replace(/^0+/, "");
  const fraction = digits.slice(digits.length - powerOfTwo).replace(/0+$/, "");
  if (fraction === "") return `0*${whole}(\\.0*)?`;
  return `0*${whole}\\.${fraction}0*`;
}

/** A percentage from 0 to 100 as a plain decimal (bssplit, zoned, percentile keys). */
const PERCENT = "(0*(100(\\.0*)?|\\d{1,2}(\\.\\d*)?)|0*\\.\\d+)";
/** Zero written with a minus sign: Number() reads it as -0, which passes a check of >= 0. */
const MINUS_ZERO = "-(0+\\.?0*|\\.0+)";

/** A percentile key of a latency table: a decimal from 0 to 100 ("99", "99.900000"). */
export const PERCENTILE_KEY_PATTERN = `^\\s*${PERCENT}\\s*$`;

/** A size as one token of a script operation (no spaces inside). */
const SIZE_TOKEN = `${NUMBER}${SIZE_UNIT}?`;
const SLOT = "0*[0-7]";
/** A script operation (script-ops.ts): a read or write with a non-zero length, a flush, or a session operation on slot 0 to 7. */
export const SCRIPT_OP_PATTERN = `^\\s*((read|write)\\s+${SIZE_TOKEN}\\s+(?=[^\\s]*[1-9])${SIZE_TOKEN}|flush|(start|stop|replace|rollback)\\s+${SLOT})\\s*$`;

/** fio's "read,write" pair (fio-values.ts): one value, or two sides of which one may be blank (not both: a digit somewhere). */
function directionPair(side: string): string {
  return `^(?=.*\\d)(${side}|(${side}|\\s*),(${side}|\\s*))$`;
}

/** bs: a non-zero size (the loader refuses a block size of 0), or a "read,write" pair of them. */
export const BLOCK_SIZE_PAIR_PATTERN = directionPair(`(?=[^,]*[1-9])\\s*${NUMBER}\\s*${SIZE_UNIT}?\\s*`);

/** rate_iops: a positive integer, or a "read,write" pair of them. */
export const RATE_IOPS_PAIR_PATTERN = directionPair("\\s*0*[1-9]\\d*\\s*");

/** One bssplit entry: a size, then "/" and a percentage (or nothing: an equal share of the rest). */
const SPLIT_ENTRY = `(?=[^/:,]*[1-9])\\s*${NUMBER}\\s*${SIZE_UNIT}?\\s*(/\\s*(${PERCENT}\\s*)?)?`;
const SPLIT_LIST = `${SPLIT_ENTRY}(:${SPLIT_ENTRY})*`;
/** bssplit as a string: one list, or "reads,writes" where a side may be empty. */
export const BLOCK_SIZE_SPLIT_PATTERN = `^(${SPLIT_LIST}|(${SPLIT_LIST}|\\s*),(${SPLIT_LIST}|\\s*))$`;

/** A decimal as sim/rng reads random_distribution's numbers, without the exponent form (see the file comment). */
const DISTRIBUTION_NUMBER = "(\\d+(\\.\\d*)?|\\.\\d+)";
const THETA = `\\s*\\+?(?=[^:]*[1-9])${DISTRIBUTION_NUMBER}\\s*`;
/** Pareto's h: strictly between 0 and 1. */
const PARETO_H = "\\s*\\+?0*\\.(?=\\d*[1-9])\\d+\\s*";
/** Normal's deviation: from 0 to under 100. */
const DEVIATION = `\\s*(\\+?(0*\\d{1,2}(\\.\\d*)?|0*\\.\\d+)|${MINUS_ZERO})\\s*`;
/** A center from 0 to 1. */
const CENTER = `\\s*(\\+?(0*1(\\.0*)?|0+(\\.\\d*)?|0*\\.\\d+)|${MINUS_ZERO})\\s*`;
const ZONE_PERCENT = `\\s*((\\+?${PERCENT})|${MINUS_ZERO})?\\s*`;
const ZONE = `${ZONE_PERCENT}/${ZONE_PERCENT}`;
/** random_distribution in a scenario: zipf and pareto without a center (the model has none), names in any case. */
export const RANDOM_DISTRIBUTION_PATTERN =
  `^\\s*(` +
  [`[rR][aA][nN][dD][oO][mM]`, `[zZ][iI][pP][fF](\\s*:${THETA})?`, `[pP][aA][rR][eE][tT][oO](\\s*:${PARETO_H})?`, `[nN][oO][rR][mM][aA][lL](\\s*:${DEVIATION}(:${CENTER})?)?`, `[zZ][oO][nN][eE][dD]\\s*:${ZONE}(:${ZONE})*`]
    .map((form) => `\\s*${form}`)
    .join("|") +
  `)\\s*$`;

/** A seed given as a string: anything but blanks. */
export const SEED_PATTERN = "\\S";
