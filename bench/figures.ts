import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A measured figure with its target. Every figure here is wall-clock: it
 * depends on the machine and its load, unlike the simulator's own results.
 */
export interface Target {
  /** ">=": the figure must reach the value; "<": it must stay below it. */
  readonly op: ">=" | "<";
  readonly value: number;
}

export type Unit = "/s" | "bytes" | "ms" | "ratio";

export interface Figure {
  /** Stable key, e.g. "kernel.callbacks.sampled". */
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly unit: Unit;
  readonly target?: Target;
  /** How it was measured: samples, margin, counts. */
  readonly detail: Readonly<Record<string, number | string>>;
}

export function met(figure: Figure): boolean | undefined {
  const { target } = figure;
  if (target === undefined) return undefined;
  return target.op === ">=" ? figure.value >= target.value : figure.value < target.value;
}

/** 5_712_000 -> "5.71M", 214_000 -> "214k". */
export function formatCount(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(value === Math.trunc(value) ? 0 : 2);
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : value >= 100 ? 0 : 1)} ${units[unit]!}`;
}

export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case "/s":
      return `${formatCount(value)}/s`;
    case "bytes":
      return formatBytes(value);
    case "ms":
      return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
    case "ratio":
      return value.toFixed(2);
  }
}

export function formatTarget(figure: Figure): string {
  const { target } = figure;
  if (target === undefined) return "-";
  return `${target.op === ">=" ? "≥" : "<"} ${formatValue(target.value, figure.unit)}`;
}

/** The figure's line as printed when it is measured. */
export function figureLine(figure: Figure): string {
  const margin = typeof figure.detail["rmePercent"] === "number" ? ` ±${figure.detail["rmePercent"].toFixed(1)}%` : "";
  const verdict = met(figure);
  const target = figure.target === undefined ? "(no target)" : `target ${formatTarget(figure)}: ${verdict === true ? "met" : "MISSED"}`;
  const how = typeof figure.detail["how"] === "string" ? `  [${figure.detail["how"]}]` : "";
  return `${figure.label}: ${formatValue(figure.value, figure.unit)}${margin}  ${target}${how}`;
}

/** The final table: figure, measured, target, met. */
export function summaryTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const margin = typeof figure.detail["rmePercent"] === "number" ? ` ±${figure.detail["rmePercent"].toFixed(1)}%` : "";
    const verdict = met(figure);
    return [figure.label, `${formatValue(figure.value, figure.unit)}${margin}`, formatTarget(figure), verdict === undefined ? "-" : verdict ? "yes" : "NO"];
  });
  const header = ["figure", "measured", "target", "met"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
