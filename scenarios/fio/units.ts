/**
 * Sizes and times written the way scenario files write them ("4KiB", "30s"):
 * the largest binary unit (or time unit) that represents the value exactly,
 * so nothing is rounded on the way from an imported job to its scenario text.
 */
const BYTE_UNITS: ReadonlyArray<readonly [string, number]> = [
  ["PiB", 1024 ** 5],
  ["TiB", 1024 ** 4],
  ["GiB", 1024 ** 3],
  ["MiB", 1024 ** 2],
  ["KiB", 1024],
];

const TIME_UNITS_NS: ReadonlyArray<readonly [string, number]> = [
  ["s", 1_000_000_000],
  ["ms", 1_000_000],
  ["us", 1_000],
];

export function formatBytes(bytes: number): string {
  if (Number.isInteger(bytes) && bytes > 0) {
    for (const [unit, size] of BYTE_UNITS) {
      if (bytes % size === 0) return `${bytes / size}${unit}`;
    }
  }
  return `${bytes}B`;
}

export function formatDuration(ns: number): string {
  if (Number.isInteger(ns) && ns > 0) {
    for (const [unit, size] of TIME_UNITS_NS) {
      if (ns % size === 0) return `${ns / size}${unit}`;
    }
  }
  return `${ns}ns`;
}
