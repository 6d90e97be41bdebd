/**
 * Number formatting for the human-facing reports (report.html, summary.md).
 * Never `toLocaleString`: its output depends on the machine's locale, and the
 * reports must be byte-identical for the same scenario, seed and version.
 */

/** Inserts a comma every three digits of the integer part: "1234567.5" -> "1,234,567.5". */
function groupDigits(text: string): string {
  const [integerPart = "", fraction] = text.split(".");
  const sign = integerPart.startsWith("-") ? "-" : "";
  const digits = sign === "" ? integerPart : integerPart.slice(1);
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}

export function formatInteger(value: number): string {
  return groupDigits(Math.round(value).toFixed(0));
}

export function formatFixed(value: number, decimals: number): string {
  return groupDigits(value.toFixed(decimals));
}

/** Rates such as IOPS: whole numbers once they are large, two decimals while small enough to need them. */
export function formatRate(value: number): string {
  return Math.abs(value) >= 100 ? formatInteger(value) : formatFixed(value, 2);
}

export const nsToMicros = (ns: number): string => formatFixed(ns / 1e3, 1);
export const nsToMillis = (ns: number): string => formatFixed(ns / 1e6, 3);
export const bytesToMiB = (bytes: number): string => formatFixed(bytes / 2 ** 20, 1);

/** A size as the scenarios write it: "64 KiB", "2 GiB", or plain bytes when it is not a whole unit. */
export function formatSizeBytes(bytes: number): string {
  const units = ["TiB", "GiB", "MiB", "KiB"] as const;
  for (let index = 0; index < units.length; index++) {
    const unitBytes = 2 ** (10 * (units.length - index));
    if (bytes >= unitBytes && bytes % unitBytes === 0) return `${formatInteger(bytes / unitBytes)} ${units[index]}`;
  }
  return `${formatInteger(bytes)} B`;
}

export function formatPercent(part: number, whole: number): string {
  return whole === 0 ? "0.0%" : `${formatFixed((100 * part) / whole, 1)}%`;
}

/** A duration in the largest unit that divides it exactly: "2 ms", "500 µs", "1,500 ns". */
export function formatDurationNs(ns: number): string {
  if (ns >= 1e9 && ns % 1e9 === 0) return `${formatInteger(ns / 1e9)} s`;
  if (ns >= 1e6 && ns % 1e6 === 0) return `${formatInteger(ns / 1e6)} ms`;
  if (ns >= 1e3 && ns % 1e3 === 0) return `${formatInteger(ns / 1e3)} µs`;
  return `${formatInteger(ns)} ns`;
}
