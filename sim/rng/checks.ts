import { BadValueError } from "../../io/bad-value-error.js";

/**
 * Parameter checks shared by the distributions. Each throws a BadValueError that
 * names the function, the parameter, the value received and what was expected,
 * so a bad scenario file fails at load time with a message a user can act on
 * instead of producing NaN offsets deep inside a run.
 */

function describe(value: unknown): string {
  return typeof value === "number" ? String(value) : `${typeof value} ${JSON.stringify(value)}`;
}

export function failRange(where: string, name: string, value: unknown, expected: string): never {
  throw new BadValueError(`${where}: ${name} must be ${expected}, got ${describe(value)}`);
}

export function requireFinite(where: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) failRange(where, name, value, "a finite number");
}

export function requirePositive(where: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) failRange(where, name, value, "a finite number > 0");
}

export function requireNonNegative(where: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) failRange(where, name, value, "a finite number >= 0");
}

export function requireSafeInteger(where: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value)) failRange(where, name, value, "a safe integer (|x| <= 2^53 - 1)");
}

/** A count of items: an integer in [1, 2^53 - 1], so every index is exact. */
export function requireItemCount(where: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) failRange(where, name, value, "an integer in [1, 2^53 - 1]");
}

/** A fraction of a range, such as fio's distribution center: [0, 1]. */
export function requireFraction(where: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) failRange(where, name, value, "a number in [0, 1]");
}
