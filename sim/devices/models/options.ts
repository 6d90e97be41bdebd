/**
 * Option checking and formatting shared by the service models. Every check
 * throws a RangeError that names the model and the option, so a bad scenario
 * file fails at construction with a message that says what to fix, instead of
 * producing NaN times deep inside a run.
 */

import { BadValueError } from "../../../io/bad-value-error.js";

export function requirePositiveInteger(model: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new BadValueError(`${model}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function requireNonNegativeInteger(model: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BadValueError(`${model}: ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export function requirePositiveNumber(model: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new BadValueError(`${model}: ${name} must be a positive finite number, got ${String(value)}`);
  }
  return value;
}

export function requireNonNegativeNumber(model: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new BadValueError(`${model}: ${name} must be a non-negative finite number, got ${String(value)}`);
  }
  return value;
}

const NS_PER_SEC = 1e9;

/**
 * ceil(bytes / bytesPerSec) in ns. Integer arithmetic when it is exact in
 * doubles, so 4096 bytes at 512 MB/s is exactly 8000 ns and never 8001 from a
 * rounding error; the float fallback (huge requests, fractional rates) is off
 * by at most a nanosecond, which no result can see.
 */
export function transferTimeNs(bytes: number, bytesPerSec: number): number {
  if (bytes === 0) return 0;
  const numerator = bytes * NS_PER_SEC;
  if (Number.isSafeInteger(numerator) && Number.isSafeInteger(bytesPerSec)) {
    let quotient = Math.floor(numerator / bytesPerSec);
    // The float division can land one off when the quotient is large; fix it exactly.
    while (quotient * bytesPerSec < numerator) quotient++;
    while (quotient > 0 && (quotient - 1) * bytesPerSec >= numerator) quotient--;
    return quotient;
  }
  return Math.ceil(numerator / bytesPerSec);
}

/** "250ns", "100us", "8.33ms", "1.5s": for model descriptions in reports. */
export function formatNs(ns: number): string {
  if (ns < 1e3) return `${trim(ns)}ns`;
  if (ns < 1e6) return `${trim(ns / 1e3)}us`;
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`;
  return `${trim(ns / 1e9)}s`;
}

/** Decimal units, as drive datasheets quote them: "500 MB/s". */
/** Binary units, as scenario files write rates ("500MB/s" is 500 MiB/s, fio's convention). */
export function formatBytesPerSec(bytesPerSec: number): string {
  if (bytesPerSec >= 2 ** 30) return `${trim(bytesPerSec / 2 ** 30)} GiB/s`;
  if (bytesPerSec >= 2 ** 20) return `${trim(bytesPerSec / 2 ** 20)} MiB/s`;
  if (bytesPerSec >= 2 ** 10) return `${trim(bytesPerSec / 2 ** 10)} KiB/s`;
  return `${trim(bytesPerSec)} B/s`;
}

function trim(value: number): string {
  return String(Number(value.toPrecision(3)));
}
